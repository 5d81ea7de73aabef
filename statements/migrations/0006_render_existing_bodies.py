"""Fill body_html, body_text and body_images for statements saved before they existed."""

from django.db import migrations


def render_existing(apps, schema_editor):
    from statements.rendering import body_as_text, render_body

    Statement = apps.get_model("statements", "Statement")
    Image = apps.get_model("statements", "Image")
    for statement in Statement.objects.all().iterator():
        html, images = render_body(statement.body)
        statement.body_html = html
        statement.body_text = body_as_text(statement.body)
        statement.save(update_fields=["body_html", "body_text"])
        statement.body_images.set(Image.objects.filter(pk__in=[i.pk for i in images]))


class Migration(migrations.Migration):
    dependencies = [("statements", "0005_stored_body_rendering")]

    operations = [migrations.RunPython(render_existing, migrations.RunPython.noop)]
