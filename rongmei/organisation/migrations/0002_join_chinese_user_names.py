"""Users whose Chinese name was saved in two halves (姓 李, 名 静) get it whole (李静), so Django's
get_full_name() and every Wagtail screen read it family name first (rongmei.organisation.names)."""

from django.conf import settings
from django.db import migrations

from rongmei.organisation.names import join_name, is_east_asian


def join_names(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    for user in User.objects.exclude(last_name="").only("pk", "first_name", "last_name"):
        if is_east_asian(user.first_name) or is_east_asian(user.last_name):
            User.objects.filter(pk=user.pk).update(
                first_name=join_name(user.first_name, user.last_name)[:150], last_name=""
            )


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(join_names, migrations.RunPython.noop)]
