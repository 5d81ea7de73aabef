"""Give the Moderators group (created by statements.0002) the comment permissions."""

from django.db import migrations

MODERATOR_CODENAMES = [
    "view_comment",
    "change_comment",
    "delete_comment",
    "view_blockedterm",
    "add_blockedterm",
    "change_blockedterm",
    "delete_blockedterm",
]


def grant(apps, schema_editor):
    from statements.migrations import _permissions

    _permissions.ensure_permissions(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    moderators.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments", codename__in=MODERATOR_CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Moderators"):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="comments", codename__in=MODERATOR_CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("statements", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
