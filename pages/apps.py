from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
