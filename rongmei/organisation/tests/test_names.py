"""Chinese names: one 姓名 in the admin's user forms, read family name first everywhere."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.admin.utils import get_user_display_name

from rongmei.demo import loader
from rongmei.newsroom.models import StoryCredit
from rongmei.organisation import names, roles
from rongmei.organisation.models import StaffProfile
from rongmei.organisation.templatetags.organisation_tags import staff_name
from rongmei.testing import ensure_wagtail_base_rows

User = get_user_model()


def _form_data(response):
    """What a person submits when they press 保存 on the form as shown (nothing changed)."""
    form = response.context["form"]
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None or name.startswith("password"):
            continue
        if isinstance(value, (list, tuple)):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = str(value)
    return data


@pytest.fixture
def admin_client(newsroom):
    client = Client()
    client.force_login(newsroom.admin)
    return client


def test_join_name_reads_chinese_names_family_name_first():
    assert names.join_name("静", "李") == "李静"
    assert names.join_name("李静", "") == "李静"
    assert names.join_name("", "李") == "李"
    assert names.join_name("Jane", "Doe") == "Jane Doe"


def test_user_edit_form_has_one_name_field_and_saves_a_user_with_only_a_name(admin_client, newsroom):
    user = User.objects.create_user("lijing", email="lijing@example.test", password="x-Secret-123")
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert "name" in form.fields and not form.fields["name"].required
    assert "first_name" not in form.fields and "last_name" not in form.fields
    assert 'name="name"' in response.content.decode()
    assert 'name="last_name"' not in response.content.decode()

    data = _form_data(response) | {"name": "李静"}
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("李静", "")
    assert user.get_full_name() == "李静"
    assert get_user_display_name(user) == "李静"


def test_user_create_form_needs_no_name(admin_client, newsroom):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "noname",
            "email": "noname@example.test",
            "name": "",
            "password1": "a-Long-Passw0rd-9",
            "password2": "a-Long-Passw0rd-9",
            "groups": [str(newsroom.groups["reporter"].pk)],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="noname")
    assert (user.first_name, user.last_name) == ("", "")
    assert names.display_name(user) == "noname"


def test_edit_form_shows_a_split_name_whole_and_keeps_the_byline_with_it(admin_client, newsroom):
    user = User.objects.create_user("zhaolei", email="zl@example.test")
    User.objects.filter(pk=user.pk).update(first_name="磊", last_name="赵")  # as Wagtail's form split it
    StaffProfile.objects.create(user=user, display_name="赵磊")
    url = reverse("wagtailusers_users:edit", args=[user.pk])
    response = admin_client.get(url)
    assert response.context["form"]["name"].value() == "赵磊"
    response = admin_client.post(url, _form_data(response) | {"name": "赵石磊"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.get_full_name() == "赵石磊"
    assert user.staff_profile.display_name == "赵石磊"  # the byline name followed the 姓名


def test_a_split_chinese_name_reads_family_name_first_in_the_user_list_and_bylines(admin_client, newsroom):
    user = User.objects.create_user("jing", email="jing@example.test", first_name="静", last_name="李")
    user.refresh_from_db()
    assert user.get_full_name() == "李静"  # stored whole on save
    User.objects.filter(pk=user.pk).update(first_name="静", last_name="李")  # an older row
    user.refresh_from_db()
    assert names.display_name(user) == staff_name(user) == "李静"

    body = admin_client.get(reverse("wagtailusers_users:index")).content.decode()
    assert "李静" in body and "静 李" not in body

    story = newsroom.add_story(title="署名测试")
    StoryCredit.objects.create(story=story, staff=user, role="reporter")
    assert story.credit_line() == "记者 李静"


def test_demo_users_save_unchanged_through_the_admin_form(db):
    ensure_wagtail_base_rows()
    admin_client = Client()
    admin_client.force_login(User.objects.create_superuser("root", "root@example.test", "x"))
    demo = loader._Demo()
    departments = loader._ensure_organisation(demo)
    groups = roles.ensure_roles()
    loader._ensure_users(demo, departments, groups)
    for username in loader.content.STAFF:
        user = User.objects.get(username=username)
        url = reverse("wagtailusers_users:edit", args=[user.pk])
        response = admin_client.get(url)
        response = admin_client.post(url, _form_data(response))
        assert response.status_code == 302, (username, response.context["form"].errors)
    editor = User.objects.get(username="editor")
    assert editor.get_full_name() == names.display_name(editor) == "李静"


def test_the_story_credit_staff_list_names_people_not_usernames(admin_client, newsroom):
    story = newsroom.add_story(title="署名选择")
    body = admin_client.get(reverse("wagtailadmin_pages:edit", args=[story.pk])).content.decode()
    assert "李初审（editor）" in body  # the staff profile's byline name, then the username
