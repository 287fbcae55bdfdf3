"""A page's package for the layout software: XML that parses, UTF-8 text, the original images."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from lxml import etree
from PIL import Image as PILImage
from wagtail.models import ModelLogEntry

from rongmei.printing import export, services
from rongmei.printing.models import PrintPage
from rongmei.testing import fresh, make_image


@pytest.fixture
def illustrated(paper, on_commit):
    cover = make_image(title="封面", size=(3000, 2000), quality=95, caption="新校舍", credit="记者 李华 摄")
    inside = make_image(
        title="内页",
        size=(2400, 1600),
        quality=95,
        colour=(20, 90, 160),
        caption="教室内景",
        credit="通讯员 赵强 摄",
    )
    body = (
        "<p>某地新建学校三所，总投资两亿元。</p>"
        f'<embed embedtype="image" id="{inside.pk}" format="fullwidth" alt="教室"/>'
        "<h2>明年秋季开学</h2><p>可提供学位&lt;三千&gt;个 &amp; 更多。</p>"
        "<ul><li>第一所</li><li>第二所</li></ul>"
    )
    with on_commit():
        story = paper.add_story(
            title="我市新建三所学校",
            kicker="教育民生",
            subheadline="明年秋季投入使用",
            lead="记者从市教育局获悉。",
            body=body,
            cover_image=cover,
            publish=True,
        )
    return fresh(story), cover, inside


def _zip(page, user):
    handle, filename, manifest = export.export_page(page, acting_user=user)
    data = handle.read()
    handle.close()
    return zipfile.ZipFile(io.BytesIO(data)), filename, manifest


def test_the_package_holds_xml_text_originals_and_a_manifest(paper, issue, illustrated):
    story, cover, inside = illustrated
    services.place_story(issue, 1, story, acting_user=paper.editor, target_length=55, note="头条")
    page = issue.pages.get(number=1)
    page = services.mark_page_proof(page, acting_user=paper.editor)
    page = services.sign_off(page, acting_user=paper.director)

    archive, filename, manifest = _zip(page, paper.editor)
    folder = f"test-daily-{issue.issue_date:%Y%m%d}-p01"
    assert filename == folder + ".zip"  # signed off: no state suffix
    names = set(archive.namelist())
    xml_name = f"{folder}/stories/01-story{story.pk}.xml"
    txt_name = f"{folder}/stories/01-story{story.pk}.txt"
    cover_name = f"{folder}/images/story{story.pk}-cover-{cover.pk}.jpg"
    inside_name = f"{folder}/images/story{story.pk}-body1-{inside.pk}.jpg"
    assert names == {f"{folder}/manifest.json", xml_name, txt_name, cover_name, inside_name}

    # The originals, byte for byte, at full size (not renditions).
    for name, image, size in ((cover_name, cover, (3000, 2000)), (inside_name, inside, (2400, 1600))):
        data = archive.read(name)
        with image.file.open("rb") as original:
            assert data == original.read()
        assert PILImage.open(io.BytesIO(data)).size == size

    root = etree.fromstring(archive.read(xml_name))
    assert root.tag == "story" and root.get("format") == "rongmei-print" and root.get("version") == "1"
    assert root.get("revision") == str(story.live_revision_id)
    assert root.findtext("headline") == "我市新建三所学校"
    assert root.findtext("kicker") == "教育民生"
    assert root.findtext("subheadline") == "明年秋季投入使用"
    assert root.findtext("lead") == "记者从市教育局获悉。"
    assert root.find("meta/state").get("code") == "signed_off"
    assert root.findtext("meta/target-length") == "55"
    assert root.findtext("meta/note") == "头条"
    assert root.findtext("meta/copyright") == "本稿件版权归测试日报所有"
    assert root.find("cover-image").get("ref") == cover_name.split("/", 1)[1]
    assert root.find("cover-image").get("width") == "3000"
    assert root.findtext("cover-image/caption") == "新校舍"
    body = [(child.tag, child.get("ref") or child.text) for child in root.find("body")]
    assert body == [
        ("p", "某地新建学校三所，总投资两亿元。"),
        ("image", inside_name.split("/", 1)[1]),
        ("subhead", "明年秋季开学"),
        ("p", "可提供学位<三千>个 & 更多。"),
        ("li", "第一所"),
        ("li", "第二所"),
    ]
    assert root.findtext("body/image/credit") == "通讯员 赵强 摄"

    text = archive.read(txt_name).decode("utf-8")
    assert text.startswith("教育民生\n我市新建三所学校\n明年秋季投入使用\n")
    assert "记者从市教育局获悉。\n某地新建学校三所，总投资两亿元。\n" in text
    assert "可提供学位<三千>个 & 更多。" in text

    stored = json.loads(archive.read(f"{folder}/manifest.json"))
    assert stored == manifest
    assert stored["state"] == "signed_off" and stored["signed_off"] is True
    assert stored["signed_off_by"] == "周复审" and stored["exported_by"] == "李初审"
    assert stored["page"] == 1 and stored["page_name"] == "要闻"
    [entry] = stored["stories"]
    assert entry["story_id"] == story.pk and entry["length_check"] == "fits"
    assert entry["length"] == len(
        "记者从市教育局获悉。某地新建学校三所，总投资两亿元。明年秋季开学可提供学位<三千>个&更多。第一所第二所"
    )
    assert [i["role"] for i in entry["images"]] == ["cover", "body"]
    for item in stored["files"]:
        data = archive.read(f"{folder}/{item['path']}")
        assert len(data) == item["bytes"] and hashlib.sha256(data).hexdigest() == item["sha256"]
    assert stored["warnings"] == []
    assert ModelLogEntry.objects.filter(action="rongmei.printing.export", object_id=str(page.pk)).exists()


def test_an_unsigned_page_exports_marked_with_its_state(paper, issue, approved_story):
    services.place_story(issue, 2, approved_story, acting_user=paper.editor)
    page = issue.pages.get(number=2)
    archive, filename, manifest = _zip(page, paper.editor)
    assert filename.endswith("-p02-galley.zip")
    assert manifest["state"] == PrintPage.State.GALLEY and manifest["signed_off"] is False
    page = services.mark_page_proof(page, acting_user=paper.editor)
    assert export.zip_filename(page).endswith("-p02-page-proof.zip")


def test_a_missing_original_is_a_warning_not_a_broken_package(paper, issue, illustrated):
    story, cover, inside = illustrated
    services.place_story(issue, 1, story, acting_user=paper.editor)
    inside.file.storage.delete(inside.file.name)
    archive, _filename, manifest = _zip(issue.pages.get(number=1), paper.editor)
    assert len(manifest["warnings"]) == 1 and "missing" in manifest["warnings"][0]
    assert not [n for n in archive.namelist() if f"-{inside.pk}." in n]
    assert archive.testzip() is None


def test_a_reporter_may_not_export(paper, issue):
    with pytest.raises(PermissionDenied):
        export.export_page(issue.pages.get(number=1), acting_user=paper.reporter)
