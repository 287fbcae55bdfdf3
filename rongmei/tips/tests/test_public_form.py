"""The public tips form: what is kept, what is refused and why."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rongmei.media.exif import GPS_IFD
from rongmei.tips.models import SubmissionCount, Tip, TipsSettings

from .factories import exe, jpeg_with_gps, mp4

URL = "/tips/"


def post(client, **fields):
    data = {
        "text": "东风路菜市场门口水管爆裂，路面积水很深。",
        "location": "淄川区东风路",
        "event_time": "今天上午9点",
        "contact_name": "李女士",
        "contact_phone": "13911112222",
        "consent_to_contact": "on",
        "homepage": "",
    }
    data.update(fields)
    return client.post(URL, data, REMOTE_ADDR=fields.pop("address", "203.0.113.7"))


@pytest.mark.django_db
def test_the_form_shows_the_hotline_and_the_promise_and_is_not_cached(newsroom, client):
    TipsSettings.objects.create(hotline="0533-7777777", promise="线索奖最低50元，上不封顶")
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "0533-7777777" in page and "线索奖最低50元，上不封顶" in page
    assert "csrfmiddlewaretoken" in page
    assert "no-store" in response["Cache-Control"]
    assert "X-Cache" not in response


@pytest.mark.django_db
def test_a_tip_is_kept_and_the_answer_gives_its_reference(newsroom, client):
    response = post(client)
    assert response.status_code == 302
    tip = Tip.objects.get()
    assert tip.source == Tip.Source.WEB and tip.contact_phone == "13911112222" and tip.consent_to_contact
    answer = client.get(response.url)
    assert tip.reference in answer.content.decode()
    assert tip.events.get().action == "received"


@pytest.mark.django_db
def test_the_post_needs_its_csrf_token(newsroom):
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_the_honeypot_refuses_a_robot(newsroom, client):
    response = post(client, homepage="http://spam.example/")
    assert response.status_code == 400
    assert not Tip.objects.exists()
    assert (
        "Leave the last, hidden field empty" in response.content.decode()
        or "隐藏" in response.content.decode()
    )


@pytest.mark.django_db
def test_a_flood_of_100_is_refused_after_the_limit_and_nothing_accepted_is_lost(newsroom, client):
    TipsSettings.objects.create(rate_limit_count=5, rate_limit_minutes=10)
    answers = [post(client, text=f"第{number}条线索：路灯不亮").status_code for number in range(100)]
    assert answers[:5] == [302] * 5
    assert set(answers[5:]) == {429}
    assert Tip.objects.count() == 5
    assert sorted(Tip.objects.values_list("text", flat=True)) == sorted(
        f"第{n}条线索：路灯不亮" for n in range(5)
    )
    refused = post(client, text="又一条")
    assert "10" in refused.content.decode() and "0533" in refused.content.decode()
    # Another address is not held back; no address is stored, only its keyed hash.
    assert post(client, text="另一个人的线索", address="198.51.100.9").status_code == 302
    assert not SubmissionCount.objects.filter(address_hash__contains="203.0.113.7").exists()


@pytest.mark.django_db
def test_a_script_tag_is_dropped_and_never_runs_where_the_tip_is_shown(newsroom, client):
    post(
        client,
        text='<script>alert("x")</script>小区<b>电梯</b>坏了 & 没人修',
        location="<img src=x onerror=alert(1)>",
    )
    tip = Tip.objects.get()
    assert tip.text == "小区电梯坏了 & 没人修"
    assert "<" not in tip.location


@pytest.mark.django_db
def test_the_gps_position_is_gone_from_a_photo_before_it_is_stored(newsroom, client):
    upload = jpeg_with_gps()
    with Image.open(upload) as original:
        assert GPS_IFD in original.getexif()
    upload.seek(0)
    assert post(client, files=upload).status_code == 302
    tip = Tip.objects.get()
    attachment = tip.attachments.get()
    assert tip.kind == Tip.Kind.PHOTO and attachment.gps_removed
    with attachment.file.open("rb") as stored, Image.open(stored) as picture:
        exif = picture.getexif()
        assert GPS_IFD not in exif
        assert exif[0x0110] == "iPhone 15"  # the rest of the EXIF stays


@pytest.mark.django_db
def test_an_oversized_video_is_refused_with_the_limit_and_the_text_kept(newsroom, client):
    TipsSettings.objects.create(max_video_mb=1)
    response = post(client, files=mp4(size=2 * 1024 * 1024 + 10), text="桥下视频")
    page = response.content.decode()
    assert response.status_code == 400
    assert "clip.mp4" in page and "1.0 MB" in page
    assert "桥下视频" in page
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_a_video_within_the_limit_is_kept_in_private_storage(newsroom, client, settings):
    assert post(client, files=mp4()).status_code == 302
    attachment = Tip.objects.get().attachments.get()
    assert attachment.kind == "video" and attachment.container == "MP4"
    assert attachment.file.path.startswith(settings.PRIVATE_ROOT)


@pytest.mark.django_db
def test_a_renamed_program_is_refused(newsroom, client):
    response = post(client, files=exe("现场照片.jpg"))
    assert response.status_code == 400
    assert "现场照片.jpg" in response.content.decode()
    assert not Tip.objects.exists()


@pytest.mark.django_db
def test_a_damaged_photo_is_refused(newsroom, client):
    data = jpeg_with_gps().read()[:200]
    response = post(client, files=SimpleUploadedFile("cut.jpg", data, content_type="image/jpeg"))
    assert response.status_code == 400
    assert not Tip.objects.exists()
