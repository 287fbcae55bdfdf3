"""The demo newsroom: organisation, users, site, sections, regions, pictures and 60 stories.

Idempotent: everything is looked up by a natural key (outlet and region slugs, usernames, image
titles, page slugs; each story's slug is its demo key, e.g. ``demo-001``) and only created when
missing, so a second run changes nothing, not even passwords.

Stories reach their state through the review services (``rongmei.review.services``), exactly as
in the admin, so each one has a real review history. Afterwards the story's timestamps (revisions,
review steps, audit log, publication dates) are moved back onto a plausible timeline over the
last month, so lists and histories show a spread of dates instead of "a minute ago".
"""

import logging
import time
import tomllib
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.files.images import ImageFile
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.html import escape
from wagtail.images import get_image_model
from wagtail.models import Page, PageLogEntry, Revision, Site, TaskState, WorkflowState

from rongmei.distribution.services import ensure_channels
from rongmei.organisation import roles
from rongmei.organisation.models import Department, Outlet, StaffProfile

from . import content
from .images import render_jpeg
from .monitoring import load_monitoring_demo

DEMO_PASSWORD = "rongmei-demo-2026"
DEMO_USERS = [
    ("reporter", "记者 reporter"),
    ("editor", "初审编辑 first-level editor"),
    ("editor2", "初审编辑 second first-level editor"),
    ("director", "复审主任 department director"),
    ("chief", "终审总编 chief editor"),
    ("newmedia", "新媒体编辑 new-media editor"),
    ("analyst", "舆情分析师 public-opinion analyst"),
    ("tipsdesk", "线索编辑 tips desk"),
    ("admin", "管理员 administrator"),
]

STORIES_DIR = Path(__file__).resolve().parent / "data" / "stories"

# Where a story ends up; "reviewN" waits at level N (1 初审, 2 复审, 3 终审).
STATES = (
    "published",
    "corrected",
    "retracted",
    "draft",
    "review1",
    "review2",
    "review3",
    "rejected",
    "scheduled",
)
_REQUIRED = {"key", "section", "state", "title", "lead", "body", "outlet"}
_OPTIONAL = {
    "days_ago",
    "hours_ahead",
    "type",
    "headline",
    "kicker",
    "subheadline",
    "credits",
    "owner",
    "source",
    "regions",
    "tags",
    "topics",
    "other_sections",
    "cover",
    "correction",
    "correction_edit",
    "retraction_reason",
    "reject_level",
    "reject_opinion",
}
_NEEDS = {
    "published": {"days_ago"},
    "corrected": {"days_ago", "correction", "correction_edit"},
    "retracted": {"days_ago", "retraction_reason"},
    "rejected": {"reject_level", "reject_opinion"},
    "scheduled": {"hours_ahead"},
}
CREDIT_LABELS = {
    "记者": "reporter",
    "通讯员": "correspondent",
    "摄影": "photographer",
    "摄像": "camera",
    "编辑": "editor",
}

# 审核意见 the demo reviewers write, per level; a story picks one by its key.
APPROVAL_OPINIONS = {
    1: [
        "同意，请核实数据来源。",
        "同意。标题已改，导语压缩至百字以内。",
        "文字已校对，同意送复审。",
        "同意，人名、职务已与采访对象核对。",
        "同意，图片说明已补充拍摄时间和地点。",
    ],
    2: [
        "同意，数据与统计部门发布口径一致。",
        "同意，第三段表述已调整，避免歧义。",
        "同意，请终审。",
        "同意，注意与新媒体端同步发布时间。",
    ],
    3: ["同意发布。", "同意，可上首页。", "同意发布，客户端同步推送。", "同意。"],
}
CORRECTION_OPINIONS = {1: "更正内容已与消息来源核实，同意。", 2: "同意更正。", 3: "同意发布更正。"}
RETRACTION_OPINIONS = {
    1: "经核实原稿内容失实，同意撤稿。",
    2: "同意撤稿，请记者写出情况说明。",
    3: "同意撤稿。",
}
LEVEL_REVIEWERS = {1: ("editor", "editor2"), 2: ("director",), 3: ("chief",)}


class DemoDataError(ValueError):
    """The demo data files are inconsistent (a typo in a story file, an unknown image …)."""


# --- Story files --------------------------------------------------------------------------------


def load_story_specs(directory: Path = STORIES_DIR) -> list[dict]:
    """Read and check every story in ``data/stories/*.toml``, in key order.

    Each ``[[story]]`` table has the keys in ``_REQUIRED`` plus any of ``_OPTIONAL``; the body is
    plain text, one paragraph per blank-line-separated block, and a block ``[img-05]`` places that
    picture. A ``correction_edit = [wrong, right]`` pair is applied to the body when the correction
    is made, so the first published version contains the error the correction note describes.
    """
    specs = []
    for path in sorted(directory.glob("*.toml")):
        with path.open("rb") as handle:
            for spec in tomllib.load(handle).get("story", []):
                _check_spec(spec, path.name)
                specs.append(spec)
    keys = [spec["key"] for spec in specs]
    duplicates = sorted({key for key in keys if keys.count(key) > 1})
    if duplicates:
        raise DemoDataError(f"Duplicate demo story keys: {', '.join(duplicates)}")
    return sorted(specs, key=lambda spec: spec["key"])


def _check_spec(spec: dict, filename: str) -> None:
    where = f"{filename}, story {spec.get('key', '?')}"
    missing = _REQUIRED - spec.keys()
    unknown = spec.keys() - _REQUIRED - _OPTIONAL
    if missing or unknown:
        raise DemoDataError(f"{where}: missing {sorted(missing)}, unknown {sorted(unknown)}")
    if spec["state"] not in STATES:
        raise DemoDataError(f"{where}: unknown state {spec['state']!r}")
    needed = _NEEDS.get(spec["state"], set()) - spec.keys()
    if needed:
        raise DemoDataError(f"{where}: a {spec['state']} story needs {sorted(needed)}")
    section_slugs = {section[0] for section in content.SECTIONS}
    if spec["section"] not in section_slugs or not set(spec.get("other_sections", [])) <= section_slugs:
        raise DemoDataError(f"{where}: unknown section")
    if spec["outlet"] not in {outlet[0] for outlet in content.OUTLETS}:
        raise DemoDataError(f"{where}: unknown outlet {spec['outlet']!r}")
    if not set(spec.get("regions", [])) <= {region[0] for region in content.REGIONS}:
        raise DemoDataError(f"{where}: unknown region")
    if not set(spec.get("topics", [])) <= {topic[0] for topic in content.TOPICS}:
        raise DemoDataError(f"{where}: unknown topic")
    images = set(_image_keys_in(spec["body"]))
    if spec.get("cover"):
        images.add(spec["cover"])
    if not images <= content.IMAGES.keys():
        raise DemoDataError(f"{where}: unknown image {sorted(images - content.IMAGES.keys())}")
    owner = story_owner(spec)
    if owner not in content.STAFF:
        raise DemoDataError(f"{where}: unknown owner {owner!r}")
    if content.STAFF[owner][0] in ("editor", "director", "chief") and spec["state"] != "draft":
        raise DemoDataError(f"{where}: a reviewer cannot be the author of a story in review")
    if spec["state"] in ("corrected", "retracted") and spec["days_ago"] < 2:
        raise DemoDataError(f"{where}: a corrected or retracted story needs days_ago >= 2")
    for credit in spec.get("credits", []):
        label, _space, name = credit.partition(" ")
        if label not in CREDIT_LABELS or not name.strip():
            raise DemoDataError(f"{where}: a credit is “记者 王明”-style, got {credit!r}")
    if "correction_edit" in spec:
        wrong, _right = spec["correction_edit"]
        if wrong not in spec["body"]:
            raise DemoDataError(f"{where}: correction_edit text {wrong!r} is not in the body")
    if "reject_level" in spec and spec["reject_level"] not in (1, 2, 3):
        raise DemoDataError(f"{where}: reject_level is 1, 2 or 3")


def _blocks(text: str) -> list[str]:
    return [" ".join(block.split()) for block in text.strip().split("\n\n") if block.strip()]


def _image_keys_in(text: str) -> list[str]:
    return [block[1:-1] for block in _blocks(text) if block.startswith("[img-") and block.endswith("]")]


def body_html(text: str, images: dict) -> str:
    """Rich text (Wagtail's database format) from a story file's plain-text body."""
    parts = []
    for block in _blocks(text):
        if block.startswith("[img-") and block.endswith("]"):
            image = images[block[1:-1]]
            parts.append(
                f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="{escape(image.title)}"/>'
            )
        else:
            parts.append(f"<p>{escape(block)}</p>")
    return "".join(parts)


# --- Organisation, users, regions ---------------------------------------------------------------


@dataclass
class _Demo:
    created: Counter = field(default_factory=Counter)
    outlets: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    regions: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    sections: dict = field(default_factory=dict)
    topics: dict = field(default_factory=dict)
    home: Page | None = None


def _ensure_organisation(demo: _Demo) -> dict:
    departments = {}
    for slug, name, short_name, copyright_line, description in content.OUTLETS:
        outlet, created = Outlet.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "short_name": short_name,
                "copyright_line": copyright_line,
                "description": description,
            },
        )
        demo.created["outlets"] += created
        demo.outlets[slug] = outlet
        for department_name in content.DEPARTMENTS[slug]:
            department, created = Department.objects.get_or_create(outlet=outlet, name=department_name)
            departments[slug, department_name] = department
    return departments


def _ensure_regions(demo: _Demo) -> None:
    for sort_order, (slug, name, code, level, parent_slug) in enumerate(content.REGIONS):
        region, created = _region_model().objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "code": code,
                "level": level,
                "parent": demo.regions.get(parent_slug),
                "sort_order": sort_order,
            },
        )
        demo.created["regions"] += created
        demo.regions[slug] = region


def _region_model():
    from rongmei.newsroom.models import Region

    return Region


def _ensure_users(demo: _Demo, departments: dict, groups: dict) -> None:
    User = get_user_model()
    password_hash = None  # hashed once: the demo password is public, and hashing is slow on purpose
    for username, (
        role_code,
        display_name,
        _surname,
        _given,
        outlet_slug,
        department,
        job_title,
    ) in content.STAFF.items():
        is_admin = role_code == roles.ADMIN.code
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                # The whole 姓名 in first_name, last_name empty (rongmei.organisation.names): the
                # admin's user form shows and saves it as one field, get_full_name() reads "李静".
                "first_name": display_name,
                "last_name": "",
                "email": f"{username}@rongmei.example",
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        if created:
            password_hash = password_hash or make_password(DEMO_PASSWORD)
            user.password = password_hash
            user.save(update_fields=["password"])
            demo.created["users"] += 1
        if role_code:
            user.groups.add(groups[role_code])
        StaffProfile.objects.get_or_create(
            user=user,
            defaults={
                "display_name": display_name,
                "outlet": demo.outlets[outlet_slug],
                "department": departments.get((outlet_slug, department)),
                "job_title": job_title,
            },
        )
        demo.users[username] = user


def _ensure_images(demo: _Demo) -> None:
    Image = get_image_model()
    existing = {
        image.title: image
        for image in Image.objects.filter(title__in=[v[0] for v in content.IMAGES.values()])
    }
    for key, (title, caption, credit, scene) in content.IMAGES.items():
        image = existing.get(title)
        if image is None:
            image = Image(
                title=title,
                caption=caption,
                credit=credit,
                file=ImageFile(BytesIO(render_jpeg(key, scene)), name=f"demo-{key}.jpg"),
            )
            image.save()
            demo.created["images"] += 1
        demo.images[key] = image


# --- Site and page tree -------------------------------------------------------------------------


def _publish_new_page(page, user) -> None:
    page.save_revision(user=user).publish(user=user)


def _ensure_home(demo: _Demo):
    from rongmei.newsroom.models import HomePage

    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's "Welcome to your new Wagtail site!" page: a plain Page, empty, with the slug
        # our home page wants. It and its Site go; any page someone made themselves stays.
        Page.objects.filter(
            depth=2, slug=content.HOME_SLUG, numchild=0, content_type=ContentType.objects.get_for_model(Page)
        ).delete()
        root.refresh_from_db()
        slug = content.HOME_SLUG
        if root.get_children().filter(slug=slug).exists():
            slug = "jixia-rongmei"
        home = root.add_child(
            instance=HomePage(title=content.SITE_TITLE, slug=slug, tagline=content.SITE_TAGLINE)
        )
        _publish_new_page(home, None)
        demo.created["pages"] += 1
    if not Site.objects.filter(root_page=home).exists():
        site = Site.objects.filter(hostname="localhost", port=80).first()
        if site is None:
            Site.objects.filter(is_default_site=True).update(is_default_site=False)
            site = Site(hostname="localhost", port=80)
        site.root_page = home
        site.site_name = content.SITE_TITLE
        site.is_default_site = True
        site.save()
    demo.home = home


def _ensure_sections_and_topics(demo: _Demo) -> None:
    from rongmei.newsroom.models import SectionPage, TopicIndexPage, TopicPage

    admin = demo.users["admin"]
    home = demo.home
    for slug, title, intro, show_on_home, home_order in content.SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=slug).first()
        if section is None:
            section = home.add_child(
                instance=SectionPage(
                    title=title, slug=slug, intro=intro, show_on_home=show_on_home, home_order=home_order
                )
            )
            _publish_new_page(section, admin)
            demo.created["pages"] += 1
        demo.sections[slug] = section

    index_slug, index_title, index_intro = content.TOPIC_INDEX
    index = TopicIndexPage.objects.child_of(home).first()
    if index is None:
        index = home.add_child(instance=TopicIndexPage(title=index_title, slug=index_slug, intro=index_intro))
        _publish_new_page(index, admin)
        demo.created["pages"] += 1
    for slug, title, summary, region_slug, image_key in content.TOPICS:
        topic = TopicPage.objects.child_of(index).filter(slug=slug).first()
        if topic is None:
            topic = index.add_child(
                instance=TopicPage(
                    title=title,
                    slug=slug,
                    summary=summary,
                    region=demo.regions[region_slug],
                    cover_image=demo.images[image_key],
                )
            )
            _publish_new_page(topic, admin)
            demo.created["pages"] += 1
        demo.topics[slug] = topic


# --- Stories ------------------------------------------------------------------------------------


class _Timeline:
    """Moves what one story's steps wrote onto chosen (earlier) times.

    Each step runs in real time inside ``at(when)``; ``retime()`` then maps every timestamp written
    during that step to ``when`` plus its offset within the step, so the order of events is kept.
    """

    def __init__(self):
        self.spans: list[tuple[datetime, datetime, datetime]] = []

    @contextmanager
    def at(self, when: datetime):
        start = timezone.now()
        yield
        self.spans.append((start, timezone.now(), when))

    def map(self, moment):
        if moment is None:
            return None
        for start, end, when in self.spans:
            if start <= moment <= end:
                return when + (moment - start)
        return moment

    def _retime(self, queryset, fields):
        rows = list(queryset.only("pk", *fields))
        for row in rows:
            for name in fields:
                setattr(row, name, self.map(getattr(row, name)))
        if rows:
            queryset.model.objects.bulk_update(rows, fields)

    def retime(self, story) -> None:
        from rongmei.proofing.models import ProofCheck
        from rongmei.review.models import ReviewEvent

        workflow_states = WorkflowState.objects.for_instance(story)
        self._retime(Revision.objects.for_instance(story), ["created_at"])
        self._retime(workflow_states, ["created_at"])
        self._retime(
            TaskState.objects.filter(workflow_state__in=workflow_states), ["started_at", "finished_at"]
        )
        self._retime(PageLogEntry.objects.filter(page_id=story.pk), ["timestamp"])
        self._retime(ReviewEvent.objects.filter(story_id=story.pk), ["created_at"])
        self._retime(ProofCheck.objects.filter(story_id=story.pk), ["checked_at"])
        page = Page.objects.get(pk=story.pk)
        Page.objects.filter(pk=story.pk).update(
            first_published_at=self.map(page.first_published_at),
            last_published_at=self.map(page.last_published_at),
            latest_revision_created_at=self.map(page.latest_revision_created_at),
        )


def _pick(key: str, options):
    return options[zlib.crc32(key.encode()) % len(options)]


def _minutes(key: str, salt: str, low: int, high: int) -> timedelta:
    return timedelta(minutes=low + zlib.crc32(f"{key}:{salt}".encode()) % (high - low + 1))


def story_owner(spec: dict) -> str:
    """Username of the story's author: ``owner`` if given, else the first staff member credited."""
    if "owner" in spec:
        return spec["owner"]
    staff_by_name = {profile[1]: username for username, profile in content.STAFF.items()}
    for credit in spec.get("credits", []):
        username = staff_by_name.get(credit.partition(" ")[2])
        if username is not None:
            return username
    return "reporter"


def _new_story(spec: dict, demo: _Demo):
    from rongmei.newsroom.models import StoryCredit, StoryPage

    outlet = demo.outlets[spec["outlet"]]
    staff_by_name = {profile[1]: username for username, profile in content.STAFF.items()}
    story = StoryPage(
        title=spec["title"],
        slug=spec["key"],
        kicker=spec.get("kicker", ""),
        subheadline=spec.get("subheadline", ""),
        lead=spec["lead"],
        body=body_html(spec["body"], demo.images),
        story_type=spec.get("type", "news"),
        source=spec.get("source", outlet.name),
        outlet=outlet,
        cover_image=demo.images.get(spec.get("cover")),
        is_headline=spec.get("headline", False),
        owner=demo.users[story_owner(spec)],
        live=False,
    )
    if spec["state"] == "scheduled":
        # Embargoed until 08:00 on the day ``hours_ahead`` hours from now (the next day if that has passed).
        now = timezone.now()
        embargo = timezone.localtime(now + timedelta(hours=spec["hours_ahead"]))
        embargo = embargo.replace(hour=8, minute=0, second=0, microsecond=0)
        if embargo < now + timedelta(hours=1):
            embargo += timedelta(days=1)
        story.embargo_until = embargo
    credits = []
    for credit in spec.get("credits", []):
        label, _space, name = credit.partition(" ")
        username = staff_by_name.get(name)
        if username is not None:
            credits.append(StoryCredit(role=CREDIT_LABELS[label], staff=demo.users[username]))
        else:
            credits.append(StoryCredit(role=CREDIT_LABELS[label], name=name))
    story.credits = credits
    story.regions.set([demo.regions[slug] for slug in spec.get("regions", [])])
    story.topics.set([demo.topics[slug] for slug in spec.get("topics", [])])
    story.other_sections.set([demo.sections[slug] for slug in spec.get("other_sections", [])])
    story.tags.add(*spec.get("tags", []))
    demo.sections[spec["section"]].add_child(instance=story)
    story.save_revision(user=story.owner)
    return story


def _review(story_pk: int, spec: dict, demo: _Demo, timeline: _Timeline, steps, opinions=None) -> None:
    """Submit the story's latest revision and decide level by level: ``steps`` lists
    ``(when, level, decision)`` after the submission's own ``(when, 0, "submit")``."""
    from rongmei.newsroom.models import StoryPage
    from rongmei.review import services

    owner = demo.users[story_owner(spec)]
    for when, level, decision in steps:
        story = StoryPage.objects.get(pk=story_pk)
        with timeline.at(when):
            if decision == "submit":
                services.submit_for_review(story, acting_user=owner)
                continue
            reviewer = demo.users[_pick(spec["key"], LEVEL_REVIEWERS[level])]
            if decision == "reject":
                services.reject(story, acting_user=reviewer, opinion=spec["reject_opinion"])
            else:
                opinion = (opinions or {}).get(level) or _pick(spec["key"], APPROVAL_OPINIONS[level])
                services.approve(story, acting_user=reviewer, opinion=opinion)


def _review_steps(key: str, end: datetime, last_level: int, last_decision: str = "approve"):
    """Submission and decisions up to ``last_level``, the last one at ``end``, spaced like a working day."""
    gaps = [_minutes(key, f"gap{level}", 20, 75) for level in range(last_level)]
    when = end - sum(gaps, timedelta())
    steps = [(when, 0, "submit")]
    for level in range(1, last_level + 1):
        when += gaps[level - 1]
        steps.append((when, level, last_decision if level == last_level else "approve"))
    return steps


def _edit_published(story_pk: int, spec: dict, demo: _Demo, when: datetime, change) -> None:
    from rongmei.newsroom.models import StoryPage

    owner = demo.users[story_owner(spec)]
    draft = StoryPage.objects.get(pk=story_pk).get_latest_revision_as_object()
    change(draft, when)
    draft.save_revision(user=owner)


def _working_time(key: str, days_ago: float, now: datetime, hours=(13, 21)) -> datetime:
    """A time in newsroom hours (local time) on the day ``days_ago`` days before ``now``, never
    later than 20 minutes before ``now`` (then the same hour a day earlier)."""
    day = timezone.localtime(now - timedelta(days=days_ago))
    hour = hours[0] + zlib.crc32(f"{key}:hour".encode()) % (hours[1] - hours[0] + 1)
    moment = day.replace(hour=hour, minute=zlib.crc32(f"{key}:minute".encode()) % 60, second=0, microsecond=0)
    while moment > now - timedelta(minutes=20):
        moment -= timedelta(days=1)
    return moment


def _make_story(spec: dict, demo: _Demo, now: datetime) -> None:
    from rongmei.newsroom.models import CorrectionNote

    key, state = spec["key"], spec["state"]
    timeline = _Timeline()
    # ``decided_at`` is the last review decision: the publication of a published story.
    if state in ("published", "corrected", "retracted"):
        decided_at = _working_time(key, spec["days_ago"], now)
    else:
        decided_at = _working_time(key, 0, now, hours=(9, 20))
    review_levels = {"review1": 0, "review2": 1, "review3": 2, "rejected": spec.get("reject_level", 0)}
    last_level = review_levels.get(state, 3)
    steps = _review_steps(key, decided_at, last_level, "reject" if state == "rejected" else "approve")

    with timeline.at(steps[0][0] - _minutes(key, "write", 30, 120)):
        story = _new_story(spec, demo)
    if state != "draft":
        _review(story.pk, spec, demo, timeline, steps)

    if state in ("corrected", "retracted"):
        # The follow-up edit is made the next morning (story files give such stories days_ago >= 2).
        edited_at = _working_time(key + "/edit", spec["days_ago"] - 1, now, hours=(9, 11))
        if state == "corrected":
            wrong, right = spec["correction_edit"]

            def change(draft, when):
                draft.body = draft.body.replace(escape(wrong), escape(right), 1)
                draft.corrections.add(CorrectionNote(text=spec["correction"], noted_at=when))

            opinions = CORRECTION_OPINIONS
        else:

            def change(draft, when):
                draft.is_retracted = True
                draft.retraction_reason = spec["retraction_reason"]

            opinions = RETRACTION_OPINIONS
        with timeline.at(edited_at):
            _edit_published(story.pk, spec, demo, edited_at, change)
        # The three gaps add up to less than four hours: the resubmission comes after the edit.
        follow_up = _review_steps(key + "/edit", edited_at + timedelta(hours=4), 3)
        _review(story.pk, spec, demo, timeline, follow_up, opinions)

    timeline.retime(story)


def _create_stories(demo: _Demo, specs, stdout) -> None:
    from rongmei.newsroom.models import StoryPage

    existing = set(
        StoryPage.objects.filter(slug__in=[spec["key"] for spec in specs]).values_list("slug", flat=True)
    )
    now = timezone.now()
    for spec in specs:
        if spec["key"] in existing:
            continue
        # One transaction per story: an interrupted load leaves whole stories, and the next run
        # makes the missing ones.
        with transaction.atomic():
            _make_story(spec, demo, now)
        demo.created["stories"] += 1
        if stdout is not None and demo.created["stories"] % 10 == 0:
            stdout.write(f"  {demo.created['stories']} stories …")


# --- Counting -----------------------------------------------------------------------------------


def story_state_counts(keys=None) -> Counter:
    """How many demo stories (slugs ``keys``, default every story file's) are in each state."""
    from rongmei.newsroom.models import CorrectionNote, StoryPage

    if keys is None:
        keys = [spec["key"] for spec in load_story_specs()]
    stories = list(StoryPage.objects.filter(slug__in=keys).only("pk", "live", "is_retracted"))
    ids = [str(story.pk) for story in stories]
    active = {
        int(state.object_id): state
        for state in WorkflowState.objects.active()
        .filter(object_id__in=ids)
        .select_related("current_task_state__task")
    }
    corrected = set(CorrectionNote.objects.filter(story__in=stories).values_list("story_id", flat=True))
    scheduled = {
        int(object_id)
        for object_id in Revision.objects.filter(
            object_id__in=ids, approved_go_live_at__isnull=False
        ).values_list("object_id", flat=True)
    }
    levels = {"初审": "review1", "复审": "review2", "终审": "review3"}
    counts = Counter()
    for story in stories:
        state = active.get(story.pk)
        if story.live and not story.is_retracted:
            counts["corrected" if story.pk in corrected else "published"] += 1
        elif story.is_retracted:
            counts["retracted"] += 1
        elif state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            counts["rejected"] += 1
        elif state is not None:
            counts[levels.get(state.current_task_state.task.name, "review_other")] += 1
        elif story.pk in scheduled:
            counts["scheduled"] += 1
        else:
            counts["draft"] += 1
    return counts


# --- Proofing examples ----------------------------------------------------------------------------

# The sensitive and style lists ship empty (each newsroom imports its own); the demo shows the
# feature with a few harmless examples.
DEMO_WORD_LISTS = [
    (
        "示例：违禁词",
        "banned",
        "block",
        [
            ("某某禁词", "", "演示用：出现即阻止终审"),
            ("剩女", "大龄未婚女性", "歧视性称谓，新闻报道不用"),
            ("剩男", "大龄未婚男性", "歧视性称谓，新闻报道不用"),
        ],
    ),
    (
        "示例：慎用词",
        "caution",
        "warn",
        [
            ("农民工", "进城务工人员", "规范表述"),
            ("残废人", "残疾人", "规范表述"),
            ("小姐", "女士", "视语境"),
        ],
    ),
    (
        "示例：本台规范用语",
        "style",
        "info",
        [
            ("淄博市融媒中心", "淄博市融媒体中心", "机构全称"),
            ("高新区", "淄博高新技术产业开发区", "首次出现用全称"),
        ],
    ),
]
DEMO_PERSON_TITLES = [
    ("李卫东", "区长", "张店区"),
    ("陈立群", "县长", "沂源县"),
    ("赵春生", "局长", "市教育局"),
]


def _ensure_proofing_examples() -> None:
    from rongmei.proofing.models import PersonTitle, Term, WordList

    for name, category, severity, terms in DEMO_WORD_LISTS:
        word_list, _created = WordList.objects.get_or_create(
            name=name, defaults={"category": category, "severity": severity, "description": "演示数据"}
        )
        for term, suggestion, note in terms:
            Term.objects.get_or_create(
                word_list=word_list, term=term, defaults={"suggestion": suggestion, "note": note}
            )
    for name, title, unit in DEMO_PERSON_TITLES:
        PersonTitle.objects.get_or_create(name=name, title=title, defaults={"unit": unit})


# --- Entry point --------------------------------------------------------------------------------


def load_demo_data(stdout=None) -> str:
    """Create whatever part of the demo newsroom is missing; return a one-line summary."""
    started = time.monotonic()
    specs = load_story_specs()  # a broken story file fails before anything is written
    from rongmei.audit import chain as audit_chain

    # The demo backdates its history (_Timeline.retime) after writing it, so its log entries are
    # chained afterwards, oldest first, as `rongmei audit seal` does for a site that predates the
    # chain; `rongmei audit verify` then finds the demo intact.
    with _quiet_wagtail_log(), audit_chain.paused():
        created = _load(specs, stdout)
    audit_chain.seal()
    counts = story_state_counts([spec["key"] for spec in specs])
    return (
        f"Demo newsroom ready in {time.monotonic() - started:.1f}s: {sum(counts.values())} stories "
        f"({counts['published'] + counts['corrected']} published incl. {counts['corrected']} corrected, "
        f"{counts['retracted']} retracted, {counts['draft']} drafts, "
        f"{counts['review1']}/{counts['review2']}/{counts['review3']} waiting at 初审/复审/终审, "
        f"{counts['rejected']} rejected, {counts['scheduled']} scheduled); "
        f"this run created {created['stories']} stories, {created['images']} images, "
        f"{created['users']} users, {created['pages']} pages."
    )


@contextmanager
def _quiet_wagtail_log():
    """Wagtail logs every page creation and publication at INFO: hundreds of lines for the demo."""
    logger = logging.getLogger("wagtail")
    level = logger.level
    logger.setLevel(max(logging.WARNING, level))
    try:
        yield
    finally:
        logger.setLevel(level)


def _load(specs, stdout) -> Counter:
    from rongmei.review import services as review_services

    demo = _Demo()

    def say(message):
        if stdout is not None:
            stdout.write(message)

    say("  organisation, regions, site …")
    with transaction.atomic():
        departments = _ensure_organisation(demo)
        _ensure_regions(demo)
        _ensure_home(demo)
        groups = roles.ensure_roles(root_page=demo.home)
        _ensure_users(demo, departments, groups)
    say("  pictures …")
    with transaction.atomic():
        _ensure_images(demo)
    with transaction.atomic():
        _ensure_sections_and_topics(demo)
        review_services.ensure_review_workflow(demo.home)
        # Before the stories: their publications go to the website and RSS channels (融合发布).
        ensure_channels()
    with transaction.atomic():
        _ensure_proofing_examples()
    say("  stories …")
    # The review steps are history, backdated: nobody should be emailed about them (Wagtail sends
    # a moderation notice per submission and decision; the demo's console backend prints each).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _create_stories(demo, specs, stdout)
    say("  融合发布: channels, partners, incoming wire, print, 内参 …")
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        _load_distribution_demo(demo)
    say("  舆情 monitoring …")
    # After the stories: the monitored items include copies of two of them (reprint detection).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        load_monitoring_demo(demo.users)
    return demo.created


def _load_distribution_demo(demo: _Demo) -> None:
    from rongmei.distribution.demo import load_every_channel_story
    from rongmei.neican.demo import load_demo as load_neican_demo
    from rongmei.newsroom.models import StoryPage
    from rongmei.partners.demo import load_demo as load_partners_demo
    from rongmei.printing.demo import load_demo as load_print_demo
    from rongmei.wire.demo import load_demo as load_wire_demo

    load_partners_demo()
    outlet = next(iter(demo.outlets.values()))
    story = load_every_channel_story(demo.users, demo.sections["yaowen"], outlet, demo.images.get("img-02"))
    load_wire_demo(demo.users)
    load_neican_demo(demo.users)
    printable = list(
        StoryPage.objects.live()
        .filter(outlet=outlet, is_retracted=False)
        .exclude(pk=story.pk)
        .order_by("-first_published_at")[:12]
    )
    # Fresh user objects: the apps grant their roles' permissions as they load, and a user read
    # before that keeps a permission cache without them.
    users = {name: type(user).objects.get(pk=user.pk) for name, user in demo.users.items()}
    load_print_demo(outlet, printable, users)
    _load_planning_demo(users)


def _load_planning_demo(users) -> None:
    """策划指挥 (issue 14): a week of topics, assignments and events; the campaign 记者看张店 with its
    topic page; the news tips with their rewards. After the stories (the campaign files some)."""
    from rongmei.campaigns.demo import load_campaigns_demo
    from rongmei.planning.demo import load_planning_demo
    from rongmei.tips.demo import load_tips_demo

    load_planning_demo()
    load_campaigns_demo(users)
    load_tips_demo(users)
