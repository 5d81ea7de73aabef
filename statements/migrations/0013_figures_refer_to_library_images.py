from django.db import migrations

from statements.figures import add_references


def refer_to_library_images(apps, schema_editor):
    add_references(apps.get_model("statements", "Statement"), apps.get_model("statements", "Image"))


class Migration(migrations.Migration):
    dependencies = [("statements", "0012_fill_statement_labels")]

    operations = [migrations.RunPython(refer_to_library_images, migrations.RunPython.noop)]
