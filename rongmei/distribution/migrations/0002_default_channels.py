"""A fresh install has the website and RSS channels (as ``services.ensure_channels()``)."""

from django.db import migrations

DEFAULTS = (
    {"code": "website", "name": "网站", "kind": "website", "sort_order": 10},
    {"code": "rss", "name": "RSS", "kind": "rss", "sort_order": 20},
)


def add_channels(apps, schema_editor):
    Channel = apps.get_model("distribution", "Channel")
    for spec in DEFAULTS:
        Channel.objects.get_or_create(code=spec["code"], defaults=spec)


class Migration(migrations.Migration):
    dependencies = [("distribution", "0001_initial")]

    operations = [migrations.RunPython(add_channels, migrations.RunPython.noop)]
