from django.db import migrations

from statements.labels import refresh_labels


def fill_labels(apps, schema_editor):
    Statement = apps.get_model("statements", "Statement")
    refresh_labels(Statement, Statement.objects.values_list("pk", flat=True))


class Migration(migrations.Migration):
    dependencies = [("statements", "0011_statement_labels")]

    operations = [migrations.RunPython(fill_labels, migrations.RunPython.noop)]
