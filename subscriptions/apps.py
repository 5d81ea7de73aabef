from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "subscriptions"
    verbose_name = "Email subscriptions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import bounces, signals  # noqa: F401
