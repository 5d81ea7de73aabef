from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite


class StaffCodeLoginForm(OTPAdminAuthenticationForm):
    """Username, password and the code from the app, in one step.

    django-otp asks the user to pick a device first; with one authenticator
    app (what `manage.py totp_device` sets up) there is nothing to pick.
    """

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None:
            devices = list(devices_for_user(user))
            if len(devices) == 1:
                return devices[0]
        return device


def require_two_factor(site):
    """Make `site` (the admin) ask for a one-time code, and admit only verified staff.

    OTPAdminSite adds the code field to the login form and refuses users not
    verified by a device; swapping the class keeps every registered model admin.
    """
    site.__class__ = OTPAdminSite
    site.login_form = StaffCodeLoginForm
    return site
