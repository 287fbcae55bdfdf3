"""A member of the public sends a tip with a photo from the website; the tips desk finds it on its
list, without the photo's GPS position, and reads the contact only by asking (issue 14)."""

import re
from io import BytesIO

import pytest
from PIL import Image

from rongmei.organisation import roles
from rongmei.testing import make_user

from .test_review_flow import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (36.0, 48.0, 0.0), 3: "E", 4: (118.0, 3.0, 0.0)}
    out = BytesIO()
    Image.new("RGB", (320, 240), (200, 60, 40)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_a_tip_from_the_public_form_reaches_the_tips_desk(
    newsroom, live_server, new_page, settings, tmp_path
):
    from rongmei.tips.models import Tip

    settings.PRIVATE_ROOT = str(tmp_path / "private")
    make_user("tipsdesk", roles.TIPSDESK, display_name="钱线索", outlet=newsroom.outlet)
    base_url = live_server.url

    page = new_page()
    page.goto(f"{base_url}/tips/")
    page.fill("textarea[name=text]", "人民路菜市场门口水管爆裂，路面积水半米深，车辆无法通行。")
    page.fill("input[name=location]", "张店区人民路")
    page.fill("input[name=event_time]", "今天早上7点")
    page.fill("input[name=contact_name]", "周女士")
    page.fill("input[name=contact_phone]", "13812340000")
    page.check("input[name=consent_to_contact]")
    page.set_input_files(
        "input[type=file][name=files]",
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": photo_with_gps()},
    )
    page.click("form.tips-form button[type=submit]")
    page.wait_for_url(re.compile(r"/tips/thanks/$"))
    reference = page.inner_text("#tip-reference")
    assert re.fullmatch(r"XS\d{12}", reference)

    tip = Tip.objects.get(reference=reference)
    assert tip.kind == Tip.Kind.PHOTO and tip.attachments.get().gps_removed

    desk = new_page()
    log_in(desk, base_url, "tipsdesk")
    desk.goto(f"{base_url}/admin/tips/")
    row = desk.locator(f"#tips-list tr[data-tip='{tip.pk}']")
    assert "人民路菜市场" in row.inner_text()
    assert "13812340000" not in desk.content()
    row.locator("a").first.click()
    desk.wait_for_url(re.compile(rf"/admin/tips/{tip.pk}/$"))
    assert "现场.jpg" in desk.inner_text("#tip-attachments")
    assert "13812340000" not in desk.content()
    desk.click("#show-contact")
    assert "13812340000" in desk.inner_text("#contact-details")
