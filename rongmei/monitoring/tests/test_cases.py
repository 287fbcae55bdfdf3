"""Cases: the lifecycle and its timeline, refused moves; the admin's alerts list, case board, case page
and dashboard panel."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from rongmei.core import outbox
from rongmei.monitoring.alerts import services as alerts
from rongmei.monitoring.cases import services as cases
from rongmei.monitoring.cases.services import CaseError
from rongmei.monitoring.cases.views import OwnerForm
from rongmei.monitoring.models import Alert, AlertRule, Case, Notification
from rongmei.monitoring.permissions import can_work_cases
from rongmei.organisation import roles
from rongmei.testing import login, make_user

from .factories import (
    make_alert_rule,
    make_client,
    make_delivery,
    make_event,
    make_item,
    negative_items,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    # The refusals are matched by their English msgids, whatever language an earlier test left on.
    with translation.override("en"):
        yield


@pytest.fixture
def alert(newsroom):
    client, watch = make_client()
    rule = make_alert_rule(client)
    rule.notify_users.set([newsroom.admin])
    negative_items(3, event=make_event(), watch=watch)
    alerts.evaluate_alerts()
    return Alert.objects.get()


@pytest.fixture
def analyst(newsroom):
    return make_user("analyst", roles.ANALYST, display_name="钱分析")


def kinds(case):
    return list(case.entries.values_list("kind", flat=True))


def test_case_lifecycle_writes_the_timeline(alert, analyst, newsroom):
    case = cases.open_case_from_alert(alert, owner=analyst, acting_user=analyst)
    assert (case.client, case.title, case.event, case.state) == (
        alert.client,
        alert.title,
        alert.event,
        "new",
    )
    assert list(case.items.all()) == [alert.item]

    cases.move_case(case, "verifying", acting_user=analyst)
    cases.add_note(case, "已联系区应急局核实", acting_user=analyst)
    extra = make_item(title="跟进报道")
    cases.link_item(case, extra, acting_user=analyst)
    cases.change_owner(case, newsroom.admin, acting_user=analyst)
    cases.move_case(case, "responding", acting_user=newsroom.admin)
    cases.record_response(
        case, url="https://www.zhangdian.gov.cn/notice/1.html", text="情况通报", acting_user=newsroom.admin
    )
    cases.move_case(case, "resolved", acting_user=newsroom.admin)

    case.refresh_from_db()
    assert case.state == "resolved" and case.resolved_at is not None
    assert case.owner == newsroom.admin
    assert set(case.items.all()) == {alert.item, extra}
    assert kinds(case) == ["opened", "state", "note", "link", "owner", "state", "response", "state"]
    entries = list(case.entries.all())
    assert all(entry.at is not None for entry in entries)
    assert [e.actor for e in entries][:5] == [analyst] * 5
    assert entries[4].data["after_name"] == "管理员"
    assert entries[-1].data == {"before": "responding", "after": "resolved", "reopen": False}


def test_refused_moves(alert, analyst):
    case = cases.open_case_from_alert(alert, acting_user=analyst)
    with pytest.raises(CaseError, match="not a case state"):
        cases.move_case(case, "closed", acting_user=analyst)
    with pytest.raises(CaseError, match="already in this state"):
        cases.move_case(case, "new", acting_user=analyst)
    with pytest.raises(CaseError, match="response") as refused:
        cases.move_case(case, "resolved", acting_user=analyst)
    assert refused.value.field == "note"
    with pytest.raises(CaseError, match="Only a resolved case"):
        cases.move_case(case, "verifying", reopen=True, acting_user=analyst)

    cases.move_case(case, "resolved", note="经核实为不实信息，无需回应", acting_user=analyst)
    with pytest.raises(CaseError, match="reopen"):
        cases.move_case(case, "responding", acting_user=analyst)
    cases.move_case(case, "verifying", reopen=True, acting_user=analyst)
    case.refresh_from_db()
    assert case.state == "verifying" and case.resolved_at is None
    assert kinds(case) == ["opened", "state", "state"]
    assert case.entries.last().data["reopen"] is True


def test_other_refusals(alert, analyst):
    case = cases.open_case_from_alert(alert, acting_user=analyst)
    with pytest.raises(CaseError, match="already has an open case") as again:
        cases.open_case_from_alert(alert, acting_user=analyst)
    assert again.value.case == case
    with pytest.raises(CaseError, match="Write the note"):
        cases.add_note(case, "   ", acting_user=analyst)
    with pytest.raises(CaseError, match="already linked"):
        cases.link_item(case, alert.item, acting_user=analyst)
    with pytest.raises(CaseError, match="address or its text"):
        cases.record_response(case, acting_user=analyst)
    with pytest.raises(CaseError, match="https://"):
        cases.record_response(case, url="zhangdian.gov.cn/notice", acting_user=analyst)
    with pytest.raises(CaseError, match="already has this owner"):
        cases.change_owner(case, None, acting_user=analyst)
    assert kinds(case) == ["opened"]


def test_every_act_on_a_case_needs_the_right_whoever_calls(alert, analyst, newsroom):
    """The case page is not the only caller: the services refuse a person without the right."""
    reporter = newsroom.reporter  # no 舆情 rights
    with pytest.raises(PermissionDenied):
        cases.open_case_from_alert(alert, owner=reporter, acting_user=reporter)
    with pytest.raises(PermissionDenied):
        cases.open_case(client=alert.client, title="另一件事", acting_user=reporter)
    assert not Case.objects.exists()
    case = cases.open_case_from_alert(alert, acting_user=analyst)
    for act in (
        lambda: cases.change_owner(case, reporter, acting_user=reporter),
        lambda: cases.move_case(case, "verifying", acting_user=reporter),
        lambda: cases.add_note(case, "记一笔", acting_user=reporter),
        lambda: cases.link_item(case, make_item(), acting_user=reporter),
        lambda: cases.record_response(case, text="已回应", acting_user=reporter),
    ):
        with pytest.raises(PermissionDenied):
            act()
    case.refresh_from_db()
    assert (case.owner, case.state, case.response_text) == (None, "new", "")
    assert kinds(case) == ["opened"]


def test_a_case_is_owned_only_by_someone_who_may_work_it(alert, analyst, newsroom):
    case = cases.open_case_from_alert(alert, acting_user=analyst)
    with pytest.raises(CaseError, match="may not work on cases") as refused:
        cases.change_owner(case, newsroom.reporter, acting_user=analyst)
    assert refused.value.field == "owner"
    cases.change_owner(case, analyst, acting_user=analyst)
    case.refresh_from_db()
    assert case.owner == analyst


def test_the_owner_choices_the_owner_check_and_can_work_cases_agree(alert, analyst, newsroom):
    """Who may own a case is one rule: the board's and the case page's choices, the service's
    check of a new owner and the right to work cases name the same people."""
    may_work = Permission.objects.get(content_type__app_label="monitoring", codename="change_case")
    direct = make_user("direct")
    direct.user_permissions.add(may_work)
    gone = make_user("gone", roles.ANALYST)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    # The same codename on another model is not the right to work cases.
    lookalike = make_user("lookalike")
    lookalike.user_permissions.add(
        Permission.objects.create(
            codename="change_case", name="lookalike", content_type=ContentType.objects.get_for_model(Group)
        )
    )
    everyone = list(get_user_model().objects.order_by("pk"))
    allowed = {user for user in everyone if can_work_cases(user)}
    assert {analyst, direct, newsroom.admin} <= allowed and not {gone, lookalike} & allowed

    assert set(OwnerForm().fields["owner"].queryset) == allowed
    case = cases.open_case_from_alert(alert, acting_user=analyst)
    accepted = set()
    for user in everyone:
        try:
            cases.change_owner(case, user, acting_user=analyst)
        except CaseError as refusal:
            assert refusal.field == "owner"
        else:
            accepted.add(user)
    assert accepted == allowed


# --- admin ------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client(client, newsroom):
    return login(client, newsroom.admin, language="en")


def test_alerts_list_shows_alerts_and_opens_a_case(admin_client, alert):
    make_delivery(
        alert,
        "wecom",
        "https://qyapi…",
        status="failed",
        attempts=2,
        error="WeCom error 93000: invalid webhook url",
    )
    response = admin_client.get(reverse("monitoring_alerts:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert alert.title in html
    assert '<td class="suppressed">2</td>' in html
    assert "WeCom error 93000" in html
    assert "Open a case" in html

    response = admin_client.post(reverse("monitoring_cases:open_from_alert", args=[alert.pk]))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "monitoring_cases:case", args=[case.pk]
    )
    assert case.owner.username == "admin"
    # A second click goes to the open case instead of opening another.
    again = admin_client.post(reverse("monitoring_cases:open_from_alert", args=[alert.pk]))
    assert again["Location"] == reverse("monitoring_cases:case", args=[case.pk])
    assert Case.objects.count() == 1


def test_case_board_filters(admin_client, alert, analyst, newsroom):
    mine = cases.open_case_from_alert(alert, owner=newsroom.admin, acting_user=newsroom.admin)
    theirs = cases.open_case(client=alert.client, title="另一件事", owner=analyst, acting_user=analyst)
    cases.move_case(theirs, "verifying", acting_user=analyst)

    html = admin_client.get(reverse("monitoring_cases:index")).content.decode()
    assert f'data-case="{mine.pk}"' in html and f'data-case="{theirs.pk}"' in html
    html = admin_client.get(reverse("monitoring_cases:index"), {"owner": "me"}).content.decode()
    assert f'data-case="{mine.pk}"' in html and f'data-case="{theirs.pk}"' not in html
    html = admin_client.get(
        reverse("monitoring_cases:index"), {"owner": analyst.pk, "client": alert.client_id}
    ).content.decode()
    assert f'data-case="{theirs.pk}"' in html and f'data-case="{mine.pk}"' not in html


def _selected(html, name):
    """The options marked selected in the list filter ``name``."""
    select = re.search(rf'<select id="id_filter_{name}" name="{name}">(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)" selected>([^<]*)<', select)


def test_the_case_board_shows_the_filters_in_force(admin_client, alert, analyst):
    url = reverse("monitoring_cases:index")
    html = admin_client.get(url, {"owner": analyst.pk, "client": alert.client_id}).content.decode()
    assert _selected(html, "owner") == [(str(analyst.pk), "钱分析")]
    assert _selected(html, "client") == [(str(alert.client_id), alert.client.name)]
    html = admin_client.get(url, {"owner": "me"}).content.decode()
    assert _selected(html, "owner") == [("me", "Me")] and _selected(html, "client") == []


def test_case_page_forms(admin_client, alert, newsroom):
    case = cases.open_case_from_alert(alert, owner=newsroom.admin, acting_user=newsroom.admin)
    url = reverse("monitoring_cases:case", args=[case.pk])
    assert admin_client.get(url).status_code == 200

    def done(data):  # a form that went through: back to the case page
        response = admin_client.post(url, data)
        return (response.status_code, response.url) == (302, url)

    assert done({"action": "note", "note-text": "记者已到现场"})
    assert done({"action": "state", "state-state": "verifying", "state-note": ""})

    # Resolving without a response: refused on the state form, the typed text kept.
    response = admin_client.post(url, {"action": "state", "state-state": "resolved", "state-note": ""})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Record the published response first" in html
    # An unknown state is refused with a message, not a crash.
    response = admin_client.post(url, {"action": "state", "state-state": "archived"})
    assert response.status_code == 400 and "is not a case state" in response.content.decode()

    # A bad response address: the error and both typed fields come back.
    response = admin_client.post(
        url,
        {
            "action": "response",
            "response-response_url": "gov.cn/通报",
            "response-response_text": "区政府情况通报全文",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "starting with https://" in html
    assert 'value="gov.cn/通报"' in html and "区政府情况通报全文" in html

    # Linking an unknown item: the typed address stays in the field.
    response = admin_client.post(url, {"action": "link", "link-item": "https://nowhere.example/x"})
    assert response.status_code == 400
    assert 'value="https://nowhere.example/x"' in response.content.decode()
    extra = make_item(title="后续报道")
    assert done({"action": "link", "link-item": extra.url})
    assert done({"action": "owner", "owner-owner": ""})
    assert done(
        {
            "action": "response",
            "response-response_url": "https://www.zhangdian.gov.cn/n/1.html",
            "response-response_text": "",
        }
    )
    assert done({"action": "state", "state-state": "resolved"})

    case.refresh_from_db()
    assert case.state == "resolved" and case.owner is None
    assert kinds(case) == ["opened", "note", "state", "link", "owner", "response", "state"]
    html = admin_client.get(url).content.decode()
    assert "记者已到现场" in html and "后续报道" in html and "Reopen the resolved case" in html


def test_people_without_case_rights_cannot_change_cases(client, alert, newsroom):
    case = cases.open_case_from_alert(alert, acting_user=newsroom.admin)
    login(client, newsroom.reporter)
    url = reverse("monitoring_cases:case", args=[case.pk])
    # Wagtail sends them to the dashboard.
    for refused in (client.post(url, {"action": "note", "note-text": "x"}), client.get(url)):
        assert (refused.status_code, refused.url) == (302, reverse("wagtailadmin_home"))
    assert kinds(case) == ["opened"]


def test_dashboard_panel_lists_unread_notifications_and_marks_them_read(admin_client, alert, newsroom):
    home = admin_client.get(reverse("wagtailadmin_home"))
    html = home.content.decode()
    assert "monitoring-notifications" in html and alert.title in html
    notification = Notification.objects.get(user=newsroom.admin)

    response = admin_client.post(
        reverse("monitoring_alerts:notifications_read"),
        {"notification": notification.pk, "next": reverse("wagtailadmin_home")},
    )
    assert (response.status_code, response.url) == (302, reverse("wagtailadmin_home"))
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "monitoring-notifications" not in admin_client.get(reverse("wagtailadmin_home")).content.decode()


def test_alert_rule_snippet_form_checks_input(admin_client, alert):
    add_url = reverse("wagtailsnippets_monitoring_alertrule:add")
    assert admin_client.get(add_url).status_code == 200
    response = admin_client.post(
        add_url,
        {
            "client": alert.client_id,
            "name": "央媒关键词",
            "kind": AlertRule.Kind.TOP_SOURCE_KEYWORD,
            "keywords": "",
            "min_negative_probability": "0.6",
            "emails": "duty@example.test\nnot an address",
            "dingtalk_secret": "SECxx",
            "cooldown_minutes": "60",
            "max_alerts_per_hour": "0",
            "enabled": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "needs keywords" in html
    assert "Not e-mail addresses: not an address." in html
    assert "give the bot&#x27;s webhook address too" in html
    assert "at least one alert per hour" in html
    assert 'value="央媒关键词"' in html
    assert AlertRule.objects.count() == 1
    assert admin_client.get(reverse("wagtailsnippets_monitoring_alertrule:list")).status_code == 200


def test_retry_button_sends_again(admin_client, alert):
    delivery = make_delivery(alert, "email", status="failed", attempts=5, error="boom")
    rule = alert.rule
    rule.emails = "duty@example.test"
    rule.save()
    response = admin_client.post(reverse("monitoring_alerts:retry", args=[delivery.pk]))
    assert (response.status_code, response.url) == (302, reverse("monitoring_alerts:index"))
    delivery.refresh_from_db()
    assert delivery.attempts == 0
    # The retry is queued on commit (the test's transaction never commits): due now, sent once.
    assert list(outbox.claimable(timezone.now()).values_list("pk", flat=True)) == [delivery.outbox_message_id]
    sent = outbox.deliver(delivery.outbox_message_id)
    assert sent.status == "sent" and sent.attempts == 1


def test_the_note_box_says_it_is_a_note_in_chinese(client, alert, newsroom):
    # "Note" alone is 提示 (a hint) in the site's catalogue; the box records what was done.
    case = cases.open_case_from_alert(alert, owner=newsroom.admin, acting_user=newsroom.admin)
    login(client, newsroom.admin, language="zh-hans")
    with translation.override("zh-hans"):
        page = client.get(reverse("monitoring_cases:case", args=[case.pk])).content.decode()
    labels = re.findall(r'<label[^>]*for="id_(?:note-text|state-note)"[^>]*>(.*?)</label>', page, re.S)
    assert len(labels) == 2 and not any("提示" in label for label in labels)
    # Needs the merged catalogue (var/po-pending/monitoring.po): msgctxt "case note" "Note" → 备注.
    assert all("备注" in label for label in labels)


def test_the_alerts_list_pages_keep_the_client_filter(admin_client, alert):
    rule = alert.rule
    Alert.objects.bulk_create(
        Alert(rule=rule, client=rule.client, dedup_key=f"k{n}", title=f"预警{n}", created_at=timezone.now())
        for n in range(60)
    )
    url = reverse("monitoring_alerts:index")
    page = admin_client.get(url, {"client": rule.client_id}).content.decode()
    assert f'href="?client={rule.client_id}&amp;p=2">Older</a>' in page
    assert ">Newer</a>" not in page
    page = admin_client.get(url, {"client": rule.client_id, "p": 2}).content.decode()
    assert f'href="?client={rule.client_id}&amp;p=1">Newer</a>' in page
