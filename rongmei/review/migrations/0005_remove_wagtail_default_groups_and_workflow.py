"""Remove what a new Wagtail site starts with and this newsroom does not use.

Wagtail's migrations create the groups "Editors" and "Moderators" and, from the Moderators' publish
permission, the workflow "Moderators approval" (one group-approval task of the same name) assigned to
the root page. In the admin they sat next to the newsroom's own roles (记者, 初审编辑, 复审主任, …) and
its 三审 workflow as if they were part of them.

Each is deleted only while it is Wagtail's untouched default, so nothing someone set up is lost:

* the workflow: named "Moderators approval", its only task the group-approval task of that name,
  never run on any object (no workflow state), assigned to nothing but the root page and no snippet
  model;
* the task: named "Moderators approval", a plain group-approval task, in no other workflow, never
  run (no task state);
* a group: named "Editors" or "Moderators", with no members and no review level or approval task
  still using it.

A site where any of these was put to use keeps it. Reversing does not recreate them.
"""

from django.db import migrations

DEFAULT_WORKFLOW = "Moderators approval"
DEFAULT_GROUPS = ("Editors", "Moderators")


def remove_wagtail_defaults(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowContentType = apps.get_model("wagtailcore", "WorkflowContentType")
    WorkflowState = apps.get_model("wagtailcore", "WorkflowState")
    TaskState = apps.get_model("wagtailcore", "TaskState")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ReviewLevelTask = apps.get_model("review", "ReviewLevelTask")

    for workflow in Workflow.objects.filter(name=DEFAULT_WORKFLOW):
        task_ids = set(WorkflowTask.objects.filter(workflow=workflow).values_list("task_id", flat=True))
        tasks = list(GroupApprovalTask.objects.filter(pk__in=task_ids, name=DEFAULT_WORKFLOW))
        untouched = (
            len(task_ids) == 1
            and len(tasks) == 1
            and not WorkflowState.objects.filter(workflow=workflow).exists()
            and not WorkflowPage.objects.filter(workflow=workflow).exclude(page__depth=1).exists()
            and not WorkflowContentType.objects.filter(workflow=workflow).exists()
        )
        if not untouched:
            continue
        task = tasks[0]
        task_in_use = (
            WorkflowTask.objects.filter(task_id=task.pk).exclude(workflow=workflow).exists()
            or TaskState.objects.filter(task_id=task.pk).exists()
        )
        WorkflowPage.objects.filter(workflow=workflow).delete()
        WorkflowTask.objects.filter(workflow=workflow).delete()
        workflow.delete()
        if not task_in_use:
            task.delete()

    for group in Group.objects.filter(name__in=DEFAULT_GROUPS):
        if group.user_set.exists():
            continue
        if GroupApprovalTask.objects.filter(groups=group).exists():
            continue
        if ReviewLevelTask.objects.filter(groups=group).exists():
            continue
        # Its page, collection and admin permissions go with it.
        group.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0004_unpublish_decision"),
        ("wagtailcore", "0097_baselogentry_uuid_action_timestamp_indexes"),
        # The migrations that give these groups permissions must have run first.
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtaildocs", "0002_initial_data"),
        ("wagtailimages", "0001_squashed_0021"),
    ]

    operations = [migrations.RunPython(remove_wagtail_defaults, migrations.RunPython.noop)]
