"""What each export holds: the subscribers' CSV and everything stored about an address.

The admin's exports (exports.runs) and `manage.py export_commenter` both call
here, so a file and the command's output never disagree.
"""

import csv

from comments.models import Comment
from subscriptions import privacy
from subscriptions.models import CONSENT_FIELDS, Subscriber

SUBSCRIBER_COLUMNS = ["email", "state", "scope", "topics", "organizations", "frequency"]


def write_subscribers_csv(pks, stream):
    """Write the subscribers `pks` as CSV to the text `stream`, by address; the row count."""
    writer = csv.writer(stream)
    writer.writerow([*SUBSCRIBER_COLUMNS, *CONSENT_FIELDS])
    rows = 0
    subscribers = (
        Subscriber.objects.filter(pk__in=pks)
        .prefetch_related("topics", "organizations")
        .order_by("email")
    )
    # A few thousand at a time, each chunk with its topics: memory stays flat for 100,000.
    for s in subscribers.iterator(chunk_size=2000):
        writer.writerow(
            [
                safe_cell(s.email),
                s.state,
                s.scope,
                ";".join(t.slug for t in s.topics.all()),
                ";".join(o.slug for o in s.organizations.all()),
                s.frequency,
                *(safe_cell(getattr(s, name)) for name in CONSENT_FIELDS),
            ]
        )
        rows += 1
    return rows


def safe_cell(value):
    """A spreadsheet must not run what a visitor typed (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def personal_data(email):
    """Everything stored about `email`: its comments, subscription and reply requests."""
    comments = Comment.objects.by_email(email).select_related("statement").order_by("pk")
    return {
        "email": email.strip(),
        "comments": [
            {
                "statement": c.statement.title,
                "statement_url": c.statement.get_absolute_url(),
                "name": c.name,
                "email": c.email,
                "website": c.website,
                "comment": c.body,
                "status": c.status,
                "created_at": c.created_at.isoformat(),
                "ip_address": c.ip_address,
                "in_reply_to": c.parent_id,
                "id": c.pk,
            }
            for c in comments
        ],
        "subscription": privacy.export(email),
        "reply_notifications": privacy.export_reply_follows(email),
    }
