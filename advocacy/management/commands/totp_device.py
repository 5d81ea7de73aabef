from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    @property
    def help(self):
        return _(
            "Give a staff member an authenticator-app device for two-factor login "
            "(STAFF_TWO_FACTOR) and print what to enter in the app. --reset replaces it."
        )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reset", action="store_true", help=_("Replace an existing device."))

    def handle(self, *args, username, reset, **options):
        try:
            user = get_user_model().objects.get(username=username, is_staff=True)
        except get_user_model().DoesNotExist:
            raise CommandError(
                _("No staff user named “%(username)s”.") % {"username": username}
            ) from None
        devices = TOTPDevice.objects.devices_for_user(user)
        if devices.exists():
            if not reset:
                raise CommandError(
                    _("%(username)s already has a device; add --reset to replace it.")
                    % {"username": username}
                )
            devices.delete()
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        self.stdout.write(
            _("Add this to the authenticator app (scan it as a QR code, or type the secret):")
        )
        self.stdout.write(f"  {device.config_url}")
        self.stdout.write(_("Then log in with the six-digit code the app shows."))
