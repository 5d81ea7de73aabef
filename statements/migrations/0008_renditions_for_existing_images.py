"""Make the smaller copies for images uploaded before renditions existed."""

from django.core.files.base import ContentFile
from django.db import migrations


def make_missing_renditions(apps, schema_editor):
    from statements.images import make_renditions

    Image = apps.get_model("statements", "Image")
    for image in Image.objects.filter(renditions=[]).iterator():
        storage = image.file.storage
        if not image.file or not storage.exists(image.file.name):
            continue
        with storage.open(image.file.name, "rb") as original:
            content = ContentFile(original.read())
        base, suffix = image.file.name.rsplit(".", 1)
        fmt = {"jpg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}.get(suffix, "")
        renditions = []
        for width, height, out_format, data in make_renditions(content, fmt):
            out_suffix = "webp" if out_format == "WEBP" else suffix
            name = storage.save(f"{base}-{width}.{out_suffix}", ContentFile(data))
            renditions.append(
                {"width": width, "height": height, "format": out_format.lower(), "name": name}
            )
        image.renditions = renditions
        image.save(update_fields=["renditions"])


class Migration(migrations.Migration):
    dependencies = [("statements", "0007_image_renditions")]

    operations = [migrations.RunPython(make_missing_renditions, migrations.RunPython.noop)]
