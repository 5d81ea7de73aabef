import json

from django.core.management.base import BaseCommand

from exports.contents import personal_data


class Command(BaseCommand):
    help = (
        "Print, as JSON, everything stored about this email address: its comments, its "
        "email subscription and its requests to be mailed replies."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(json.dumps(personal_data(email), indent=2, ensure_ascii=False))
