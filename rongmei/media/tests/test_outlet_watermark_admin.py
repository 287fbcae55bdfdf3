"""An administrator sets an outlet's watermark (text, logo, corner, opacity) on the outlet's edit page."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rongmei.media.channels import channel_spec
from rongmei.organisation.models import Outlet
from rongmei.testing import login

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def a_logo() -> bytes:
    buffer = BytesIO()
    Image.new("RGBA", (120, 40), (255, 255, 255, 200)).save(buffer, "PNG")
    return buffer.getvalue()


def test_the_outlet_page_sets_the_watermark(client, newsroom):
    outlet = newsroom.outlet
    login(client, newsroom.admin, language="zh-hans")
    edit = reverse(
        f"wagtailsnippets_{Outlet._meta.app_label}_{Outlet._meta.model_name}:edit", args=[outlet.pk]
    )
    page = client.get(edit)
    assert page.status_code == 200
    assert 'name="watermark_logo"' in page.content.decode()
    before = channel_spec("wechat_cover", outlet)
    response = client.post(
        edit,
        {
            "name": outlet.name,
            "short_name": outlet.short_name,
            "slug": outlet.slug,
            "copyright_line": outlet.copyright_line,
            "description": outlet.description,
            "watermark_text": "融媒日报",
            "watermark_logo": SimpleUploadedFile("logo.png", a_logo(), "image/png"),
            "watermark_position": "top-left",
            "watermark_opacity": "40",
        },
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    outlet.refresh_from_db()
    assert outlet.watermark_text == "融媒日报" and outlet.watermark_logo.name.startswith("watermarks/")
    assert (outlet.watermark_position, outlet.watermark_opacity) == ("top-left", 40)
    assert channel_spec("wechat_cover", outlet) != before
    assert "watermark-" in channel_spec("wechat_cover", outlet)


def test_an_opacity_out_of_range_is_refused(client, newsroom):
    outlet = newsroom.outlet
    login(client, newsroom.admin, language="en")
    edit = reverse(
        f"wagtailsnippets_{Outlet._meta.app_label}_{Outlet._meta.model_name}:edit", args=[outlet.pk]
    )
    response = client.post(
        edit,
        {
            "name": outlet.name,
            "slug": outlet.slug,
            "copyright_line": outlet.copyright_line,
            "watermark_position": "bottom-right",
            "watermark_opacity": "250",
        },
    )
    assert response.status_code == 200
    assert "watermark_opacity" in response.context["form"].errors
    outlet.refresh_from_db()
    assert outlet.watermark_opacity == 60
