"""Bring a mailing list over from another system, never re-adding who left or was erased."""

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from subscriptions import privacy
from subscriptions.addresses import normalize
from subscriptions.models import Subscriber


class Command(BaseCommand):
    help = (
        "Import confirmed subscribers (every statement, mailed as published) from a CSV "
        "file with an 'email' column, or one address per line. Addresses already here "
        "(whatever their state), erased ones and invalid ones are skipped and counted."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--consent-text",
            required=True,
            help="What these people agreed to on the old system (kept as their consent).",
        )

    def handle(self, *args, file, consent_text, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        counts = {"imported": 0, "already here": 0, "erased": 0, "invalid": 0}
        now = timezone.now()
        with path.open(newline="", encoding="utf-8-sig") as f:
            sample = f.readline()
            f.seek(0)
            if "email" in sample.lower().split(","):
                addresses = (row.get("email", "") for row in csv.DictReader(f))
            else:
                addresses = (line.strip() for line in f)
            with transaction.atomic():
                for raw in addresses:
                    email = normalize(raw)
                    if not email:
                        continue
                    try:
                        validate_email(email)
                    except ValidationError:
                        counts["invalid"] += 1
                        continue
                    if privacy.is_erased(email):
                        counts["erased"] += 1
                        continue
                    _subscriber, created = Subscriber.objects.get_or_create(
                        email=email,
                        defaults={
                            "state": Subscriber.State.CONFIRMED,
                            "consented_at": now,
                            "confirmed_at": now,
                            "digest_until": now,
                            "consent_text": consent_text[:1000],
                            "consent_version": "import",
                            "source_url": f"import: {path.name}"[:500],
                        },
                    )
                    counts["imported" if created else "already here"] += 1
        self.stdout.write(", ".join(f"{name}: {n}" for name, n in counts.items()))
