"""Wagtail's default workflow and its task are rows named in English
("Moderators approval"), which the Chinese page editor showed as
"提交给Moderators approval". Names are data, not translatable strings:
the platform's UI is Chinese first, so the rows are renamed (only if they
still carry Wagtail's default name)."""

from django.db import migrations

DEFAULT = "Moderators approval"
WORKFLOW, TASK = "发布审核", "审核员审批"


def rename(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=DEFAULT).update(
        name=WORKFLOW
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=DEFAULT).update(name=TASK)


def restore(apps, schema_editor):
    apps.get_model("wagtailcore", "Workflow").objects.filter(name=WORKFLOW).update(
        name=DEFAULT
    )
    apps.get_model("wagtailcore", "Task").objects.filter(name=TASK).update(name=DEFAULT)


class Migration(migrations.Migration):
    dependencies = [
        ("training_site", "0002_home_page"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [migrations.RunPython(rename, restore)]
