"""内参: numbered copies with the recipient's name on every page, only for the staff granted it,
every act on the record, and nothing of it on any public surface."""

import io
from pathlib import Path

import pypdf
import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import Client as WebClient
from django.urls import reverse
from wagtail.models import ModelLogEntry

from rongmei.neican import permissions, services
from rongmei.neican.models import Copy, NeicanArticle, NeicanEvent, NeicanIssue, Recipient
from rongmei.organisation import roles
from rongmei.testing import make_user

State = NeicanIssue.State
Act = NeicanEvent.Act


def pdf_pages(copy) -> list[str]:
    with copy.pdf.open("rb") as handle:
        reader = pypdf.PdfReader(io.BytesIO(handle.read()))
    return [page.extract_text() for page in reader.pages]


LONG_BODY = "\n".join(
    f"第{n}段：本市推进老旧小区改造，群众反映集中的问题有加装电梯、停车难和物业管理。" * 3 for n in range(60)
)


# --- numbering ------------------------------------------------------------------------------------------


def test_copies_are_numbered_per_issue_one_per_recipient_and_go_on_from_the_last(world):
    issue = world.approved()
    made = services.generate_copies(issue, acting_user=world.director)
    assert [(c.label, c.recipient_name) for c in made] == [
        ("001", "张明华"),
        ("002", "李建国"),
        ("003", "王丽"),
    ]
    issue.refresh_from_db()
    assert issue.state == State.DISTRIBUTED
    # Again: everyone has a copy, nothing is made twice.
    assert services.generate_copies(issue, acting_user=world.director) == []
    newcomer = Recipient.objects.create(name="赵强", title="市纪委")
    made = services.generate_copies(issue, acting_user=world.director)
    assert [(c.label, c.recipient_id) for c in made] == [("004", newcomer.pk)]
    # Another issue starts at 001 again.
    other = world.approved(number="2026年第13期")
    assert [c.label for c in services.generate_copies(other, acting_user=world.chief)] == [
        "001", "002", "003", "004"
    ]  # fmt: skip
    # Who received which copy is kept, as printed, even if the recipient is renamed later.
    world.recipients[0].name = "张明"
    world.recipients[0].save()
    assert Copy.objects.get(issue=issue, number=1).recipient_name == "张明华"


def test_inactive_recipients_get_no_copy_and_a_draft_gets_none(world):
    world.recipients[1].active = False
    world.recipients[1].save()
    draft = world.issue()
    with pytest.raises(services.NeicanError, match="draft"):
        services.generate_copies(draft, acting_user=world.director)
    assert not Copy.objects.exists()
    services.approve_issue(draft, acting_user=world.chief)
    made = services.generate_copies(draft, acting_user=world.director)
    assert [c.recipient_name for c in made] == ["张明华", "王丽"]
    with pytest.raises(services.NeicanError, match="李建国"):
        services.generate_copies(draft, acting_user=world.director, recipients=[world.recipients[1]])


# --- the PDF --------------------------------------------------------------------------------------------


def test_each_copy_carries_its_recipient_and_number_on_every_page(world):
    issue = world.approved(articles=[("老旧小区改造情况", LONG_BODY), ("第二篇", "短文。")])
    copies = services.generate_copies(issue, acting_user=world.director)
    for copy in copies:
        pages = pdf_pages(copy)
        assert len(pages) >= 3
        others = [c.recipient_name for c in copies if c.pk != copy.pk]
        for text in pages:
            compact = "".join(text.split())
            # The diagonal watermark and the header on each page.
            assert compact.count(f"{copy.recipient_name}第{copy.label}份") >= 10
            assert f"第 {copy.label} 份" in text
            assert "内部资料" in text
            assert not any(name in compact for name in others)
        assert "老旧小区改造情况" in pages[0]


def test_the_pdf_is_private_never_under_media_root(world, settings):
    issue = world.approved()
    (copy, *_rest) = services.generate_copies(issue, acting_user=world.director)
    stored = Path(copy.pdf.path).resolve()
    assert Path(settings.PRIVATE_ROOT).resolve() in stored.parents
    assert Path(settings.MEDIA_ROOT).resolve() not in stored.parents
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
    with pytest.raises(NotImplementedError):
        copy.pdf.url  # noqa: B018 - a private file has no address
    assert WebClient().get(settings.MEDIA_URL + copy.pdf.name).status_code == 404


# --- permissions ----------------------------------------------------------------------------------------


def test_only_chief_and_director_roles_hold_the_permissions(world):
    newsroom = world.newsroom
    for user in (newsroom.reporter, newsroom.editor, newsroom.newmedia):
        assert not services.can_view(user)
    analyst = make_user("analyst", roles.ANALYST)
    assert not services.can_view(analyst)
    assert services.can_manage(newsroom.director) and not services.can_approve(newsroom.director)
    assert services.can_approve(newsroom.chief)
    held = {
        group.name for group in Group.objects.filter(permissions__content_type__app_label="neican").distinct()
    }
    assert held == {roles.DIRECTOR.group_name, roles.CHIEF.group_name}
    permissions.grant_to_roles()  # idempotent
    assert (
        Group.objects.get(name=roles.CHIEF.group_name)
        .permissions.filter(content_type__app_label="neican")
        .count()
        == 3
    )


def test_services_refuse_staff_without_the_permission(world):
    editor = world.newsroom.editor
    issue = world.approved()
    with pytest.raises(PermissionDenied):
        services.create_issue(acting_user=editor, number="x", title="x", issue_date=issue.issue_date)
    with pytest.raises(PermissionDenied):
        services.generate_copies(issue, acting_user=editor)
    with pytest.raises(PermissionDenied):
        services.issues_for(editor)
    # The director compiles but does not approve.
    draft = world.issue(number="2026年第14期")
    with pytest.raises(PermissionDenied, match="approve"):
        services.approve_issue(draft, acting_user=world.director)
    (copy, *_rest) = services.generate_copies(issue, acting_user=world.director)
    with pytest.raises(PermissionDenied):
        services.copy_download(copy, acting_user=editor)
    with pytest.raises(PermissionDenied):
        services.record_received(copy, acting_user=editor)
    assert not NeicanEvent.objects.filter(actor=editor).exists()


def test_an_approved_issue_is_fixed_and_reopens_only_without_copies(world):
    issue = world.approved()
    with pytest.raises(services.NeicanError, match="no longer a draft"):
        services.save_article(issue, acting_user=world.director, title="后加", body="不应出现")
    with pytest.raises(services.NeicanError):
        services.update_issue(issue, acting_user=world.director, title="改标题")
    services.reopen_issue(issue, acting_user=world.chief)
    services.save_article(issue, acting_user=world.director, title="补充", body="补充内容")
    services.approve_issue(issue, acting_user=world.chief)
    services.generate_copies(issue, acting_user=world.director)
    with pytest.raises(services.NeicanError, match="without copies"):
        services.reopen_issue(issue, acting_user=world.chief)
    empty = services.create_issue(
        acting_user=world.director, number="空", title="空", issue_date=issue.issue_date
    )
    with pytest.raises(services.NeicanError, match="no articles"):
        services.approve_issue(empty, acting_user=world.chief)


# --- the record -----------------------------------------------------------------------------------------


def test_every_act_is_on_the_record_and_in_the_audit_log(world):
    issue = world.approved()
    copies = services.generate_copies(issue, acting_user=world.director)
    services.copy_download(copies[1], acting_user=world.chief)
    services.record_received(copies[1], acting_user=world.director, note="办公室代签")
    acts = list(issue.events.order_by("at", "pk").values_list("act", "actor__username", "copy__number"))
    assert acts == [
        (Act.CREATE, "director", None),
        (Act.EDIT, "director", None),
        (Act.APPROVE, "chief", None),
        (Act.GENERATE, "director", 1),
        (Act.GENERATE, "director", 2),
        (Act.GENERATE, "director", 3),
        (Act.DOWNLOAD, "chief", 2),
        (Act.RECEIVED, "director", 2),
    ]
    copy = Copy.objects.get(pk=copies[1].pk)
    assert copy.received_note == "办公室代签" and copy.received_recorded_by == world.director
    logged = ModelLogEntry.objects.filter(action="rongmei.neican.download").get()
    assert logged.user == world.chief
    assert logged.data == {"issue": issue.number, "copy": "002", "recipient": "李建国"}
    with pytest.raises(services.NeicanError, match="already"):
        services.record_received(copies[1], acting_user=world.director)


def test_article_from_story_copies_the_text_and_leaves_the_story_alone(world):
    newsroom = world.newsroom
    story = newsroom.add_story(
        title="某街道加装电梯进展",
        lead="导语一句。",
        body='<p>正文<b>第一</b>段。</p><embed embedtype="image" id="1" format="fullwidth" alt="图"/><p>第二段<a href="https://example.com/x">链接</a>。</p>',
    )
    issue = world.issue(articles=())
    article = services.article_from_story(issue, story, acting_user=world.director)
    assert article.title == "某街道加装电梯进展"
    assert article.body == "导语一句。\n正文第一段。\n第二段链接。"
    assert article.source_story_id == story.pk
    story.refresh_from_db()
    assert not story.live and story.title == "某街道加装电梯进展"
    # Editing the article changes nothing in the story.
    services.save_article(issue, acting_user=world.director, article=article, title="改写", body="改写后")
    story.refresh_from_db()
    assert story.title == "某街道加装电梯进展" and "改写后" not in story.body


def test_article_from_a_story_the_user_may_not_read_is_refused(world, newsroom):
    # A compiler without the right to see colleagues' drafts (a custom group) may not copy one.
    group = Group.objects.create(name="内参编辑")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="neican", codename__in=["view_neican", "manage_neican"]
        )
    )
    compiler = make_user("compiler")
    compiler.groups.add(group)
    story = newsroom.add_story(title="未发布草稿")
    issue = world.issue(articles=())
    with pytest.raises(PermissionDenied):
        services.article_from_story(issue, story, acting_user=compiler)
    assert not NeicanArticle.objects.filter(issue=issue).exists()


# --- the admin ------------------------------------------------------------------------------------------


def test_admin_screens_for_the_permitted_and_403_for_others(client, world):
    issue = world.approved()
    services.generate_copies(issue, acting_user=world.director)
    urls = [
        reverse("neican_issues"),
        reverse("neican_issue", args=[issue.pk]),
        reverse("neican_recipients"),
    ]
    article = issue.articles.get()
    client.force_login(world.director)
    for url in urls + [
        reverse("neican_issue_add"),
        reverse("neican_article_edit", args=[article.pk]),
        reverse("neican_recipient_add"),
        reverse("neican_recipient_edit", args=[world.recipients[0].pk]),
    ]:
        assert client.get(url).status_code == 200, url
    draft = world.issue(number="2026年第15期")
    for url in (
        reverse("neican_issue", args=[draft.pk]),
        reverse("neican_issue_edit", args=[draft.pk]),
        reverse("neican_article_add", args=[draft.pk]),
    ):
        assert client.get(url).status_code == 200, url
    body = client.get(reverse("neican_issue", args=[issue.pk])).content.decode()
    assert "第 001 份" in body and "张明华" in body
    # The menu shows 内参 to the director, not to an editor.
    assert reverse("neican_issues") in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(world.newsroom.editor)
    assert reverse("neican_issues") not in client.get(reverse("wagtailadmin_home")).content.decode()
    for url in urls + [reverse("neican_issue_add")]:
        # Wagtail's admin turns the refusal into a message on the dashboard.
        response = client.get(url)
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home"), url
    anonymous = WebClient()
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_download_is_a_checked_post_with_private_no_store_headers(client, world):
    issue = world.approved()
    copy = services.generate_copies(issue, acting_user=world.director)[0]
    url = reverse("neican_copy_download", args=[copy.pk])
    client.force_login(world.chief)
    assert client.get(url).status_code == 405
    assert not issue.events.filter(act=Act.DOWNLOAD).exists()
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert {"private", "no-store"} <= {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" not in response["Cache-Control"]
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF")
    assert issue.events.filter(act=Act.DOWNLOAD, actor=world.chief, copy=copy).count() == 1
    client.force_login(world.newsroom.editor)
    refused = client.post(url)
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    assert WebClient().post(url).status_code == 302
    assert issue.events.filter(act=Act.DOWNLOAD).count() == 1


def test_admin_acts_go_through_the_services(client, world):
    client.force_login(world.director)
    response = client.post(
        reverse("neican_issue_add"), {"number": "2026年第20期", "title": "测试期", "issue_date": "2026-03-09"}
    )
    issue = NeicanIssue.objects.get(number="2026年第20期")
    assert response.status_code == 302
    assert issue.classification == "内部资料 注意保存"
    # A bad date keeps what was typed and says why.
    response = client.post(
        reverse("neican_issue_add"), {"number": "2026年第21期", "title": "留着", "issue_date": "三月"}
    )
    assert response.status_code == 200
    assert "留着" in response.content.decode()
    assert response.context["form"].errors["issue_date"]
    client.post(reverse("neican_article_add", args=[issue.pk]), {"title": "一篇", "body": "正文。"})
    assert issue.articles.get().title == "一篇"
    # The director may not approve: the view refuses, nothing changes.
    refused = client.post(reverse("neican_issue_act", args=[issue.pk, "approve"]))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
    issue.refresh_from_db()
    assert issue.state == State.DRAFT
    client.force_login(world.chief)
    client.post(reverse("neican_issue_act", args=[issue.pk, "approve"]))
    issue.refresh_from_db()
    assert issue.state == State.APPROVED
    client.force_login(world.director)
    ticked = [world.recipients[2].pk, world.recipients[0].pk]
    response = client.post(reverse("neican_generate", args=[issue.pk]), {"recipients": ticked})
    assert response.status_code == 302
    assert sorted(issue.copies.values_list("recipient__name", flat=True)) == ["张明华", "王丽"]


# --- nothing leaks --------------------------------------------------------------------------------------

MARKER = "NEICANLEAK7731"


def test_nothing_of_a_neican_issue_reaches_any_public_surface(world, settings):
    newsroom = world.newsroom
    # A public story, so the surfaces have something to list.
    newsroom.add_story(title="公开稿件", body="<p>公开正文。</p>", publish=True)
    Recipient.objects.create(name=f"收件人{MARKER}")
    issue = world.approved(
        title=f"内参标题{MARKER}", articles=[(f"文章{MARKER}", f"正文包含{MARKER}的内容。\n{MARKER}")]
    )
    copies = services.generate_copies(issue, acting_user=world.director)
    with copies[0].pdf.open("rb") as handle:
        pdf_start = handle.read()[:64]
    section = newsroom.section
    public = WebClient()
    paths = [
        "/",
        section.url,
        newsroom.other_section.url,
        reverse("website:feed_latest"),
        reverse("website:feed_section", args=[section.slug]),
        reverse("website:sitemap"),
        "/api/v1/items",
        "/api/v1/sections",
        f"/api/v1/sections/{section.pk}/items",
        "/api/v1/openapi.json",
    ]
    paths += [settings.MEDIA_URL + copy.pdf.name for copy in copies]
    paths += [settings.MEDIA_URL + "neican/", settings.MEDIA_URL + f"neican/{issue.pk}/"]
    seen_ok = 0
    for path in paths:
        response = public.get(path, follow=True)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert MARKER.encode() not in content, path
        assert pdf_start not in content, path
        assert b"%PDF" not in content, path
        seen_ok += response.status_code == 200
    assert seen_ok >= 8  # the surfaces answered (not a test of 404s)
    # Search echoes the query, so it is checked by its results: none for the marker, the issue's
    # title or the article's words, while the public story is found.
    for query in (MARKER, f"内参标题{MARKER}", f"文章{MARKER}", f"正文包含{MARKER}的内容", "收件人"):
        response = public.get("/search/", {"q": query})
        assert response.status_code == 200
        assert response.context["searched"] and response.context["rows"] == [], query
        assert b"%PDF" not in response.content
    assert len(public.get("/search/", {"q": "公开稿件"}).context["rows"]) == 1
    # The story surfaces do list the public story: the check above would see a leak.
    assert "公开稿件" in public.get(reverse("website:feed_latest")).content.decode()
    # Not a page, not indexed, not under MEDIA_ROOT.
    from wagtail.models import Page
    from wagtail.search import index

    for model in (NeicanIssue, NeicanArticle, Copy, Recipient):
        assert not issubclass(model, Page)
        assert not issubclass(model, index.Indexed)
    media_files = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    for path in media_files:
        assert MARKER.encode() not in path.read_bytes()
        assert not path.read_bytes().startswith(b"%PDF")


def test_demo_issue_with_two_articles_three_recipients_and_their_copies(newsroom):
    from rongmei.neican import demo

    users = {"director": newsroom.director, "chief": newsroom.chief}
    issue = demo.load_demo(users)
    assert issue.state == State.DISTRIBUTED
    assert issue.articles.count() == 2
    assert [c.label for c in issue.copies.order_by("number")] == ["001", "002", "003"]
    assert demo.load_demo(users) is None
    assert Copy.objects.count() == 3
