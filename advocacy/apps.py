from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = _("Site")

    def ready(self):
        from . import roles

        post_migrate.connect(roles.apply_after_migrate, dispatch_uid="advocacy.roles")
