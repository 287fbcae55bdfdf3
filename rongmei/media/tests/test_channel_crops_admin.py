"""Setting a channel's crop in the admin: who may, what is refused, and the rendition that follows."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from rongmei.media.channels import channel_rendition, crop_box
from rongmei.media.models import ChannelCrop, NewsImage
from rongmei.media.services import CropError, reset_channel_crop, set_channel_crop
from rongmei.testing import login, make_image, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def picture(newsroom):
    image = make_image("广场", size=(2000, 1000))
    image.uploaded_by_user = newsroom.reporter
    image.save()
    return image


@pytest.fixture
def admin_only_user(db):
    """Admin access, but no right to edit pictures."""
    user = make_user("viewer")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return user


def save_url(image, key):
    return reverse("media_channel_crop_save", args=[image.pk, key])


def test_an_editor_sets_and_resets_a_crop(client, newsroom, picture):
    login(client, newsroom.editor, language="zh-hans")
    page = client.get(reverse("media_channel_crops", args=[picture.pk]))
    assert page.status_code == 200
    assert 'data-channel="wechat_cover"' in page.content.decode()
    before = channel_rendition(picture, "wechat_cover").url
    response = client.post(
        save_url(picture, "wechat_cover"), {"x": 100, "y": 100, "width": 1410, "height": 600}
    )
    assert response.status_code == 302
    crop = ChannelCrop.objects.get(image=picture, channel="wechat_cover")
    assert (crop.x, crop.y, crop.width, crop.height) == (100, 100, 1410, 600)
    assert crop.updated_by == newsroom.editor
    fresh = NewsImage.objects.get(pk=picture.pk)
    after = channel_rendition(fresh, "wechat_cover").url
    assert after != before
    assert after in client.get(reverse("media_channel_crops", args=[picture.pk])).content.decode()
    response = client.post(reverse("media_channel_crop_reset", args=[picture.pk, "wechat_cover"]))
    assert response.status_code == 302
    assert not ChannelCrop.objects.exists()
    # Back to the focal point's box (the middle, none being set): the full width, 2000/2.35 high.
    box = crop_box(NewsImage.objects.get(pk=picture.pk), "wechat_cover")
    assert (box.x, box.width) == (0, 2000)
    assert box.y == pytest.approx((1000 - 2000 / 2.35) / 2)


def test_the_image_edit_page_leads_to_the_crops(client, newsroom, picture):
    login(client, newsroom.editor, language="zh-hans")
    response = client.get(reverse("wagtailimages:edit", args=[picture.pk]))
    assert reverse("media_channel_crops", args=[picture.pk]) in response.content.decode()


@pytest.mark.parametrize(
    "box, words",
    [
        ((0, 0, 1000, 1000), "2.35:1"),  # square box for a 2.35:1 channel
        ((1500, 0, 1000, 426), "outside"),
        ((0, 0, 10, 4), "too small"),
        (("a", 0, 100, 100), "whole numbers"),
    ],
)
def test_a_wrong_box_is_refused_with_a_message(picture, newsroom, box, words):
    from django.utils import translation

    with translation.override("en"), pytest.raises(CropError) as refusal:
        set_channel_crop(newsroom.editor, picture, "wechat_cover", *box)
    assert words in refusal.value.message
    assert not ChannelCrop.objects.exists()


def test_a_wrong_box_posted_shows_the_message_and_saves_nothing(client, newsroom, picture):
    login(client, newsroom.editor, language="en")
    response = client.post(
        save_url(picture, "wechat_square"), {"x": 0, "y": 0, "width": 800, "height": 400}, follow=True
    )
    assert "1.00:1" in response.content.decode()
    assert not ChannelCrop.objects.exists()


def test_print_takes_any_shape(picture, newsroom):
    set_channel_crop(newsroom.editor, picture, "print", 10, 20, 700, 300)
    rendition = channel_rendition(NewsImage.objects.get(pk=picture.pk), "print")
    assert (rendition.width, rendition.height) == (700, 300)


def test_someone_who_may_not_edit_the_picture_may_not_crop_it(client, picture, admin_only_user):
    with pytest.raises(PermissionDenied):
        set_channel_crop(admin_only_user, picture, "wechat_cover", 0, 0, 2000, 851)
    with pytest.raises(PermissionDenied):
        reset_channel_crop(admin_only_user, picture, "wechat_cover")
    client.force_login(admin_only_user)
    page = client.get(reverse("media_channel_crops", args=[picture.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("wagtailadmin_home")
    response = client.post(save_url(picture, "wechat_cover"), {"x": 0, "y": 0, "width": 2000, "height": 851})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not ChannelCrop.objects.exists()


def test_a_get_does_not_save(client, newsroom, picture):
    login(client, newsroom.editor)
    response = client.get(save_url(picture, "wechat_cover"), {"x": 0, "y": 0, "width": 2000, "height": 851})
    assert response.status_code == 405
    assert not ChannelCrop.objects.exists()


def test_an_unknown_channel(client, newsroom, picture):
    login(client, newsroom.editor, language="en")
    response = client.post(
        save_url(picture, "tiktok"), {"x": 0, "y": 0, "width": 100, "height": 100}, follow=True
    )
    assert "There is no such channel." in response.content.decode()
