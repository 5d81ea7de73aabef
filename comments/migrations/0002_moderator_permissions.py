"""Formerly gave the Moderators group its comment permissions.

The roles are now declared in advocacy/roles.py and applied after every
migrate (see statements.0002); this migration stays, doing nothing, because
databases have it recorded and comments.0003 depends on it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("comments", "0001_initial"),
        ("statements", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, migrations.RunPython.noop)]
