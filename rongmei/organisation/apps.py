from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class OrganisationConfig(AppConfig):
    name = "rongmei.organisation"
    label = "organisation"
    verbose_name = _("Organisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_migrate, pre_save

        from .roles import refresh_existing_groups

        # Settings → 用户 with one 姓名 field (Wagtail reads this when it registers its admin views).
        apps.get_app_config("wagtailusers").user_viewset = "rongmei.organisation.users.NewsroomUserViewSet"
        pre_save.connect(
            _join_chinese_name, sender=get_user_model(), dispatch_uid="organisation.join_chinese_name"
        )
        # An upgrade's new rights reach the existing role groups (roles.py is the one list).
        post_migrate.connect(refresh_existing_groups, dispatch_uid="organisation.refresh_role_groups")


def _join_chinese_name(sender, instance, update_fields=None, **kwargs):
    """A Chinese name saved in two halves is stored whole, so get_full_name() reads "李静"."""
    from . import names

    if update_fields is not None and not {"first_name", "last_name"} <= set(update_fields):
        return
    names.normalise_stored_name(instance)
