from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandingConfig(AppConfig):
    name = "branding"
    verbose_name = _("Branding")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
