from datetime import timedelta

from django.conf import settings
from django.utils import timezone


def comments_open(statement):
    """Open unless closed on the statement, or older than the site's limit."""
    if not statement.comments_open:
        return False
    days = settings.COMMENTS_CLOSE_AFTER_DAYS
    return not (days and statement.publish_at < timezone.now() - timedelta(days=days))
