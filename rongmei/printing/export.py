"""A page's stories for the layout software (方正飞腾, InDesign): one zip per page.

Layout (ASCII names, so every unzip tool on a Chinese Windows desktop reads them)::

    <outlet-slug>-<YYYYMMDD>-p<NN>/
        manifest.json                  what is in the package, with sizes and SHA-256
        stories/<order>-story<id>.xml  the story in the documented print XML (below)
        stories/<order>-story<id>.txt  the same text as UTF-8 plain text, one paragraph a line
        images/story<id>-cover-<image id>.<ext>   the full-resolution originals
        images/story<id>-body<n>-<image id>.<ext>

The XML (``rongmei-print`` version 1; no namespace so InDesign maps its tags to styles directly)::

    <story format="rongmei-print" version="1" id="…" revision="…" order="…">
      <meta><outlet/><issue-date/><page number="" name=""/><state code="">…</state>
            <target-length/><length/><type/><source/><note/><copyright/></meta>
      <kicker/><headline/><subheadline/><byline/><lead/>
      <cover-image ref="images/…" width="" height=""><caption/><credit/></cover-image>
      <body><p/><subhead/><quote/><li/><image ref="…" width="" height=""><caption/><credit/></image></body>
    </story>

Export is allowed in every state; the manifest (and the file name, unless signed off) says which,
so a 小样 package is never mistaken for the signed-off page. The zip is written to a temporary
file, images copied in chunks: a page with large originals never sits in memory.
"""

import hashlib
import json
import os
import tempfile
import zipfile

from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from wagtail.images import get_image_model
from wagtail.log_actions import log

from rongmei.organisation.models import display_name_for

from . import permissions, queries
from .models import PrintPage
from .services import PrintPermissionDenied
from .text import PrintText

FORMAT = "rongmei-print"
VERSION = 1
CHUNK = 1024 * 1024
STATE_SUFFIX = {PrintPage.State.GALLEY: "-galley", PrintPage.State.PAGE_PROOF: "-page-proof"}


def package_name(page: PrintPage) -> str:
    issue = page.issue
    return f"{issue.outlet.slug}-{issue.issue_date:%Y%m%d}-p{page.number:02d}"


def zip_filename(page: PrintPage) -> str:
    return package_name(page) + STATE_SUFFIX.get(page.state, "") + ".zip"


class _Hashing:
    """A writable that counts and hashes what passes through it."""

    def __init__(self, target):
        self.target = target
        self.size = 0
        self.sha256 = hashlib.sha256()

    def write(self, data):
        self.size += len(data)
        self.sha256.update(data)
        return self.target.write(data)


def _sub(parent, tag, text=None, **attrs):
    element = etree.SubElement(
        parent, tag, {k.replace("_", "-"): str(v) for k, v in attrs.items() if v not in (None, "")}
    )
    if text:
        element.text = text
    return element


def _image_element(parent, tag, image, ref):
    element = _sub(parent, tag, ref=ref, width=image.width, height=image.height, id=image.pk)
    _sub(element, "caption", getattr(image, "caption", "") or "")
    _sub(element, "credit", getattr(image, "credit", "") or "")
    return element


def story_xml(view, text: PrintText, page, images: dict, revision_id=None) -> bytes:
    placement = view.placement
    printed = view.printed
    root = etree.Element(
        "story",
        {
            "format": FORMAT,
            "version": str(VERSION),
            "id": str(placement.story_id),
            "revision": str(revision_id or ""),
            "order": str(placement.order),
        },
    )
    meta = _sub(root, "meta")
    _sub(meta, "outlet", str(page.issue.outlet))
    _sub(meta, "issue-date", f"{page.issue.issue_date:%Y-%m-%d}")
    _sub(meta, "page", number=page.number, name=page.name)
    _sub(meta, "state", str(page.get_state_display()), code=page.state)
    _sub(meta, "target-length", str(placement.target_length))
    _sub(meta, "length", str(text.length))
    _sub(meta, "type", printed.story_type)
    _sub(meta, "source", printed.source)
    _sub(meta, "note", placement.note)
    _sub(meta, "copyright", printed.copyright_line)
    for tag, value in (
        ("kicker", text.kicker),
        ("headline", text.headline),
        ("subheadline", text.subheadline),
        ("byline", text.byline),
        ("lead", text.lead),
    ):
        _sub(root, tag, value)
    if text.cover_image_id in images:
        image, ref = images[text.cover_image_id]
        _image_element(root, "cover-image", image, ref)
    body = _sub(root, "body")
    for block in text.blocks:
        if block.kind == "image":
            if block.image_id in images:
                image, ref = images[block.image_id]
                _image_element(body, "image", image, ref)
            continue
        _sub(body, block.kind, block.text)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def story_txt(text: PrintText, images: dict) -> bytes:
    lines = [line for line in (text.kicker, text.headline, text.subheadline) if line]
    lines.append("")
    if text.byline:
        lines += [text.byline, ""]
    if text.lead:
        lines.append(text.lead)
    for block in text.blocks:
        if block.kind == "image":
            if block.image_id in images:
                image, ref = images[block.image_id]
                caption = " ".join(
                    part for part in (getattr(image, "caption", ""), getattr(image, "credit", "")) if part
                )
                lines.append(f"〔图 {ref}〕{caption}")
            continue
        lines.append(block.text)
    return ("\n".join(lines).rstrip() + "\n").encode("utf-8")


def _extension(image) -> str:
    ext = os.path.splitext(image.file.name)[1].lower()
    return ext if ext and len(ext) <= 6 and ext[1:].isalnum() else ".bin"


def write_page_zip(page: PrintPage, target, *, exported_by=None) -> dict:
    """Write the page's package into the binary file ``target``; return the manifest."""
    page = PrintPage.objects.select_related("issue", "issue__outlet", "signed_off_by", "page_proof_by").get(
        pk=page.pk
    )
    folder = package_name(page)
    files: list[dict] = []
    stories: list[dict] = []
    warnings: list[str] = []
    Image = get_image_model()

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:

        def add_bytes(name, data: bytes):
            path = f"{folder}/{name}"
            archive.writestr(path, data)
            files.append({"path": name, "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()})

        def add_image(name, image) -> bool:
            path = f"{folder}/{name}"
            info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED  # JPEG/PNG are compressed already
            try:
                with image.file.open("rb") as source, archive.open(info, "w", force_zip64=True) as sink:
                    hashing = _Hashing(sink)
                    while chunk := source.read(CHUNK):
                        hashing.write(chunk)
            except (FileNotFoundError, OSError):
                return False
            files.append({"path": name, "bytes": hashing.size, "sha256": hashing.sha256.hexdigest()})
            return True

        placements = page.placements.select_related("story").order_by("order", "pk")
        for index, placement in enumerate(placements, start=1):
            view = queries.view_placement(placement)
            story_id = placement.story_id
            if view.printed is None:
                warnings.append(
                    _("“%(title)s” is no longer approved for publication and was left out.")
                    % {"title": placement.story.title}
                )
                continue
            text = view.text
            revision = queries.printable_revision(placement.story)
            found = {image.pk: image for image in Image.objects.filter(pk__in=text.image_ids)}
            images: dict = {}
            image_entries = []
            body_number = 0
            for image_id in text.image_ids:
                image = found.get(image_id)
                is_cover = image_id == text.cover_image_id
                if not is_cover:
                    body_number += 1
                if image is None:
                    warnings.append(
                        _("Image %(id)d of “%(title)s” no longer exists.")
                        % {"id": image_id, "title": view.headline}
                    )
                    continue
                role = "cover" if is_cover else f"body{body_number}"
                ref = f"images/story{story_id}-{role}-{image.pk}{_extension(image)}"
                if not add_image(ref, image):
                    warnings.append(
                        _("The original file of image %(id)d (“%(title)s”) is missing on the server.")
                        % {"id": image.pk, "title": image.title}
                    )
                    continue
                images[image.pk] = (image, ref)
                image_entries.append(
                    {
                        "path": ref,
                        "image_id": image.pk,
                        "role": "cover" if is_cover else "body",
                        "width": image.width,
                        "height": image.height,
                        "caption": getattr(image, "caption", ""),
                        "credit": getattr(image, "credit", ""),
                    }
                )
            stem = f"stories/{index:02d}-story{story_id}"
            add_bytes(stem + ".xml", story_xml(view, text, page, images, revision.pk if revision else None))
            add_bytes(stem + ".txt", story_txt(text, images))
            stories.append(
                {
                    "order": placement.order,
                    "story_id": story_id,
                    "revision_id": revision.pk if revision is not None else None,
                    "headline": text.headline,
                    "target_length": placement.target_length,
                    "length": text.length,
                    "length_check": view.check.verdict,
                    "note": placement.note,
                    "xml": stem + ".xml",
                    "txt": stem + ".txt",
                    "images": image_entries,
                }
            )

        manifest = {
            "format": "rongmei-print-page",
            "version": VERSION,
            "outlet": str(page.issue.outlet),
            "outlet_slug": page.issue.outlet.slug,
            "issue_date": f"{page.issue.issue_date:%Y-%m-%d}",
            "page": page.number,
            "page_name": page.name,
            "state": page.state,
            "state_label": str(page.get_state_display()),
            "signed_off": page.state == PrintPage.State.SIGNED_OFF,
            "signed_off_by": display_name_for(page.signed_off_by) if page.signed_off_by else "",
            "signed_off_at": page.signed_off_at.isoformat() if page.signed_off_at else "",
            "exported_at": timezone.now().isoformat(),
            "exported_by": display_name_for(exported_by) if exported_by else "",
            "text_encoding": "UTF-8",
            "stories": stories,
            "files": files,
            "warnings": warnings,
        }
        archive.writestr(
            f"{folder}/manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8")
        )
    return manifest


def export_page(page: PrintPage, *, acting_user):
    """The page's zip as an open temporary file (deleted when closed) and its download name."""
    if not permissions.can_view(acting_user):
        raise PrintPermissionDenied(_("You may not export print pages."))
    handle = tempfile.TemporaryFile(suffix=".zip")
    try:
        manifest = write_page_zip(page, handle, exported_by=acting_user)
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    log(
        instance=page,
        action="rongmei.printing.export",
        user=acting_user,
        data={
            "state": page.state,
            "stories": len(manifest["stories"]),
            "warnings": len(manifest["warnings"]),
        },
    )
    return handle, zip_filename(page), manifest
