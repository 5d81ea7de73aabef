from django.core.management.base import BaseCommand, CommandError

from comments import moderation
from comments.models import Comment
from subscriptions import privacy


class Command(BaseCommand):
    help = (
        "Delete every comment made with this email address, and with them the name, "
        "website and IP stored, and its email subscription (the address is kept only as "
        "a keyed hash, so that no import brings it back). Replies by other people stay, "
        "as top-level comments."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument(
            "--yes", action="store_true", help="Erase without asking for confirmation."
        )

    def handle(self, *args, email, yes, **options):
        comments = Comment.objects.by_email(email)
        count = comments.count()
        subscribed = privacy.find(email) is not None
        if not count and not subscribed:
            privacy.erase(email)  # kept as a hash all the same: asked to be forgotten
            self.stdout.write(f"Nothing is stored about {email}.")
            return
        what = f"{count} comment(s)" + (" and the email subscription" if subscribed else "")
        if not yes:
            try:
                answer = input(f"Erase {what} of {email}? Type 'yes' to confirm: ")
            except EOFError:
                raise CommandError("No answer; add --yes to erase without asking.") from None
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was erased.")
        deleted = moderation.erase_commenter(email)
        privacy.erase(email)
        subscription = " and the email subscription" if subscribed else ""
        self.stdout.write(f"Erased {deleted} comment(s){subscription} of {email}.")
