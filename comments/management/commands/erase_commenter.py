from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from comments.models import Comment
from comments.moderation import refresh_comment_counts


class Command(BaseCommand):
    help = (
        "Delete every comment made with this email address, and with them the name, "
        "website and IP stored. Replies by other people stay, as top-level comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--yes", action="store_true", help="Erase without asking for confirmation."
        )

    def handle(self, *args, email, yes, **options):
        comments = Comment.objects.by_email(email)
        count = comments.count()
        if not count:
            self.stdout.write(f"Nothing is stored about {email}.")
            return
        if not yes:
            try:
                answer = input(f"Erase {count} comment(s) by {email}? Type 'yes' to confirm: ")
            except EOFError:
                raise CommandError("No answer; add --yes to erase without asking.") from None
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        with transaction.atomic():
            statement_ids = set(comments.values_list("statement_id", flat=True))
            # The admin log keeps who moderated what and when, but not the words
            # (its object_repr is "name: start of the comment").
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Comment),
                object_id__in=[str(pk) for pk in comments.values_list("pk", flat=True)],
            ).update(object_repr="(erased comment)")
            deleted, _ = comments.delete()
            refresh_comment_counts(statement_ids)
        self.stdout.write(f"Erased {deleted} comment(s) by {email}.")
