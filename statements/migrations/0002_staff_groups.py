"""Create the Editors and Moderators groups.

Editors manage statements and everything a statement is made of, and their
own initials (StaffProfile). Moderators may
read statements (to judge a comment in context); the comments app adds their
comment permissions in its own migration.
"""

from django.db import migrations

from statements.migrations._permissions import ensure_permissions

EDITOR_MODELS = ["statement", "editornote", "image", "organization", "topic", "staffprofile"]


def create_groups(apps, schema_editor):
    ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="statements", content_type__model__in=EDITOR_MODELS
        )
    )
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        Permission.objects.get(content_type__app_label="statements", codename="view_statement")
    )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Editors", "Moderators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
