"""The 学习强国 contribution package: what an editor uploads on the 学习强国 contributor platform.

学习强国 has no public API for outlets: stories are contributed by hand on its contributor platform
(document plus pictures). ``build_package()`` makes that upload as one zip in the private storage
(``rongmei/core/storage.py``; downloaded through a checked view, never a public URL), named after
the story and the approved revision, ``distribution/xuexi/story-<id>-rev-<revision>.zip``:

- ``article.txt``: the story as plain UTF-8 text (with a byte-order mark, so older Windows editors
  read it as UTF-8): the information block (title, author, source, original link, publication time),
  then the text, one paragraph per line, pictures marked where they stand (［图1］);
- ``article.html``: the same as a standalone HTML document, pictures referenced as ``images/…``,
  for pasting into the platform's editor;
- ``images/NN-<name>.<ext>``: the original files of the lead picture and the pictures in the body
  (Wagtail's ``Image.file``, not renditions), in reading order, each once;
- ``manifest.json``: the information block and the picture list, for whoever (or whatever) checks
  the upload.

Only ASCII names inside the zip: Windows' built-in unzip shows non-ASCII names garbled.
"""

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

import nh3
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.translation import gettext as _
from wagtail.rich_text.rewriters import EmbedRewriter, LinkRewriter, MultiRuleRewriter

from rongmei.core.storage import private_storage
from rongmei.media.metadata import caption_line
from rongmei.newsroom.rich_text import media_links
from rongmei.website.site_url import page_url

PACKAGE_DIR = "distribution/xuexi"
HTML_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "ol", "ul", "li", "hr", "blockquote",
    "a", "figure", "figcaption", "img",
}  # fmt: skip
HTML_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt"}}
# Where a picture stands, through the sanitiser as text (an author never types this).
_PLACEHOLDER = "[[xuexi-picture-{}]]"
_PLACEHOLDER_RE = re.compile(r"\[\[xuexi-picture-(\d+)\]\]")


class PackageError(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class PackageImage:
    image: object
    filename: str
    caption: str
    credit: str


@dataclass
class Package:
    name: str  # in the private storage
    filename: str  # what the download is called
    files: list[str] = field(default_factory=list)
    manifest: dict = field(default_factory=dict)


def package_name(story_id: int, revision_id: int | None) -> str:
    return f"{PACKAGE_DIR}/story-{story_id}-rev-{revision_id or 'live'}.zip"


def download_filename(story_id: int, revision_id: int | None) -> str:
    return f"xuexi-story-{story_id}-rev-{revision_id or 'live'}.zip"


def package_exists(story_id: int, revision_id: int | None) -> bool:
    return private_storage().exists(package_name(story_id, revision_id))


def open_package(story_id: int, revision_id: int | None):
    """The stored package as a file object (FileNotFoundError when there is none)."""
    return private_storage().open(package_name(story_id, revision_id), "rb")


# --- the story's text ------------------------------------------------------------------------------------


def _image_model():
    from wagtail.images import get_image_model

    return get_image_model()


def _valid_id(value):
    from rongmei.newsroom.rich_text import valid_id

    return valid_id(value)


def _body_image_ids(html: str) -> list[int]:
    from wagtail.rich_text.rewriters import FIND_EMBED_TAG, extract_attrs

    ids = []
    for match in FIND_EMBED_TAG.finditer(html or ""):
        attrs = extract_attrs(match.group(1))
        if attrs.get("embedtype") == "image":
            image_id = _valid_id(attrs.get("id"))
            if image_id:
                ids.append(image_id)
    return ids


def _extension(image) -> str:
    suffix = PurePosixPath(image.file.name).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".jpg"


def collect_images(story, cover) -> list[PackageImage]:
    """The lead picture (``cover``, the channel version's picture) and the body's pictures, each once."""
    ids = ([cover.pk] if cover is not None else []) + _body_image_ids(story.body)
    by_id = {image.pk: image for image in _image_model().objects.filter(pk__in=ids)}
    images, seen = [], set()
    for image_id in ids:
        image = by_id.get(image_id)
        if image is None or image_id in seen:
            continue
        seen.add(image_id)
        number = len(images) + 1
        images.append(
            PackageImage(
                image=image,
                filename=f"images/{number:02d}-image{image.pk}{_extension(image)}",
                caption=getattr(image, "caption", "") or "",
                credit=getattr(image, "credit", "") or "",
            )
        )
    return images


def _page_links(attrs_list):
    from wagtail.models import Page

    ids = [_valid_id(attrs.get("id")) for attrs in attrs_list]
    pages = Page.objects.live().public().filter(pk__in=[i for i in ids if i]).specific()
    urls = {page.pk: page_url(page) for page in pages}
    return [format_html('<a href="{}">', urls[i]) if urls.get(i) else "<a>" for i in ids]


def _rewriter(images: list[PackageImage]):
    numbers = {item.image.pk: index for index, item in enumerate(images)}

    def image_embeds(attrs_list):
        out = []
        for attrs in attrs_list:
            index = numbers.get(_valid_id(attrs.get("id")))
            out.append(_PLACEHOLDER.format(index) if index is not None else "")
        return out

    return MultiRuleRewriter(
        [
            LinkRewriter(bulk_rules={"page": _page_links}),
            EmbedRewriter(
                bulk_rules={"image": image_embeds, "media": media_links('<p><a href="{url}">{url}</a></p>')}
            ),
        ]
    )


def _caption(item: PackageImage) -> str:
    return caption_line(item.caption, item.credit)


def body_html(story, images: list[PackageImage]) -> str:
    expanded = _rewriter(images)(story.body or "")
    cleaned = nh3.clean(
        expanded,
        tags=HTML_TAGS,
        attributes=HTML_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
    )

    def figure(match):
        item = images[int(match.group(1))]
        caption = _caption(item)
        return format_html(
            '<figure><img src="{}" alt="{}">{}</figure>',
            item.filename,
            item.caption or item.image.title,
            format_html("<figcaption>{}</figcaption>", caption) if caption else "",
        )

    return _PLACEHOLDER_RE.sub(figure, cleaned)


_BLOCK_END = re.compile(r"(?i)<br\s*/?>|</(p|h[1-6]|li|blockquote|div|figure)>|<hr\s*/?>")
_LIST_ITEM = re.compile(r"(?i)<li\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def body_text(story, images: list[PackageImage]) -> list[str]:
    """The body as plain paragraphs; a picture is its own line, ［图N］ and its caption."""
    import html as html_module

    expanded = _rewriter(images)(story.body or "")
    expanded = _PLACEHOLDER_RE.sub(lambda m: f"\n{_PLACEHOLDER.format(m.group(1))}\n", expanded)
    expanded = _LIST_ITEM.sub("· ", _BLOCK_END.sub("\n", expanded))
    text = html_module.unescape(_TAG.sub("", expanded))
    paragraphs = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        match = _PLACEHOLDER_RE.fullmatch(line)
        if match:
            index = int(match.group(1))
            caption = _caption(images[index])
            line = f"［图{index + 1}］{caption}".rstrip() + f"（{images[index].filename}）"
        if line:
            paragraphs.append(line)
    return paragraphs


# --- the package -----------------------------------------------------------------------------------------


def _local(value: datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


def manifest_for(story, source, version, images, revision_id) -> dict:
    outlet = story.outlet.name if story.outlet_id else ""
    return {
        "title": version.title or source.title,
        "kicker": source.kicker,
        "subheadline": source.subheadline,
        "summary": version.summary,
        "author": version.author or source.credit_line(),
        "source_outlet": outlet,
        "source": source.source,
        "copyright": story.copyright_line,
        "original_url": version.link,
        "published_at": timezone.localtime(story.first_published_at).isoformat()
        if story.first_published_at
        else None,
        "updated_at": timezone.localtime(story.last_published_at).isoformat()
        if story.last_published_at and story.last_published_at != story.first_published_at
        else None,
        "story_id": story.pk,
        "revision_id": revision_id,
        "images": [
            {"file": item.filename, "title": item.image.title, "caption": item.caption, "credit": item.credit}
            for item in images
        ],
        "generated_at": timezone.localtime(timezone.now()).isoformat(),
    }


def _info_lines(manifest) -> list[tuple[str, str]]:
    return [
        ("标题", manifest["title"]),
        ("作者", manifest["author"]),
        ("来源", manifest["source_outlet"] or manifest["source"]),
        ("原文链接", manifest["original_url"]),
        ("发布时间", manifest["published_at"][:16].replace("T", " ") if manifest["published_at"] else ""),
    ]


def article_text(manifest, source, paragraphs) -> str:
    lines = [f"{label}：{value}" for label, value in _info_lines(manifest) if value]
    lines.append("")
    for heading in (manifest["kicker"], manifest["title"], manifest["subheadline"]):
        if heading:
            lines.append(heading)
    if manifest["author"]:
        lines.append(manifest["author"])
    lines.append("")
    if source.lead:
        lines.append(" ".join(source.lead.split()))
    lines.extend(paragraphs)
    if manifest["copyright"]:
        lines += ["", manifest["copyright"]]
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def article_html(manifest, source, body) -> str:
    info = "".join(
        format_html("<li>{}：{}</li>", label, value) for label, value in _info_lines(manifest) if value
    )
    parts = [
        '<!DOCTYPE html>\n<html lang="zh-Hans">\n<head>\n<meta charset="utf-8">\n',
        f"<title>{escape(manifest['title'])}</title>\n</head>\n<body>\n",
        f'<ul class="info">{info}</ul>\n<article>\n',
    ]
    if manifest["kicker"]:
        parts.append(f"<p>{escape(manifest['kicker'])}</p>\n")
    parts.append(f"<h1>{escape(manifest['title'])}</h1>\n")
    if manifest["subheadline"]:
        parts.append(f"<p>{escape(manifest['subheadline'])}</p>\n")
    if manifest["author"]:
        parts.append(f"<p>{escape(manifest['author'])}</p>\n")
    if source.lead:
        parts.append(f"<p><strong>{escape(' '.join(source.lead.split()))}</strong></p>\n")
    parts.append(body + "\n")
    if manifest["copyright"]:
        parts.append(f"<p>{escape(manifest['copyright'])}</p>\n")
    parts.append("</article>\n</body>\n</html>\n")
    return "".join(parts)


def build_package(story, *, revision_id, version) -> Package:
    """Make (or make again) the story's package for ``revision_id`` with the channel ``version``
    (``versions.resolve``: the editor's 学习强国 title and summary, or generated ones)."""
    from .versions import story_at_revision

    source = story_at_revision(story, revision_id)
    with translation.override(settings.LANGUAGE_CODE):
        images = collect_images(source, version.image)
        manifest = manifest_for(story, source, version, images, revision_id)
        text = article_text(manifest, source, body_text(source, images))
        html = article_html(manifest, source, body_html(source, images))
    buffer = io.BytesIO()
    files = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", text.encode("utf-8"))
        archive.writestr("article.html", html.encode("utf-8"))
        files += ["article.txt", "article.html"]
        for item in images:
            try:
                with item.image.file.open("rb") as handle:
                    data = handle.read()
            except (FileNotFoundError, OSError) as error:
                raise PackageError(
                    _(
                        "The picture “%(title)s” is missing on the server (%(error)s): upload it again, then make the package again."
                    )
                    % {"title": item.image.title, "error": type(error).__name__}
                ) from error
            # Pictures are compressed already: store them as they are.
            archive.writestr(item.filename, data, compress_type=zipfile.ZIP_STORED)
            files.append(item.filename)
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"))
        files.append("manifest.json")
    name = package_name(story.pk, revision_id)
    storage = private_storage()
    if storage.exists(name):
        storage.delete(name)
    saved = storage.save(name, ContentFile(buffer.getvalue()))
    return Package(
        name=saved, filename=download_filename(story.pk, revision_id), files=files, manifest=manifest
    )
