from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from statements import demo
from statements.models import Statement


def _counts(result):
    """ "1 statement, 2 images": what was loaded, in the interface's language."""
    n = result.statements, result.organizations, result.topics, result.images
    counted = [
        (n[0], ngettext("%(count)d statement", "%(count)d statements", n[0])),
        (n[1], ngettext("%(count)d organization", "%(count)d organizations", n[1])),
        (n[2], ngettext("%(count)d topic", "%(count)d topics", n[2])),
        (n[3], ngettext("%(count)d image", "%(count)d images", n[3])),
    ]
    return _(", ").join(text % {"count": number} for number, text in counted if number)


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Load invented demo organizations, topics, statements and staff accounts. "
            "Runs once: a site that already has statements is left alone, unless --restore "
            "is given, which adds back whatever demo item is missing."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--restore",
            action="store_true",
            help=_("Add back demo items that are missing, even if the site has statements."),
        )

    def handle(self, *args, restore=False, **options):
        # `make run` calls this on every start; it must never refill a site whose
        # staff deleted demo statements, nor seed a real site's database.
        if not restore and Statement.objects.exists():
            self.stdout.write(
                _("Demo content already loaded (or the site has its own statements).")
            )
            self.explain_existing_accounts(demo.existing_demo_accounts())
            return
        try:
            result = demo.load()
        except Group.DoesNotExist as exc:
            raise CommandError(
                _("The Editors and Moderators groups are missing; run `manage.py migrate` first.")
            ) from exc

        if result.loaded_content:
            self.stdout.write(
                self.style.SUCCESS(
                    _("Loaded demo content: %(counts)s.") % {"counts": _counts(result)}
                )
            )
        else:
            self.stdout.write(_("Demo content already loaded."))

        if result.new_passwords:
            # Only a hash is stored, so this is the one chance to see the passwords.
            self.stdout.write(
                self.style.WARNING(_("Demo staff accounts (passwords are shown only this once):"))
            )
            for username, password in result.new_passwords.items():
                self.stdout.write(
                    "  "
                    + _("%(username)s password: %(password)s")
                    % {"username": f"{username:<10}", "password": password}
                )
            self.stdout.write(_("Log in at %(url)s") % {"url": demo.admin_url()})
        self.explain_existing_accounts(result.existing_accounts)

    def explain_existing_accounts(self, usernames):
        if usernames:
            names = ", ".join(usernames)
            self.stdout.write(
                _(
                    "Staff accounts already exist (%(names)s); their passwords are unchanged. "
                    "To set a new one: DEBUG=1 .venv/bin/python manage.py changepassword "
                    "%(username)s; then log in at %(url)s"
                )
                % {"names": names, "username": usernames[0], "url": demo.admin_url()}
            )
