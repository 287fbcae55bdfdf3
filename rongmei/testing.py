"""Shared test fixtures: a small newsroom made with the same code the demo and the admin use."""

import io
import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Site

from rongmei.organisation import roles
from rongmei.organisation.models import Outlet, StaffProfile

TEST_PASSWORD = "test-password-123"


class BytesStdin(io.BytesIO):
    """Standard input for a command that reads ``sys.stdin.buffer`` (bytes, as from a pipe)."""

    @property
    def buffer(self):
        return self


def command_json_lines(name, *args, stdin=None) -> list:
    """Run the management command ``name`` and read what it prints as JSON lines."""
    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, stdout=out, stdin=stdin)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def login(client, user, *, language=None):
    """Sign `user` in on a test client through the real login (password and all).

    `language` sets the language cookie ("en" for a test that matches English msgids); without it
    the pages come in the site's language, zh-Hans.
    """
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.login(username=user.username, password=TEST_PASSWORD), f"{user.username} could not sign in"
    return client


def fresh(instance):
    """The row as the database has it now, as a new object (a page caches its revision and workflow
    state; refresh_from_db does not clear those)."""
    return type(instance)._default_manager.get(pk=instance.pk)


def make_image(
    title="现场图片",
    *,
    size=(1200, 800),
    colour=(180, 40, 40),
    caption="市民在广场参加活动",
    credit="记者 王明 摄",
    fmt="JPEG",
    name=None,
    noise=False,
    quality=None,
):
    """A NewsImage with a real picture file. `noise` makes it incompressible (a camera's size)."""
    import random
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage

    from rongmei.media.models import NewsImage

    if noise:
        width, height = size
        picture = PILImage.frombytes("RGB", size, random.Random(7).randbytes(width * height * 3))
    else:
        picture = PILImage.new("RGB", size, colour)
    buffer = BytesIO()
    options = {"quality": quality} if quality else {}
    picture.save(buffer, fmt, **options)
    if name is None:
        name = "test.png" if fmt == "PNG" else "test.jpg"
    return NewsImage.objects.create(
        title=title, caption=caption, credit=credit, file=ImageFile(buffer, name=name)
    )


def make_user(username, *role_list, display_name=None, outlet=None):
    user = get_user_model().objects.create_user(
        username=username, password=TEST_PASSWORD, email=f"{username}@example.test"
    )
    for role in role_list:
        user.groups.add(roles.group_for(role))
    StaffProfile.objects.create(user=user, display_name=display_name or username, outlet=outlet)
    return user


def ensure_wagtail_base_rows():
    """The rows Wagtail's migrations create (locale, root page, root collection).

    A transactional test flushes every table afterwards, migration data included; the tests that
    run after it must still find them.
    """
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale

    Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(
            instance=Page(title="Root", slug="root", content_type=ContentType.objects.get_for_model(Page))
        )
    return root


class Newsroom:
    """Handles to the objects of a test newsroom."""

    def __init__(self):
        from rongmei.newsroom.models import HomePage, SectionPage

        self.outlet = Outlet.objects.create(
            name="测试日报", short_name="测试", slug="test-daily", copyright_line="本稿件版权归测试日报所有"
        )
        root = ensure_wagtail_base_rows()
        # Wagtail's welcome page would otherwise share the tree (and the slug) with our home page.
        Site.objects.all().delete()
        Page.objects.filter(depth=2).delete()
        root.refresh_from_db()
        self.home = root.add_child(instance=HomePage(title="测试融媒", slug="home"))
        Site.objects.create(
            hostname="localhost", port=80, root_page=self.home, site_name="测试融媒", is_default_site=True
        )
        self.groups = roles.ensure_roles(root_page=self.home)
        self.section = self.home.add_child(instance=SectionPage(title="要闻", slug="yaowen"))
        self.other_section = self.home.add_child(instance=SectionPage(title="社会", slug="shehui"))
        self.reporter = make_user("reporter", roles.REPORTER, display_name="王记者", outlet=self.outlet)
        self.editor = make_user("editor", roles.EDITOR, display_name="李初审", outlet=self.outlet)
        self.editor2 = make_user("editor2", roles.EDITOR, display_name="赵初审", outlet=self.outlet)
        self.director = make_user("director", roles.DIRECTOR, display_name="周复审", outlet=self.outlet)
        self.chief = make_user("chief", roles.CHIEF, display_name="陈终审", outlet=self.outlet)
        self.newmedia = make_user("newmedia", roles.NEW_MEDIA, display_name="孙新媒", outlet=self.outlet)
        self.admin = make_user("admin", roles.ADMIN, display_name="管理员", outlet=self.outlet)
        self.admin.is_superuser = True
        self.admin.is_staff = True
        self.admin.save(update_fields=["is_superuser", "is_staff"])

    def add_story(
        self, *, title="测试稿件", body="<p>正文</p>", owner=None, section=None, publish=False, **fields
    ):
        from rongmei.newsroom.models import StoryPage

        story = StoryPage(
            title=title, body=body, owner=owner or self.reporter, outlet=self.outlet, live=False, **fields
        )
        (section or self.section).add_child(instance=story)
        revision = story.save_revision(user=owner or self.reporter)
        if publish:
            publish_outside_review(revision, user=self.chief)
            story.refresh_from_db()
        return story


def publish_outside_review(revision, *, user=None):
    """Publish a fixture story as content loaded from elsewhere: the go-live gate lets a story live
    only after 三审, which the review tests go through; other tests only need a live story."""
    from rongmei.review.services import publishing_outside_review

    with publishing_outside_review("test fixture"):
        return revision.publish(user=user)


@pytest.fixture(autouse=True)
def fresh_monitoring_analysis():
    """The 舆情 analysis keeps a per-process index of the database's items (its groups by id); each
    test's database is rolled back, so the index must start anew too, as in a new process."""
    yield
    from rongmei.monitoring.analysis import services as analysis

    analysis.reset()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's language: a request made with the English cookie leaves English
    active in the thread, and the next test would otherwise read English messages."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """`with on_commit():` runs the on-commit callbacks (outbox sends, events) when the block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def newsroom(db):
    return Newsroom()


@pytest.fixture
def review(newsroom):
    """The test newsroom with the default 三审 workflow on its home page."""
    from rongmei.review import services

    newsroom.workflow = services.ensure_review_workflow(newsroom.home)
    return newsroom
