"""Channel renditions: sizes and shapes, the editor's crop override, GPS and the outlet's watermark."""

from io import BytesIO

import pytest
from django.core.files.images import ImageFile
from PIL import Image

from rongmei.distribution.adapters.wechat import cover_crops
from rongmei.media.channels import channel_rendition, channel_spec
from rongmei.media.models import ChannelCrop, NewsImage
from rongmei.organisation.models import Outlet
from rongmei.testing import make_image

from .helpers import exif_of, jpeg_with_exif

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


def picture_of(rendition) -> Image.Image:
    with rendition.file.open("rb") as handle:
        picture = Image.open(BytesIO(handle.read()))
        picture.load()
    return picture


def two_halves(width=2400, height=1600) -> NewsImage:
    """Red left half, blue right half: where a crop was taken from shows in its colours."""
    picture = Image.new("RGB", (width, height), (220, 20, 20))
    picture.paste((20, 20, 220), (width // 2, 0, width, height))
    buffer = BytesIO()
    picture.save(buffer, "JPEG", quality=92)
    return NewsImage.objects.create(title="两半", file=ImageFile(buffer, name="halves.jpg"))


@pytest.mark.parametrize(
    "key, size",
    [
        ("wechat_cover", (900, 383)),
        ("wechat_square", (500, 500)),
        ("app_thumbnail", (480, 270)),
        ("social_card", (1200, 630)),
        ("print", (2400, 1600)),
    ],
)
def test_each_channel_has_its_size_and_shape(key, size):
    image = make_image(size=(2400, 1600))
    rendition = channel_rendition(image, key)
    assert (rendition.width, rendition.height) == size
    assert picture_of(rendition).size == size


def test_a_small_picture_is_cut_to_shape_but_never_enlarged():
    image = make_image(size=(400, 300))
    rendition = channel_rendition(image, "wechat_cover")
    assert rendition.width == 400
    assert abs(rendition.width / rendition.height - 2.35) < 0.02


def test_the_default_crop_follows_the_focal_point():
    image = two_halves()
    image.set_focal_point(_rect(2000, 700, 2100, 800))
    image.save()
    square = picture_of(channel_rendition(image, "wechat_square"))
    assert square.getpixel((250, 250))[2] > 150  # the blue right half
    image.set_focal_point(_rect(100, 700, 200, 800))
    image.save()
    image = NewsImage.objects.get(pk=image.pk)
    assert picture_of(channel_rendition(image, "wechat_square")).getpixel((250, 250))[0] > 150


def _rect(left, top, right, bottom):
    from wagtail.images.rect import Rect

    return Rect(left, top, right, bottom)


def test_the_override_is_used_and_changes_the_rendition():
    image = two_halves()
    centred = channel_rendition(image, "wechat_square")
    ChannelCrop.objects.create(image=image, channel="wechat_square", x=1300, y=200, width=1000, height=1000)
    image = NewsImage.objects.get(pk=image.pk)
    cut = channel_rendition(image, "wechat_square")
    assert cut.pk != centred.pk
    assert cut.focal_point_key != centred.focal_point_key
    assert cut.url != centred.url
    picture = picture_of(cut)
    assert picture.size == (500, 500)
    assert picture.getpixel((10, 10))[2] > 150 and picture.getpixel((490, 490))[2] > 150
    # Another channel without an override keeps its rendition.
    assert image.crop_key_wechat_cover == ""


def test_changing_the_override_makes_a_new_rendition_key():
    image = two_halves()
    crop = ChannelCrop.objects.create(image=image, channel="wechat_cover", x=0, y=0, width=2350, height=1000)
    first = channel_rendition(NewsImage.objects.get(pk=image.pk), "wechat_cover")
    crop.y = 600
    crop.save()
    second = channel_rendition(NewsImage.objects.get(pk=image.pk), "wechat_cover")
    assert first.focal_point_key != second.focal_point_key
    assert first.get_cache_key() != second.get_cache_key()


def test_wechat_cover_crops_come_from_the_override():
    image = two_halves()
    assert cover_crops(image)["pic_crop_1_1"] == "0.166667_0_0.833333_1"
    ChannelCrop.objects.create(image=image, channel="wechat_square", x=1200, y=400, width=1200, height=1200)
    ChannelCrop.objects.create(image=image, channel="wechat_cover", x=0, y=0, width=2350, height=1000)
    image = NewsImage.objects.get(pk=image.pk)
    crops = cover_crops(image)
    assert crops["pic_crop_1_1"] == "0.5_0.25_1_1"
    assert crops["pic_crop_235_1"] == "0_0_0.979167_0.625"


def test_gps_is_gone_from_renditions_and_other_exif_kept():
    image = NewsImage.objects.create(
        title="带位置", file=ImageFile(BytesIO(jpeg_with_exif(1200, 800)), name="gps.jpg")
    )
    with image.file.open("rb") as handle:
        assert exif_of(handle.read()).get_ifd(0x8825)  # the private original keeps it
    for spec in (
        channel_spec("wechat_cover"),
        channel_spec("print"),
        "width-400",
        "fill-100x100",
        "original",
    ):
        rendition = image.get_rendition(spec)
        with rendition.file.open("rb") as handle:
            exif = exif_of(handle.read())
        assert 0x8825 not in exif, spec
        assert not exif.get_ifd(0x8825), spec
        assert exif.get(0x0110) == "Canon EOS R5", spec


def test_png_renditions_carry_no_gps():
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (39.0, 54.0, 27.0)})
    buffer = BytesIO()
    Image.new("RGB", (300, 200), (10, 200, 10)).save(buffer, "PNG", exif=exif.tobytes())
    image = NewsImage.objects.create(title="png", file=ImageFile(buffer, name="gps.png"))
    rendition = image.get_rendition("width-100")
    with rendition.file.open("rb") as handle:
        assert not exif_of(handle.read()).get_ifd(0x8825)


@pytest.fixture
def outlet_with_mark():
    return Outlet.objects.create(
        name="融媒日报", slug="daily", copyright_line="©", watermark_text="融媒日报",
        watermark_position="bottom-right", watermark_opacity=100,
    )  # fmt: skip


def corner_differs(picture, plain) -> bool:
    width, height = picture.size
    box = (int(width * 0.6), int(height * 0.75), width, height)
    a, b = picture.crop(box).convert("L"), plain.crop(box).convert("L")
    return max(abs(x - y) for x, y in zip(a.tobytes(), b.tobytes(), strict=True)) > 60


def test_watermark_on_public_renditions_not_on_print(outlet_with_mark):
    image = make_image(size=(2400, 1600), colour=(90, 90, 90))
    for key in ("wechat_cover", "app_thumbnail", "social_card"):
        plain = picture_of(channel_rendition(image, key))
        marked_rendition = channel_rendition(image, key, outlet_with_mark)
        assert "watermark-" in marked_rendition.filter_spec
        assert corner_differs(picture_of(marked_rendition), plain), key
    assert "watermark" not in channel_spec("print", outlet_with_mark)
    print_picture = picture_of(channel_rendition(image, "print", outlet_with_mark))
    assert not corner_differs(print_picture, picture_of(channel_rendition(image, "print")))


def test_watermark_position_and_a_changed_mark_make_a_new_spec(outlet_with_mark):
    image = make_image(size=(1200, 800), colour=(90, 90, 90))
    before = channel_spec("app_thumbnail", outlet_with_mark)
    outlet_with_mark.watermark_position = "top-left"
    outlet_with_mark.save()
    after = channel_spec("app_thumbnail", outlet_with_mark)
    assert before != after
    picture = picture_of(channel_rendition(image, "app_thumbnail", outlet_with_mark))
    plain = picture_of(channel_rendition(image, "app_thumbnail"))
    assert not corner_differs(picture, plain)  # nothing bottom right any more
    assert corner_differs(picture.rotate(180), plain.rotate(180))  # top left, seen turned round


def test_a_logo_watermark(outlet_with_mark):
    logo = BytesIO()
    Image.new("RGBA", (200, 80), (255, 255, 0, 255)).save(logo, "PNG")
    outlet_with_mark.watermark_logo.save("logo.png", ImageFile(logo, name="logo.png"))
    image = make_image(size=(1200, 800), colour=(20, 20, 20))
    picture = picture_of(channel_rendition(image, "social_card", outlet_with_mark))
    width, height = picture.size
    yellow = [
        picture.getpixel((x, y))
        for x in range(int(width * 0.7), width, 8)
        for y in range(int(height * 0.8), height, 8)
    ]
    assert any(r > 200 and g > 200 and b < 80 for r, g, b in yellow)


def test_an_outlet_without_a_watermark_adds_nothing():
    outlet = Outlet.objects.create(name="无水印", slug="plain", copyright_line="©")
    assert channel_spec("wechat_cover", outlet) == channel_spec("wechat_cover")
