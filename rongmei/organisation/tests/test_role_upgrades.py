"""An upgrade's new rights and roles reach a newsroom that is already set up, when it runs migrate;
a fresh database gets no role groups from migrate alone."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from rongmei.organisation import roles

pytestmark = pytest.mark.django_db


def test_migrate_gives_existing_role_groups_the_rights_their_roles_list_now(newsroom):
    reporters = Group.objects.get(name=roles.REPORTER.group_name)
    propose = Permission.objects.get(content_type__app_label="planning", codename="add_topic")
    reporters.permissions.remove(propose)  # as a group made before the planning app existed
    Group.objects.filter(name=roles.TIPSDESK.group_name).delete()  # a role new in this version
    contact = Permission.objects.get(content_type__app_label="tips", codename="view_contact_tip")

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert reporters.permissions.filter(pk=propose.pk).exists()
    assert Group.objects.get(name=roles.TIPSDESK.group_name).permissions.filter(pk=contact.pk).exists()


def test_a_fresh_database_gets_no_role_groups_from_migrate(db):
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert not Group.objects.filter(name__in=[role.group_name for role in roles.ALL_ROLES]).exists()
