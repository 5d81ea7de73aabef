from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from comments.models import Comment


class Command(BaseCommand):
    help = "Clear the IP address of comments older than COMMENTS_IP_RETENTION_DAYS (run daily)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.COMMENTS_IP_RETENTION_DAYS,
            help="Keep addresses this many days (default: %(default)s).",
        )

    def handle(self, *args, days, **options):
        cutoff = timezone.now() - timedelta(days=days)
        cleared = Comment.objects.filter(created_at__lt=cutoff, ip_address__isnull=False).update(
            ip_address=None
        )
        self.stdout.write(
            f"Cleared the IP address of {cleared} comment(s) older than {days} days."
        )
