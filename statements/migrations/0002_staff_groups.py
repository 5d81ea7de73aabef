"""Formerly created the Editors and Moderators groups and granted their permissions.

The roles are now declared in advocacy/roles.py and applied after every
migrate, so this migration does nothing any more. It stays (with its name and
dependencies) because existing databases have it recorded as applied and later
migrations depend on it; on a fresh database the groups are created by the
post_migrate step of the same `migrate` run.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("statements", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
