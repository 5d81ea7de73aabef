"""Mail that falls due with no request and no cron: statements coming due, digests.

A scheduled statement goes live at its publish time with no save (the page
cache reads statements.schedule for that), so nothing calls sending when it
does. The task worker asks here instead: every worker's housekeeping loop
(background.worker, every few seconds, beside the reaper) calls check(),
which costs two or three indexed queries and only queues tasks when
something is due:

- statements published with a publish time after the last check and not
  after now (Clock.checked_until, one row), each started once (a Mailing is
  unique per statement, so two workers checking at once start it once);
- the daily and weekly digests whose time has come (Digest is unique per
  frequency and period, so each is queued once).

No chain of self-re-queuing tasks to break or to multiply: a worker down for
an hour mails on its return what came due meanwhile.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from statements.models import Statement

from . import sending
from .models import Clock, Subscriber


def check(now=None):
    """Start what came due; return how many statements were started."""
    now = now or timezone.now()
    started = _statements_come_due(now)
    for frequency in (Subscriber.Frequency.DAILY, Subscriber.Frequency.WEEKLY):
        end = last_period_end(frequency, now)
        if end is not None and _after_install(end):
            sending.start_digest(frequency, end)
    return started


def _clock(now):
    clock = Clock.objects.select_for_update().filter(pk=1).first()
    if clock is None:
        Clock.objects.get_or_create(pk=1, defaults={"checked_until": now, "created_at": now})
        clock = Clock.objects.select_for_update().get(pk=1)
    return clock


def _after_install(moment):
    first = Clock.objects.filter(pk=1).values_list("created_at", flat=True).first()
    return first is None or moment > first


def _statements_come_due(now):
    with transaction.atomic():
        clock = _clock(now)
        due = list(
            Statement.objects.published(now=now)
            .filter(publish_at__gt=clock.checked_until, do_not_email=False)
            .exclude(mailing__isnull=False)
            .order_by("publish_at")
        )
        for statement in due:
            sending.start_statement(statement, now)
        clock.checked_until = now
        clock.save(update_fields=["checked_until"])
    return len(due)


def last_period_end(frequency, now):
    """When the latest daily (or weekly) digest period ended, in TIME_ZONE."""
    local = timezone.localtime(now)
    boundary = timezone.make_aware(
        datetime.combine(local.date(), time(settings.SUBSCRIPTIONS_DIGEST_HOUR))
    )
    if boundary > now:
        boundary -= timedelta(days=1)
    if frequency == Subscriber.Frequency.WEEKLY:
        back = (timezone.localtime(boundary).weekday() - settings.SUBSCRIPTIONS_WEEKLY_DAY) % 7
        boundary -= timedelta(days=back)
    return boundary
