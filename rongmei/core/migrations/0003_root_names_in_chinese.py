"""Wagtail's migrations create the page tree's root page and the root collection named "Root";
choosers, the page-copy screen and the usage screens show that name. Call them what a Chinese
newsroom reads (根页面 / 根目录), but only while they still carry Wagtail's English default."""

from django.db import migrations


def rename_roots(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title="Root").update(title="根页面", draft_title="根页面")
    Collection.objects.filter(depth=1, name="Root").update(name="根目录")


def restore_roots(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    Page.objects.filter(depth=1, title="根页面").update(title="Root", draft_title="Root")
    Collection.objects.filter(depth=1, name="根目录").update(name="Root")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_outbox"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
    ]

    operations = [migrations.RunPython(rename_roots, restore_roots)]
