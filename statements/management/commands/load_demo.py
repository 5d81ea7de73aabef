from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from statements import demo
from statements.models import Statement


def _count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}" if number else ""


class Command(BaseCommand):
    help = (
        "Load invented demo organizations, topics, statements and staff accounts. "
        "Runs once: a site that already has statements is left alone, unless --restore "
        "is given, which adds back whatever demo item is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restore",
            action="store_true",
            help="Add back demo items that are missing, even if the site has statements.",
        )

    def handle(self, *args, restore=False, **options):
        # `make run` calls this on every start; it must never refill a site whose
        # staff deleted demo statements, nor seed a real site's database.
        if not restore and Statement.objects.exists():
            self.stdout.write("Demo content already loaded (or the site has its own statements).")
            self.explain_existing_accounts(demo.existing_demo_accounts())
            return
        try:
            result = demo.load()
        except Group.DoesNotExist as exc:
            raise CommandError(
                "The Editors and Moderators groups are missing; run `manage.py migrate` first."
            ) from exc

        if result.loaded_content:
            parts = [
                _count(result.statements, "statement"),
                _count(result.organizations, "organization"),
                _count(result.topics, "topic"),
                _count(result.images, "image"),
            ]
            loaded = ", ".join(part for part in parts if part)
            self.stdout.write(self.style.SUCCESS(f"Loaded demo content: {loaded}."))
        else:
            self.stdout.write("Demo content already loaded.")

        if result.new_passwords:
            # Only a hash is stored, so this is the one chance to see the passwords.
            self.stdout.write(
                self.style.WARNING("Demo staff accounts (passwords are shown only this once):")
            )
            for username, password in result.new_passwords.items():
                self.stdout.write(f"  {username:<10} password: {password}")
            self.stdout.write(f"Log in at {demo.admin_url()}")
        self.explain_existing_accounts(result.existing_accounts)

    def explain_existing_accounts(self, usernames):
        if usernames:
            names = ", ".join(usernames)
            self.stdout.write(
                f"Staff accounts already exist ({names}); their passwords are unchanged. "
                f"To set a new one: DEBUG=1 .venv/bin/python manage.py changepassword "
                f"{usernames[0]}; then log in at {demo.admin_url()}"
            )
