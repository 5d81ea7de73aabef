from django.db import migrations

from comments.text import comment_text

BATCH = 2000


def render_bodies(apps, schema_editor):
    Comment = apps.get_model("comments", "Comment")
    pending = Comment.objects.filter(body_html="").only("pk", "body").order_by("pk")
    last_pk = 0
    while batch := list(pending.filter(pk__gt=last_pk)[:BATCH]):
        for comment in batch:
            comment.body_html = comment_text(comment.body)
        Comment.objects.bulk_update(batch, ["body_html"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [("comments", "0004_comment_body_html")]

    operations = [migrations.RunPython(render_bodies, migrations.RunPython.noop)]
