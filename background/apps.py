from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BackgroundConfig(AppConfig):
    name = "background"
    verbose_name = _("Background tasks")
    default_auto_field = "django.db.models.BigAutoField"
