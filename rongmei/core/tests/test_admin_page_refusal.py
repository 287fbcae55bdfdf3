"""A screen built on core's AdminPage refuses in its own words: the person lands on the dashboard
told why (Wagtail's handler would say only "no permission"); a screen without its own words keeps
Wagtail's, and a script's request still gets a bare 403."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from rongmei.organisation import roles
from rongmei.testing import login, make_user

pytestmark = pytest.mark.django_db


def test_a_refused_screen_says_why_on_the_dashboard(newsroom, client):
    analyst = make_user("analyst-refused", roles.ANALYST)
    login(client, analyst, language="en")

    response = client.get(reverse("wire_items"))

    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said == ["You may not see the incoming wire."]


def test_a_scripts_request_gets_a_bare_403(newsroom, client):
    login(client, make_user("analyst-script", roles.ANALYST), language="en")

    response = client.get(reverse("wire_items"), headers={"x-requested-with": "XMLHttpRequest"})

    assert response.status_code == 403
