"""审校 at the scale of a real article: a 3,300-character story typed with ASCII punctuation gets
hundreds of findings; they show as a few groups, each decided at once, and each occurrence can
still be decided on its own."""

import html
import re
from pathlib import Path

import pytest
from django.urls import reverse
from wagtail.models import Revision

from rongmei.distribution import services as distribution_services
from rongmei.distribution.models import Channel, StoryChannelVersion
from rongmei.newsroom.models import StoryPage
from rongmei.proofing import story_checks
from rongmei.proofing.models import ProofDecision, ProofFinding
from rongmei.proofing.story_text import Edit, StoryText, replace_many_in_field
from rongmei.testing import fresh, login

ARTICLE = Path(__file__).parent / "fixtures" / "ascii_punctuation_article.txt"
HAN = "\u4e00-\u9fff"
ASCII_COMMA_IN_CHINESE = re.compile(f"[{HAN}],[{HAN}]")


def article_fields():
    title, *paragraphs = ARTICLE.read_text(encoding="utf-8").strip().split("\n")
    body = "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)
    return title, body


@pytest.fixture
def article(review):
    title, body = article_fields()
    story = review.add_story(title=title, body=body)
    return StoryPage.objects.get(pk=story.pk)


def comma_group(check):
    finding = check.findings.filter(rule="punct.halfwidth", flagged_text=",", status="open").first()
    assert finding is not None
    return finding


def test_the_fixture_is_a_real_size_article_typed_with_ascii_punctuation():
    text = ARTICLE.read_text(encoding="utf-8")
    assert 3200 <= len(text) <= 3600
    assert text.count(",") > 100 and text.count('"') > 20 and "(" in text


# --- replacing many places at once ------------------------------------------------------------
def test_many_replacements_in_rich_text_keep_offsets_and_markup():
    source = "<p>甲,乙,<b>丙</b>,丁&amp;戊,己</p><p>庚,辛</p>"
    text = StoryText.from_values({"body": source}).fields[0][2]
    edits = [Edit(i, i + 1, ",", "，", key=i) for i, char in enumerate(text) if char == ","]
    result, applied, skipped = replace_many_in_field(source, "body", edits)
    assert result == "<p>甲，乙，<b>丙</b>，丁&amp;戊，己</p><p>庚，辛</p>"
    assert len(applied) == 5 and skipped == {}


def test_many_replacements_of_other_lengths_skip_changed_and_overlapping_places():
    value = '他说"好",又说"行"'
    edits = [
        Edit(2, 5, '"好"', "“好”", key="a"),
        Edit(4, 6, '",', "x", key="overlap"),
        Edit(5, 6, ",", "，", key="b"),
        Edit(8, 11, '"行"', "“行”", key="c"),
        Edit(0, 2, "她说", "她说", key="changed"),
    ]
    result, applied, skipped = replace_many_in_field(value, "title", edits)
    assert result == "他说“好”，又说“行”"
    assert applied == ["a", "b", "c"] and skipped == {"overlap": "overlap", "changed": "changed"}


# --- the services --------------------------------------------------------------------------
def test_accepting_a_group_is_one_revision_and_one_decision(review, article):
    check = story_checks.latest_check(article)
    assert check.warn_count > 250  # what the article gets, one warning per mark
    finding = comma_group(check)
    commas = len(story_checks.open_group_members(finding))
    assert commas > 150
    revisions = Revision.objects.filter(object_id=str(article.pk)).count()

    result = story_checks.accept_group(finding, acting_user=review.reporter)

    assert result.replaced == commas and result.skipped == 0
    assert Revision.objects.filter(object_id=str(article.pk)).count() == revisions + 1
    [decision] = ProofDecision.objects.filter(story=article)
    assert decision.kind == ProofDecision.Kind.ACCEPTED and decision.occurrences == commas
    assert (decision.flagged_text, decision.replacement) == (",", "，")
    latest = fresh(article).get_latest_revision_as_object()
    plain = StoryText.from_page(latest).text
    assert not ASCII_COMMA_IN_CHINESE.search(plain)
    assert "<p>" in latest.body and latest.body.count("<p>") == article.body.count("<p>")
    # the new check no longer has the commas, and still has the rest
    assert result.check.revision_id == fresh(article).latest_revision_id
    assert not result.check.findings.filter(rule="punct.halfwidth", flagged_text=",").exists()
    assert result.check.findings.filter(rule="punct.halfwidth", flagged_text=".").exists()


def test_accepting_every_group_leaves_no_ascii_punctuation_between_chinese(review, article):
    for _round in range(12):
        check = story_checks.latest_check(fresh(article))
        groups = [
            g for g in story_checks.group_findings(check.findings.all()) if g.open and g.first.suggestion
        ]
        if not groups:
            break
        story_checks.accept_group(groups[0].representative, acting_user=review.reporter)
    plain = StoryText.from_page(fresh(article).get_latest_revision_as_object()).text
    assert not re.search(f"[{HAN}][,;:?!.\"'()]|[,;:?!\"'()][{HAN}]", plain)
    assert story_checks.open_warning_count(fresh(article)) == 0


def test_not_an_error_for_a_group_is_one_decision_that_holds_for_every_occurrence(review, article):
    check = story_checks.latest_check(article)
    finding = check.findings.filter(rule="punct.ascii_quotes", status="open").first()
    quotes = len(story_checks.open_group_members(finding))
    assert quotes > 10
    decision = story_checks.mark_group_not_an_error(
        finding, acting_user=review.reporter, reason="转载原文照录"
    )
    assert decision.occurrences == quotes and len(decision.fingerprints) == quotes
    assert ProofDecision.objects.filter(story=article).count() == 1
    assert not check.findings.filter(rule="punct.ascii_quotes", status="open").exists()
    # a later revision keeps them dismissed
    recheck = story_checks.run_check(fresh(article), trigger="manual")
    assert not recheck.findings.filter(rule="punct.ascii_quotes", status="open").exists()
    # one occurrence counts again on its own
    one = recheck.findings.filter(rule="punct.ascii_quotes").first()
    story_checks.reopen_finding(one, acting_user=review.reporter)
    again = story_checks.run_check(fresh(article), trigger="manual")
    assert again.findings.filter(rule="punct.ascii_quotes", status="open").count() == 1


def test_group_acts_check_permission_in_the_service(review, article):
    from rongmei.organisation import roles
    from rongmei.testing import make_user

    stranger = make_user("reporter2", roles.REPORTER)
    finding = comma_group(story_checks.latest_check(article))
    with pytest.raises(story_checks.ProofingError):
        story_checks.accept_group(finding, acting_user=stranger)
    with pytest.raises(story_checks.ProofingError):
        story_checks.mark_group_not_an_error(finding, acting_user=stranger, reason="不是错")
    assert not ProofDecision.objects.exists()


def test_accepting_a_group_in_a_channel_version_field(review):
    distribution_services.ensure_channels()
    weibo = Channel.objects.get(code="weibo")
    story = fresh(review.add_story(title="全市新建学校三所今秋开学", body="<p>某地新建学校三所。</p>"))
    story.channel_versions = [
        StoryChannelVersion(channel=weibo, text='#临川# 新学期,三所新校开学,"家门口的好学校",来了.')
    ]
    story.save_revision(user=review.reporter)
    check = story_checks.latest_check(fresh(story))
    finding = check.findings.filter(
        field=f"cv{weibo.pk}.text", flagged_text=",", rule="punct.halfwidth"
    ).first()
    result = story_checks.accept_group(finding, acting_user=review.reporter)
    assert result.replaced == 3
    latest = fresh(story).get_latest_revision_as_object()
    assert [v.text for v in latest.channel_versions.all()] == [
        '#临川# 新学期，三所新校开学，"家门口的好学校"，来了.'
    ]


# --- the page ---------------------------------------------------------------------------------
def test_the_page_shows_groups_not_one_card_per_finding(client, review, article):
    login(client, review.reporter)
    url = reverse("proofing_story", args=[article.pk])
    page = client.get(url).content.decode()
    check = story_checks.latest_check(fresh(article))
    findings = check.findings.count()
    cards = page.count('class="proof-group ')
    assert findings > 250 and 0 < cards <= 12
    finding = comma_group(check)
    commas = len(story_checks.open_group_members(finding))
    # the comma card: its count, accept-all, not-an-error for all, and every occurrence listed
    card = page[page.index(f'id="group-{finding.pk}"') :]
    next_card = card.find('class="proof-group ')
    card = card[:next_card] if next_card != -1 else card
    assert f'data-count="{commas}"' in card
    assert 'value="accept_all"' in card and 'value="not_error_all"' in card
    assert card.count('class="proof-occurrence"') == commas
    assert card.count('value="accept"') == commas  # per occurrence, still there


def test_accept_all_from_the_page_then_one_occurrence(client, review, article):
    login(client, review.reporter)
    url = reverse("proofing_story", args=[article.pk])
    check = story_checks.latest_check(fresh(article))
    finding = comma_group(check)
    response = client.post(url, {"action": "accept_all", "finding": finding.pk})
    assert response.status_code == 302 and response.url == url
    assert ProofDecision.objects.filter(story=article).count() == 1
    assert not ASCII_COMMA_IN_CHINESE.search(
        StoryText.from_page(fresh(article).get_latest_revision_as_object()).text
    )
    # one occurrence of another group on its own
    check = story_checks.latest_check(fresh(article))
    stop = check.findings.filter(rule="punct.halfwidth", flagged_text=".", status="open").first()
    others = check.findings.filter(rule="punct.halfwidth", flagged_text=".", status="open").count()
    response = client.post(url, {"action": "accept", "finding": stop.pk})
    assert response.status_code == 302
    check = story_checks.latest_check(fresh(article))
    assert (
        check.findings.filter(rule="punct.halfwidth", flagged_text=".", status="open").count() == others - 1
    )
    # and not-an-error for one occurrence
    stop = check.findings.filter(rule="punct.halfwidth", flagged_text=".", status="open").first()
    client.post(url, {"action": "not_error", "finding": stop.pk, "reason": "英文缩写"})
    assert ProofFinding.objects.get(pk=stop.pk).status == ProofFinding.Status.DISMISSED
    page = client.get(url).content.decode()
    assert 'class="proof-decision proof-decision--accepted"' in page


def test_not_an_error_for_all_needs_a_reason(client, review, article):
    login(client, review.reporter)
    url = reverse("proofing_story", args=[article.pk])
    finding = comma_group(story_checks.latest_check(fresh(article)))
    response = client.post(url, {"action": "not_error_all", "finding": finding.pk, "reason": ""})
    assert response.status_code == 200 and "error-message" in response.content.decode()
    assert not ProofDecision.objects.exists()
    response = client.post(url, {"action": "not_error_all", "finding": finding.pk, "reason": "转载原文照录"})
    assert response.status_code == 302
    assert ProofDecision.objects.get().occurrences > 150


def test_the_page_does_not_query_per_finding(client, review, article, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, review.reporter)
    small = review.add_story(title="小稿", body="<p>今天,我们开会.</p>")
    for story in (small, article):
        client.get(reverse("proofing_story", args=[story.pk]))  # the check exists, caches are warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("proofing_story", args=[small.pk])).status_code == 200
    # hundreds of findings cost no more queries than two
    with django_assert_max_num_queries(len(queries) + 2):
        response = client.get(reverse("proofing_story", args=[article.pk]))
    assert response.status_code == 200
    assert len(queries) < 45


def test_the_editor_panel_lists_kinds_of_findings_not_every_comma(client, review, article):
    login(client, review.reporter)
    page = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).content.decode()
    panel = page[page.index('id="proofing-panel"') :]
    panel = panel[: panel.index("</ul>")]
    assert panel.count("<li ") <= 8
    assert panel.count("“,”") == 1  # the comma line once, with its count
