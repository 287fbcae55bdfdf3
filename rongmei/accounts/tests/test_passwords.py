"""The password policy: Django's checks and the newsroom's, in Chinese, in Wagtail's forms."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from rongmei.testing import TEST_PASSWORD, login

pytestmark = pytest.mark.django_db


def refusals(password, user=None, language="zh-hans"):
    with translation.override(language):
        try:
            validate_password(password, user)
        except ValidationError as error:
            return " ".join(error.messages)
    return ""


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("3141592653", "密码只包含数字。"),
        ("password123", "这个密码太常见了。"),
    ],
)
def test_django_checks_speak_chinese(password, expected):
    assert expected in refusals(password)


def test_minimum_length_says_how_long(settings):
    # Django 5.2's own wording of this check has no Chinese translation; ours is in the catalogue.
    assert "This password is too short: it needs at least 10 characters." in refusals("short-1a", None, "en")


def test_similar_to_the_username_in_chinese(newsroom):
    assert "密码跟 用户名 太相似了。" in refusals("editor2editor", newsroom.editor2)


def test_the_newsroom_checks(newsroom):
    assert "contains your username" in refusals("night-reporter-x9", newsroom.reporter, "en")
    assert "run such as 1234567890" in refusals("qwertyuiop", None, "en")
    assert "run such as 1234567890" in refusals("zzzzzzzzzzzz", None, "en")
    assert "demo's published password" in refusals("rongmei-demo-2026", None, "en")
    assert refusals("海边-晚报-夜班-7", newsroom.reporter) == ""
    assert refusals(TEST_PASSWORD, newsroom.reporter) == ""


def test_minimum_length_comes_from_the_setting(settings):
    settings.AUTH_PASSWORD_VALIDATORS = [
        {
            "NAME": "rongmei.accounts.passwords.NewsroomMinimumLengthValidator",
            "OPTIONS": {"min_length": 14},
        }
    ]
    from django.contrib.auth import password_validation

    password_validation.get_default_password_validators.cache_clear()
    try:
        assert "14" in refusals("thirteen-char")
    finally:
        password_validation.get_default_password_validators.cache_clear()


def test_wagtails_user_form_applies_the_policy(newsroom):
    admin = login(Client(), newsroom.admin)
    response = admin.post(
        "/admin/users/new/",
        {
            "username": "newreporter",
            "email": "new@example.test",
            "first_name": "新",
            "last_name": "记者",
            "password1": "1234567890",
            "password2": "1234567890",
        },
    )
    assert response.status_code == 200
    assert "密码只包含数字。" in response.content.decode()
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="newreporter").exists()


def test_wagtails_change_password_applies_the_policy(newsroom):
    client = login(Client(), newsroom.editor)
    response = client.post(
        "/admin/account/",
        {
            "password-old_password": TEST_PASSWORD,
            "password-new_password1": "editor-12345",
            "password-new_password2": "editor-12345",
        },
    )
    assert response.status_code == 200
    newsroom.editor.refresh_from_db()
    assert newsroom.editor.check_password(TEST_PASSWORD)
