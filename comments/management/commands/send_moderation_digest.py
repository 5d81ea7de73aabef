from django.core.management.base import BaseCommand

from comments.notifications import send_digest


class Command(BaseCommand):
    help = (
        "Mail moderators the comments that wait and were not yet announced "
        "(run every few minutes from cron to catch comments posted between mails)."
    )

    def handle(self, *args, **options):
        sent = send_digest()
        self.stdout.write(f"Announced {sent} waiting comment(s) to the moderators.")
