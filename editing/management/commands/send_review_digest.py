from django.core.management.base import BaseCommand

from editing.reviews import notify_editors


class Command(BaseCommand):
    help = "Mail the Editors about statements submitted for review since the last mail."

    def handle(self, *args, **options):
        sent = notify_editors(respect_interval=False)
        self.stdout.write(f"{sent} review(s) announced.")
