from django.core.management.base import BaseCommand, CommandError

from comments import moderation
from comments.models import Comment


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
        deleted = moderation.erase_commenter(email)
        self.stdout.write(f"Erased {deleted} comment(s) by {email}.")
