from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Site pages"

    def ready(self):
        import reversion

        from . import signals  # noqa: F401 - connects the receivers
        from .models import Page

        if not reversion.is_registered(Page):
            # What editors write; body_html and body_images are derived on save.
            reversion.register(Page, fields=["title", "slug", "parent", "body", "status"])
