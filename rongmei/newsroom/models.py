"""Stories (稿件) and the page tree they live in.

Tree: HomePage → SectionPage → StoryPage, and HomePage → TopicIndexPage → TopicPage.
A story lives under its primary section, so a review workflow assigned to a section page applies
to every story in it (Wagtail's per-subtree workflow assignment).
"""

import secrets

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageManager, PageQuerySet, PageViewRestriction
from wagtail.search import index

from rongmei.distribution.panels import ChannelVersionsPanel
from rongmei.organisation.widgets import StaffSelect
from rongmei.proofing.panels import ProofingPanel

# A topic page's introduction: paragraphs, emphasis, lists and links.
TOPIC_INTRO_FEATURES = ["bold", "italic", "ol", "ul", "link"]

STORY_BODY_FEATURES = [
    "h2",
    "h3",
    "bold",
    "italic",
    "ol",
    "ul",
    "hr",
    "link",
    "image",
    "embed",
    "blockquote",
]


class Region(models.Model):
    """Province → city → district/county, for region pages and local channels."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, _("province")
        CITY = 2, _("city")
        DISTRICT = 3, _("district or county")

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        help_text=_("Administrative division code (GB/T 2260)."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("parent"),
        FieldPanel("level"),
        FieldPanel("code"),
        FieldPanel("sort_order"),
    ]

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["level", "sort_order", "name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        names = [self.name]
        parent = self.parent
        while parent is not None:
            names.append(parent.name)
            parent = parent.parent
        return " / ".join(reversed(names))

    def clean(self):
        if self.parent_id is not None:
            if self.parent.level >= self.level:
                raise ValidationError({"level": _("A region must be one level below its parent region.")})
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A region cannot be inside itself.")})
                ancestor = ancestor.parent
        elif self.level != self.Level.PROVINCE:
            raise ValidationError({"parent": _("Only a province may have no parent region.")})

    def descendant_ids(self) -> list[int]:
        """This region and every region below it (at most three levels deep)."""
        ids = [self.pk]
        frontier = [self.pk]
        while frontier:
            frontier = list(Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class StoryType(models.TextChoices):
    NEWS = "news", _("news report (消息)")
    FEATURE = "feature", _("feature (通讯)")
    COMMENTARY = "commentary", _("commentary (评论)")
    PHOTO = "photo", _("photo story (图片)")
    VIDEO = "video", _("video (视频)")
    SPECIAL = "special", _("special report (专题)")
    INTERVIEW = "interview", _("interview (访谈)")
    BRIEF = "brief", _("brief (简讯)")
    # Advertorial copy is also checked against the Advertising Law's absolute terms.
    ADVERTORIAL = "advertorial", _("advertorial (软文)")


class CreditRole(models.TextChoices):
    REPORTER = "reporter", _("reporter (记者)")
    CORRESPONDENT = "correspondent", _("correspondent (通讯员)")
    PHOTOGRAPHER = "photographer", _("photographer (摄影)")
    CAMERA = "camera", _("camera (摄像)")
    EDITOR = "editor", _("editor (编辑)")


def view_restrictions_in_one_query(page):
    """Wagtail's ``Page.get_view_restrictions`` (asked before every page is served) in one query.

    The same restrictions: those of the page and its ancestors, an alias ancestor's replaced by its
    source page's (aliases have none of their own). Wagtail reads the ancestors first, then the
    restrictions; here the ancestors' paths are cut from the page's own path.
    """
    from rongmei.website.queries import restricted_paths

    if not restricted_paths():
        # No page of the site has a restriction (the usual case, and known without a query while
        # nothing changes: rongmei/website/memo.py).
        return PageViewRestriction.objects.none()
    if page.alias_of_id is not None:
        return Page.get_view_restrictions(page)
    steplen = Page.steplen
    paths = [page.path[:end] for end in range(steplen, len(page.path) + 1, steplen)]
    alias_sources = Page.objects.filter(path__in=paths, alias_of__isnull=False).values("alias_of_id")
    return PageViewRestriction.objects.filter(
        models.Q(page__path__in=paths, page__alias_of__isnull=True) | models.Q(page_id__in=alias_sources)
    )


def route_by_url_path(home, request, path_components):
    """The page under ``home`` at these path components, by ``url_path`` in one query.

    Wagtail's own routing asks each level of the tree for the child with the next slug and then
    for its specific page: two queries per level. Every page type below the home page routes by
    its children's slugs alone, so the page the walk would end on is the one whose ``url_path`` is
    the home page's plus the components. A story (the pages most read, two levels down) is read
    with its own row in that query; any other page by a second one, after its type. The page's own
    ``route`` then decides as before (a page that is not live is a 404); anything not found here is
    left to Wagtail's walk, so a wrong address gives the same 404 it always did.
    """
    from django.contrib.contenttypes.models import ContentType

    url_path = home.url_path + "/".join(path_components) + "/"
    # slug is indexed, url_path is not: the slug finds the few candidates, url_path the page.
    below_home = models.Q(
        slug=path_components[-1], url_path=url_path, path__startswith=home.path, depth__gt=home.depth
    )
    page = None
    if len(path_components) == 2:  # most likely a story: try its table first
        page = StoryPage.objects.filter(below_home).first()
        if page is not None and page.content_type_id != ContentType.objects.get_for_model(StoryPage).pk:
            page = page.specific  # a subclass of StoryPage
    if page is None:
        row = Page.objects.filter(below_home).values_list("pk", "content_type_id").first()
        if row is None:
            return Page.route(home, request, path_components)
        page_model = ContentType.objects.get_for_id(row[1]).model_class()
        if page_model is None:
            return Page.route(home, request, path_components)
        page = page_model.objects.get(pk=row[0])
    return page.route(request, [])


class HomePage(Page):
    """The site's front page."""

    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    headline_count = models.PositiveSmallIntegerField(
        _("headline stories shown"),
        default=5,
        help_text=_("How many 头条 stories the top of the page shows."),
    )

    content_panels = Page.content_panels + [FieldPanel("tagline"), FieldPanel("headline_count")]
    subpage_types = ["newsroom.SectionPage", "newsroom.TopicIndexPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    template = "website/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from rongmei.website import pages

        context = super().get_context(request, *args, **kwargs)
        return pages.home_context(self, request, context)

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        return route_by_url_path(self, request, path_components)

    get_view_restrictions = view_restrictions_in_one_query


class SectionPage(Page):
    """A section (栏目): 要闻, 时政, 经济 …; its stories are its child pages."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)
    show_on_home = models.BooleanField(_("show a block on the home page"), default=True)
    home_order = models.PositiveSmallIntegerField(_("order on the home page"), default=100)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldRowPanel([FieldPanel("show_on_home"), FieldPanel("home_order")]),
    ]
    subpage_types = ["newsroom.StoryPage"]
    parent_page_types = ["newsroom.HomePage"]
    template = "website/section_page.html"

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def get_context(self, request, *args, **kwargs):
        from rongmei.website import pages

        context = super().get_context(request, *args, **kwargs)
        return pages.section_context(self, request, context)

    get_view_restrictions = view_restrictions_in_one_query


class TopicIndexPage(Page):
    """The list of 专题 (topic pages)."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["newsroom.TopicPage"]
    parent_page_types = ["newsroom.HomePage"]
    max_count = 1
    template = "website/topic_index_page.html"

    class Meta:
        verbose_name = _("topic index")

    def get_context(self, request, *args, **kwargs):
        from rongmei.website import pages

        context = super().get_context(request, *args, **kwargs)
        return pages.topic_index_context(self, request, context)

    get_view_restrictions = view_restrictions_in_one_query


class TopicPage(Page):
    """A 专题: a campaign or series, e.g. "记者走基层·走进张店", grouping stories."""

    summary = models.TextField(_("summary"), blank=True)
    cover_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The wide picture across the top of the topic's page (its cover, when it has none); the cover
    # stays the teaser's picture in lists.
    banner_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("A wide picture shown across the top of the topic page; without it the cover image is used."),
    )
    intro = RichTextField(
        _("introduction"),
        blank=True,
        features=TOPIC_INTRO_FEATURES,
        help_text=_("What the topic is about, shown under the banner (the summary stays the short text in lists)."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("banner_image"),
        FieldPanel("intro"),
        FieldPanel("region"),
    ]
    search_fields = Page.search_fields + [index.SearchField("summary")]
    subpage_types = []
    parent_page_types = ["newsroom.TopicIndexPage"]
    template = "website/topic_page.html"

    class Meta:
        verbose_name = _("topic page (专题)")
        verbose_name_plural = _("topic pages (专题)")

    def get_context(self, request, *args, **kwargs):
        from rongmei.website import pages

        context = super().get_context(request, *args, **kwargs)
        return pages.topic_context(self, request, context)

    get_view_restrictions = view_restrictions_in_one_query


class StoryTag(TaggedItemBase):
    content_object = ParentalKey("newsroom.StoryPage", on_delete=models.CASCADE, related_name="tagged_items")


class StoryQuerySet(PageQuerySet):
    def on_site(self):
        """Stories the public may see: live, not retracted, not behind a privacy restriction."""
        return self.live().public().filter(is_retracted=False)

    def newest_first(self):
        return self.order_by(models.F("first_published_at").desc(nulls_last=True), "-pk")


StoryManager = PageManager.from_queryset(StoryQuerySet)


def new_story_slug() -> str:
    return f"{timezone.localdate():%Y%m%d}-{secrets.token_hex(3)}"


class StoryPageForm(WagtailAdminPageForm):
    """Reporters never have to invent a URL: an empty or Chinese slug becomes date + random part."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
        self.body_unreadable = False
        if "body" in self.fields:
            self._guard_body_widget(self.fields["body"].widget)

    def _guard_body_widget(self, widget):
        # The Draftail widget converts the posted JSON while the form reads its data; damaged JSON
        # (never sent by the editor itself) would end in a server error instead of a message.
        read = widget.value_from_datadict

        def value_from_datadict(data, files, name):
            try:
                return read(data, files, name)
            except (ValueError, TypeError, KeyError, AttributeError):
                self.body_unreadable = True
                self.fields["body"].required = False  # so clean_body() gives the real reason
                return ""

        widget.value_from_datadict = value_from_datadict

    def clean_slug(self):
        slug = (self.cleaned_data.get("slug") or "").strip()
        if not slug or not slug.isascii():
            if self.instance.pk and self.instance.slug and self.instance.slug.isascii():
                return self.instance.slug
            return new_story_slug()
        return slug

    def clean_body(self):
        # The editor posts contentstate whose image format, image id and page id are taken as
        # given; an unknown one would break the editor and the page for everyone (see rich_text.py).
        from .rich_text import body_problems

        if self.body_unreadable:
            raise ValidationError(
                _(
                    "The body could not be read: the editor sent damaged data. Reload the page and "
                    "edit again; the saved version of the story is unchanged."
                )
            )
        body = self.cleaned_data.get("body")
        problems = body_problems(body or "")
        if problems:
            raise ValidationError(problems)
        return body


class StoryPage(Page):
    """A story (稿件): headline block, lead, body, credits, metadata."""

    kicker = models.CharField(_("kicker (引题)"), max_length=100, blank=True)
    subheadline = models.CharField(_("subheadline (副题)"), max_length=150, blank=True)
    lead = models.TextField(_("lead (导语)"), blank=True, max_length=1000)
    body = RichTextField(_("body"), features=STORY_BODY_FEATURES)
    story_type = models.CharField(
        _("story type"), max_length=20, choices=StoryType.choices, default=StoryType.NEWS
    )
    source = models.CharField(_("source (来源)"), max_length=100, blank=True)
    outlet = models.ForeignKey(
        "organisation.Outlet",
        verbose_name=_("outlet"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    cover_image = models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The story's video from the media library: played on the website and in the app, its 9:16
    # rendition goes to Douyin (rongmei.video).
    video = models.ForeignKey(
        "video.VideoAsset",
        verbose_name=_("video"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("From the media library (Video and audio); Douyin takes stories with a video only."),
    )
    # Audio from the media library (an interview, a radio piece): an inline player on the page.
    audio = models.ForeignKey(
        "video.AudioAsset",
        verbose_name=_("audio"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("From the media library (Video and audio): played under the lead."),
    )
    other_sections = ParentalManyToManyField(
        "newsroom.SectionPage",
        verbose_name=_("also in sections"),
        blank=True,
        related_name="cross_listed_stories",
    )
    regions = ParentalManyToManyField(Region, verbose_name=_("regions"), blank=True, related_name="stories")
    topics = ParentalManyToManyField(
        "newsroom.TopicPage", verbose_name=_("topic pages (专题)"), blank=True, related_name="stories"
    )
    tags = ClusterTaggableManager(through=StoryTag, verbose_name=_("tags"), blank=True)
    is_headline = models.BooleanField(_("headline story (头条)"), default=False)
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_("Not published before this time, even after final approval."),
    )
    is_retracted = models.BooleanField(
        _("retract this story (撤稿)"),
        default=False,
        help_text=_("Once approved, the story is taken off every public page and feed."),
    )
    retraction_reason = models.TextField(_("reason for retraction"), blank=True)

    objects = StoryManager()
    base_form_class = StoryPageForm

    content_panels = [
        ProofingPanel(heading=_("Proofreading (审校)")),
        FieldPanel("kicker"),
        FieldPanel("title", heading=_("headline (主题)")),
        FieldPanel("subheadline"),
        FieldPanel("lead"),
        FieldPanel("body"),
        FieldPanel("cover_image"),
        InlinePanel("credits", heading=_("credits"), label=_("credit")),
    ]
    metadata_panels = [
        FieldRowPanel([FieldPanel("story_type"), FieldPanel("source")]),
        FieldPanel("outlet"),
        FieldPanel("other_sections", widget=forms.CheckboxSelectMultiple),
        FieldPanel("regions"),
        FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        FieldPanel("is_headline"),
        FieldPanel("embargo_until"),
    ]
    correction_panels = [
        InlinePanel("corrections", heading=_("correction notes (更正)"), label=_("correction note")),
        MultiFieldPanel(
            [FieldPanel("is_retracted"), FieldPanel("retraction_reason")],
            heading=_("retraction (撤稿)"),
        ),
    ]
    channel_panels = [
        ChannelVersionsPanel(
            "channel_versions",
            heading=_("channel versions (分发版本)"),
            label=_("channel version"),
            help_text=_(
                "Each version is a channel this story goes to besides the website and the app; "
                "a blank field is made from the story. 三审 approves them with the story."
            ),
        ),
        FieldPanel("video"),
        FieldPanel("audio"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Story")),
            ObjectList(channel_panels, heading=_("Channels (渠道)")),
            ObjectList(metadata_panels, heading=_("Metadata")),
            ObjectList(correction_panels, heading=_("Corrections")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )

    search_fields = Page.search_fields + [
        index.SearchField("kicker"),
        index.SearchField("subheadline"),
        index.SearchField("lead"),
        index.SearchField("body"),
        index.FilterField("is_retracted"),
        index.FilterField("story_type"),
        index.FilterField("first_published_at"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    # rongmei.search re-indexes stories itself, skipping saves that leave their text alone.
    search_auto_update = False

    parent_page_types = ["newsroom.SectionPage"]
    subpage_types = []
    template = "website/story_page.html"

    class Meta:
        verbose_name = _("story")
        verbose_name_plural = _("stories")
        permissions = [
            # 突发: publishing around 三审 is a named grant, held by no role by default (superusers
            # included: see review.services.emergency_publish).
            ("emergency_publish_storypage", _("Emergency publish a story without completing review (突发)")),
            # Reporters see only their own work and the published site unless a newsroom grants this.
            ("view_others_work_storypage", _("See other staff's drafts and stories in review")),
        ]

    def get_context(self, request, *args, **kwargs):
        from rongmei.website import pages

        context = super().get_context(request, *args, **kwargs)
        return pages.story_context(self, request, context)

    get_view_restrictions = view_restrictions_in_one_query

    @property
    def section(self):
        parent = self.get_parent()
        return parent.specific if parent is not None else None

    @property
    def copyright_line(self) -> str:
        return self.outlet.copyright_line if self.outlet_id else ""

    def clean(self):
        super().clean()
        errors = {}
        if self.is_retracted and not self.retraction_reason.strip():
            errors["retraction_reason"] = _(
                "Give the reason for the retraction; it goes into the audit record."
            )
        if self.is_retracted and not self.first_published_at:
            errors["is_retracted"] = _(
                "Only a published story can be retracted; delete or withdraw a draft instead."
            )
        if errors:
            raise ValidationError(errors)

    def full_clean(self, *args, **kwargs):
        # Chinese headlines give percent-encoded URLs; a story URL is a date plus a random part
        # instead, and keeps it for life once published.
        if not self.slug or not self.slug.isascii():
            self.slug = new_story_slug()
        if self.embargo_until and (self.go_live_at is None or self.go_live_at < self.embargo_until):
            self.go_live_at = self.embargo_until
        super().full_clean(*args, **kwargs)

    def credit_line(self) -> str:
        """The byline as printed: 记者 张三 李四 通讯员 王五."""
        from rongmei.organisation.models import display_name_for

        parts: dict[str, list[str]] = {}
        labels = {
            CreditRole.REPORTER: "记者",
            CreditRole.CORRESPONDENT: "通讯员",
            CreditRole.PHOTOGRAPHER: "摄影",
            CreditRole.CAMERA: "摄像",
            CreditRole.EDITOR: "编辑",
        }
        for credit in self.credits.all():
            name = credit.name or display_name_for(credit.staff)
            parts.setdefault(labels.get(credit.role, credit.role), []).append(name)
        return "  ".join(f"{label} {' '.join(names)}" for label, names in parts.items())


class StoryCredit(Orderable):
    story = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(_("role"), max_length=20, choices=CreditRole.choices, default=CreditRole.REPORTER)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="story_credits",
    )
    name = models.CharField(
        _("outside name"),
        max_length=50,
        blank=True,
        help_text=_("For people who are not staff, e.g. a correspondent."),
    )

    # The staff list names people as bylines do (李静（editor）), not by username.
    panels = [
        FieldRowPanel([FieldPanel("role"), FieldPanel("staff", widget=StaffSelect), FieldPanel("name")])
    ]

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]  # credits added in code may share a sort_order
        verbose_name = _("credit")
        verbose_name_plural = _("credits")

    def clean(self):
        if not self.staff_id and not self.name.strip():
            raise ValidationError(_("Choose a staff member or type an outside name."))

    def __str__(self):
        return self.name or str(self.staff)


class CorrectionNote(Orderable):
    """A dated 更正 shown on the story; added by editing the published story and passing review."""

    story = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="corrections")
    noted_at = models.DateTimeField(_("date of correction"), default=timezone.now)
    text = models.TextField(_("correction"), max_length=2000)

    panels = [FieldPanel("noted_at"), FieldPanel("text")]

    class Meta(Orderable.Meta):
        ordering = ["sort_order", "pk"]
        verbose_name = _("correction note")
        verbose_name_plural = _("correction notes")

    def __str__(self):
        return self.text[:50]
