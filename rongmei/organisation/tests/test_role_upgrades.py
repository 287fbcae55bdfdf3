"""An upgrade's new rights reach the role groups a center already has, when it runs migrate."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management.sql import emit_post_migrate_signal

from rongmei.organisation import roles

pytestmark = pytest.mark.django_db


def test_migrate_gives_existing_role_groups_the_rights_their_roles_list_now(newsroom):
    reporters = Group.objects.get(name=roles.REPORTER.group_name)
    propose = Permission.objects.get(content_type__app_label="planning", codename="add_topic")
    reporters.permissions.remove(propose)  # as a group made before the planning app existed
    Group.objects.filter(name=roles.TIPSDESK.group_name).delete()  # a role the center never set up

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert reporters.permissions.filter(pk=propose.pk).exists()
    assert not Group.objects.filter(
        name=roles.TIPSDESK.group_name
    ).exists()  # not created behind anyone's back
