"""Who receives what: the only place that decides it.

- A statement is mailed when it goes live (a save, or its scheduled time
  coming due), unless staff ticked "do not email" or its publish time was
  already older than SUBSCRIPTIONS_MAIL_MAX_AGE_HOURS (an import, a back-dated
  post). Editing it afterwards mails nothing (one Mailing per statement).
- Its recipients: confirmed subscribers who take each statement as it is
  published and either receive every statement or chose one of its topics or
  organizations.
- A digest: confirmed subscribers of that frequency, with the statements of
  their scope published since their last digest; none when there are none.
- Pending, unsubscribed and suppressed subscribers receive nothing, whatever
  was queued for them before they left (checked again at the send).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from statements.models import Statement

from .models import Subscriber


def is_mailed(statement, now=None):
    """Whether a statement that is going live now gets a mail at all."""
    now = now or timezone.now()
    if statement.do_not_email or statement.status != Statement.Status.PUBLISHED:
        return False
    if statement.publish_at > now:
        return False
    return statement.publish_at >= now - timedelta(hours=settings.SUBSCRIPTIONS_MAIL_MAX_AGE_HOURS)


def _in_scope(statements):
    """Subscribers for whom at least one of `statements` (a queryset) is in scope."""
    through_topics = Subscriber.topics.through.objects.filter(
        subscriber=OuterRef("pk"),
        topic__in=Statement.topics.through.objects.filter(statement__in=statements).values(
            "topic"
        ),
    )
    through_organizations = Subscriber.organizations.through.objects.filter(
        subscriber=OuterRef("pk"),
        organization__in=Statement.organizations.through.objects.filter(
            statement__in=statements
        ).values("organization"),
    )
    return Q(scope=Subscriber.Scope.ALL) | Exists(through_topics) | Exists(through_organizations)


def receiving():
    """Subscribers who may be mailed at all."""
    return Subscriber.objects.filter(state=Subscriber.State.CONFIRMED)


def for_statement(statement):
    """The subscribers one statement is mailed to at once (a queryset)."""
    return (
        receiving()
        .filter(frequency=Subscriber.Frequency.IMMEDIATELY)
        .filter(_in_scope(Statement.objects.filter(pk=statement.pk)))
    )


def digest_subscribers(frequency, period_end):
    return receiving().filter(frequency=frequency, confirmed_at__lte=period_end)


def digest_statements(subscriber, period_end):
    """The statements a subscriber's digest ending at `period_end` lists, oldest first."""
    since = subscriber.digest_until or subscriber.confirmed_at
    statements = Statement.objects.published(now=period_end).filter(
        publish_at__gt=since, do_not_email=False
    )
    if subscriber.scope == Subscriber.Scope.CHOSEN:
        statements = statements.filter(
            Q(topics__subscribers=subscriber) | Q(organizations__subscribers=subscriber)
        ).distinct()
    return statements.order_by("publish_at", "pk")
