"""When statements come due: the publication schedule, as the page cache needs it.

A published statement whose publish time is still ahead is scheduled; it
appears by itself when the time comes, with no save. The page cache
(advocacy.pagecache, through settings.PAGE_CACHE_SCHEDULE) asks here when
the next one comes due and when the latest one did, so no cached page shows
the site as it was before a statement came due.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.utils import timezone

from advocacy import pagecache

from .models import Statement
from .pages import at_batch_end

# A statement saved before its publish time was scheduled; one saved after it
# came due has refreshed the pages that show it by its own save.
WAS_SCHEDULED = Q(publish_at__gt=F("updated_at"))


def page_cache_schedule():
    """(The latest scheduled publication that has come due, the next to come due).

    Each a datetime, or None. In one query that reads only the statements
    due from a cached page's lifetime ago on (the publish_at index): a
    publication older than that is older than every stored page.
    """
    now = timezone.now()
    since = now - timedelta(seconds=settings.PAGE_CACHE_SECONDS + PAGE_RENDER_MARGIN_SECONDS)
    found = Statement.objects.filter(
        status=Statement.Status.PUBLISHED, publish_at__gt=since
    ).aggregate(
        last_due=Max("publish_at", filter=Q(publish_at__lte=now) & WAS_SCHEDULED),
        next_due=Min("publish_at", filter=Q(publish_at__gt=now)),
    )
    return found["last_due"], found["next_due"]


# A page is stored when it has been rendered: allow for the time that takes.
PAGE_RENDER_MARGIN_SECONDS = 60


def statement_changed():
    """A statement was saved or deleted: its publish time may have changed.

    The page cache reads the schedule again now (as a bound that a rollback
    cannot make late) and exactly once the change is committed; inside
    pages.batched(), once when the batch ends.
    """
    if at_batch_end(statement_changed):
        return
    pagecache.schedule_changed(committed=False)
    transaction.on_commit(lambda: pagecache.schedule_changed(committed=True))
