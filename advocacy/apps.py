from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AdvocacyConfig(AppConfig):
    name = "advocacy"
    verbose_name = "Site"

    def ready(self):
        from . import roles

        post_migrate.connect(roles.apply_after_migrate, dispatch_uid="advocacy.roles")
