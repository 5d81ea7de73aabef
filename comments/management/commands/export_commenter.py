import json

from django.core.management.base import BaseCommand

from comments.models import Comment
from subscriptions import privacy


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything stored about this email address: its comments and its "
        "email subscription."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        comments = Comment.objects.by_email(email).select_related("statement").order_by("pk")
        data = {
            "email": email.strip(),
            "comments": [
                {
                    "statement": c.statement.title,
                    "statement_url": c.statement.get_absolute_url(),
                    "name": c.name,
                    "email": c.email,
                    "website": c.website,
                    "comment": c.body,
                    "status": c.status,
                    "created_at": c.created_at.isoformat(),
                    "ip_address": c.ip_address,
                    "in_reply_to": c.parent_id,
                    "id": c.pk,
                }
                for c in comments
            ],
            "subscription": privacy.export(email),
            "reply_notifications": privacy.export_reply_follows(email),
        }
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
