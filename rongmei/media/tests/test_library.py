"""The media library (媒资库): every kind together, newest first, with its search and filters."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from rongmei.media.library import LibraryList, LibraryQuery, MediaKind, kinds, register_kind
from rongmei.media.models import NewsImage
from rongmei.testing import login, make_image

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

TODAY = timezone.localdate()


def titles(query, user=None, today=TODAY) -> list[str]:
    found = LibraryList(query, user=user, today=today)
    return [row.item.title for row in found[0 : found.count()]]


@pytest.fixture
def photos(newsroom):
    made = {}
    for title, extra in [
        ("广场活动", {"caption": "市民在广场参加活动", "credit": "记者 王明 摄"}),
        ("洪水现场", {"caption": "抢险队员加固堤坝", "credit": "新华社 李华 摄", "rights": "agency",
                   "rights_expire_on": TODAY + datetime.timedelta(days=10)}),
        ("旧图", {"caption": "", "credit": "合作方 供图", "rights": "partner",
                "rights_expire_on": TODAY - datetime.timedelta(days=1)}),
        ("远期", {"credit": "记者 王明 摄", "rights": "agency",
                "rights_expire_on": TODAY + datetime.timedelta(days=90),
                "taken_at": timezone.make_aware(datetime.datetime(2020, 5, 4, 10, 0))}),
    ]:  # fmt: skip
        image = make_image(title, caption=extra.pop("caption", "说明"), credit=extra.pop("credit"))
        for field, value in extra.items():
            setattr(image, field, value)
        image.save()
        made[title] = image
    made["洪水现场"].tags.add("防汛")
    return made


def test_newest_first(photos):
    assert titles(LibraryQuery()) == ["远期", "旧图", "洪水现场", "广场活动"]


@pytest.mark.parametrize(
    "query, expected",
    [
        (LibraryQuery(text="堤坝"), ["洪水现场"]),  # caption
        (LibraryQuery(text="广场活动"), ["广场活动"]),  # title and caption
        (LibraryQuery(text="新华社"), ["洪水现场"]),  # credit
        (LibraryQuery(text="防汛"), ["洪水现场"]),  # keyword
        (LibraryQuery(credit="王明"), ["远期", "广场活动"]),
        (LibraryQuery(rights="agency"), ["远期", "洪水现场"]),
        (LibraryQuery(rights_status="expired"), ["旧图"]),
        (LibraryQuery(rights_status="expiring"), ["洪水现场"]),
        (LibraryQuery(kind="image", text="旧"), ["旧图"]),
    ],
)
def test_filters(photos, query, expected):
    assert titles(query) == expected


def test_date_range_uses_date_taken_else_upload_date(photos):
    assert titles(LibraryQuery(date_from=datetime.date(2020, 1, 1), date_to=datetime.date(2020, 12, 31))) == [
        "远期"
    ]
    uploaded = timezone.localdate()
    assert "远期" not in titles(LibraryQuery(date_from=uploaded, date_to=uploaded))
    assert "广场活动" in titles(LibraryQuery(date_from=uploaded, date_to=uploaded))


def test_unused_leaves_out_pictures_a_story_uses(newsroom, photos):
    newsroom.add_story(title="防汛稿", cover_image=photos["洪水现场"])
    assert "洪水现场" not in titles(LibraryQuery(unused=True))
    assert "广场活动" in titles(LibraryQuery(unused=True))
    rows = LibraryList(LibraryQuery(text="洪水"))[0:10]
    assert [row.used for row in rows] == [1]


def test_a_page_reads_in_a_fixed_number_of_queries(newsroom, photos):
    # Thumbnails are made once, on the first showing; after that a page is read, not made.
    [row.thumbnail_url for row in LibraryList(LibraryQuery())[0:10]]
    with CaptureQueriesContext(connection) as one_page:
        rows = LibraryList(LibraryQuery())[0:10]
        [(row.thumbnail_url, row.edit_url, row.usage_url, row.used) for row in rows]
    for n in range(6):
        make_image(f"更多{n}")
    [row.thumbnail_url for row in LibraryList(LibraryQuery())[0:10]]
    with CaptureQueriesContext(connection) as bigger_page:
        rows = LibraryList(LibraryQuery())[0:10]
        [(row.thumbnail_url, row.edit_url, row.usage_url, row.used) for row in rows]
    assert len(rows) == 10
    assert len(bigger_page) == len(one_page), "\n".join(q["sql"][:150] for q in bigger_page.captured_queries)


def test_other_kinds_are_listed_with_images(newsroom, photos):
    """A second kind (as rongmei.video registers) shows in the same list, in date order."""
    from rongmei.media.models import ChannelCrop  # noqa: F401 — any model would do; this uses images again

    original = list(kinds())
    register_kind(
        MediaKind(
            key="again",
            label="again",
            model=NewsImage,
            thumbnail_url=lambda item: "",
            edit_url=lambda item: f"/again/{item.pk}/",
        )
    )
    try:
        rows = LibraryList(LibraryQuery(text="旧图"))[0:10]
        assert sorted(row.kind.key for row in rows) == ["again", "image"]
        assert [row.kind.key for row in LibraryList(LibraryQuery(kind="again", text="旧图"))[0:10]] == [
            "again"
        ]
    finally:
        from rongmei.media import library

        library._kinds.clear()
        for kind in original:
            register_kind(kind)


def test_the_library_screen(client, newsroom, photos):
    newsroom.add_story(title="防汛稿", cover_image=photos["洪水现场"])
    login(client, newsroom.reporter, language="zh-hans")
    response = client.get(reverse("media_library"), {"q": "洪水"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "洪水现场" in html and "广场活动" not in html
    assert reverse("wagtailimages:image_usage", args=[photos["洪水现场"].pk]) in html
    assert reverse("wagtailimages:edit", args=[photos["洪水现场"].pk]) in html
    assert "抢险队员加固堤坝" in html
    response = client.get(reverse("media_library"), {"rights_status": "expired"})
    assert "旧图" in response.content.decode() and "洪水现场" not in response.content.decode()


def test_bad_dates_are_shown_not_a_server_error(client, newsroom, photos):
    login(client, newsroom.reporter, language="zh-hans")
    response = client.get(reverse("media_library"), {"date_from": "2026-05-01", "date_to": "2026-01-01"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_the_menu_has_the_library(client, newsroom):
    login(client, newsroom.reporter, language="zh-hans")
    response = client.get(reverse("wagtailadmin_home"))
    assert reverse("media_library") in response.content.decode()


def test_no_admin_access_no_library(client, django_user_model):
    user = django_user_model.objects.create_user("outsider", password="x")
    client.force_login(user)
    response = client.get(reverse("media_library"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_tags_are_keywords(photos):
    assert Tag.objects.filter(name="防汛").exists()


def test_pictures_someone_may_not_use_are_not_listed(newsroom, photos):
    """Images follow Wagtail's collection permissions: with admin access but no image rights, none."""
    from django.contrib.auth.models import Permission

    from rongmei.testing import make_user

    viewer = make_user("viewer")
    viewer.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert titles(LibraryQuery(kind="image"), user=viewer) == []
    assert len(titles(LibraryQuery(kind="image"), user=newsroom.editor)) == 4


def test_library_thumbnails_carry_no_watermark(newsroom, photos):
    newsroom.outlet.watermark_text = "融媒"
    newsroom.outlet.save()
    rows = LibraryList(LibraryQuery(kind="image"))[0:10]
    assert rows and all("watermark" not in row.thumbnail_url for row in rows)
    assert all(".max-165x165." in row.thumbnail_url for row in rows)
