"""Reply notifications: "Email me when someone replies" on the comment form.

- follow(): a commenter ticked the box (unticked by default). Their address is
  confirmed first by the same double opt-in as a subscription, at most one
  confirmation mail an hour per address; an address confirmed once (for a
  subscription or a reply) is confirmed for both. A suppressed address is
  never mailed.
- replies_approved(): called by comments.moderation, the only writer of
  comment state, when comments become approved (and by comments.posting for
  one approved as it is posted). Held, spam and removed comments never mail
  anyone: nothing runs until a reply is approved.
- notify(): the task. Followers of the comments the reply answers (its
  parent, and theirs), confirmed, never the reply's own author, each once
  (ReplyNotice is unique per follower and reply), with a one-click
  unsubscribe for that thread (List-Unsubscribe) and a link for all threads.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from background import mail as outgoing
from background.tasks import deliver_mail, enqueue
from branding.site import current

from .addresses import address_hash, normalize
from .mails import absolute
from .models import ReplyFollow, ReplyNotice, Subscriber

logger = logging.getLogger(__name__)

CONFIRM_SALT = "subscriptions.replies.confirm"
STOP_SALT = "subscriptions.replies.stop"
STOP_ALL_SALT = "subscriptions.replies.stop-all"


# -- tokens ------------------------------------------------------------------------------


def _value(follow):
    return f"{follow.pk}.{address_hash(follow.email)[:16]}"


def _follow_for(value):
    pk, _sep, check = value.partition(".")
    if not pk.isdigit():
        return None
    follow = ReplyFollow.objects.filter(pk=int(pk)).first()
    if follow is None or address_hash(follow.email)[:16] != check:
        return None
    return follow


def token(follow, salt):
    signer = signing.TimestampSigner if salt == CONFIRM_SALT else signing.Signer
    return signer(salt=salt).sign(_value(follow))


def follow_for(token_, salt):
    try:
        if salt == CONFIRM_SALT:
            value = signing.TimestampSigner(salt=salt).unsign(
                token_, max_age=settings.SUBSCRIPTIONS_CONFIRM_DAYS * 24 * 3600
            )
        else:
            value = signing.Signer(salt=salt).unsign(token_)
    except signing.BadSignature:
        return None
    return _follow_for(value)


def url(follow, salt):
    name = {
        CONFIRM_SALT: "subscriptions:replies-confirm",
        STOP_SALT: "subscriptions:replies-stop",
        STOP_ALL_SALT: "subscriptions:replies-stop-all",
    }[salt]
    return absolute(reverse(name, args=[token(follow, salt)]))


# -- following ---------------------------------------------------------------------------


def address_confirmed(email):
    return (
        Subscriber.objects.filter(email=email, confirmed_at__isnull=False).exists()
        or ReplyFollow.objects.filter(email=email, confirmed_at__isnull=False).exists()
    )


def follow(comment):
    """The commenter of `comment` asked to be mailed its replies. The ReplyFollow, or None."""
    email = normalize(comment.email)
    if (
        not email
        or Subscriber.objects.filter(email=email, state=Subscriber.State.SUPPRESSED).exists()
    ):
        return None
    now = timezone.now()
    with transaction.atomic():
        follow, _created = ReplyFollow.objects.get_or_create(comment=comment, email=email)
        if address_confirmed(email):
            follow.state, follow.confirmed_at = ReplyFollow.State.CONFIRMED, now
            follow.save(update_fields=["state", "confirmed_at"])
            return follow
        last = max(
            (
                t
                for t in (
                    ReplyFollow.objects.filter(email=email).aggregate(
                        last=Max("last_confirmation_sent_at")
                    )["last"],
                    Subscriber.objects.filter(email=email)
                    .values_list("last_confirmation_sent_at", flat=True)
                    .first(),
                )
                if t
            ),
            default=None,
        )
        interval = timedelta(minutes=settings.SUBSCRIPTIONS_CONFIRM_INTERVAL_MINUTES)
        if last is not None and now - last < interval:
            return follow
        follow.last_confirmation_sent_at = now
        follow.save(update_fields=["last_confirmation_sent_at"])
        context = {
            "site_name": current().name,
            "site_url": settings.SITE_URL,
            "confirm_url": url(follow, CONFIRM_SALT),
            "statement_title": comment.statement.title,
            "days": settings.SUBSCRIPTIONS_CONFIRM_DAYS,
        }
        queued = outgoing.queue(
            f"replies:confirm:{follow.pk}:{now.timestamp():.6f}",
            subject=gettext("Confirm: email me replies to my comment"),
            body=render_to_string("subscriptions/mail/replies_confirm.txt", context),
            recipients=[email],
            about={"reply_follow": follow.pk},
        )
        enqueue(deliver_mail, queued.pk)
    return follow


def confirm(follow):
    """The confirmation button: every pending follow of this address is confirmed."""
    now = timezone.now()
    ReplyFollow.objects.filter(email=follow.email, state=ReplyFollow.State.PENDING).update(
        state=ReplyFollow.State.CONFIRMED, confirmed_at=now
    )
    follow.refresh_from_db()
    return follow.state == ReplyFollow.State.CONFIRMED


def stop_address(email):
    """No more reply mail to this address, for any comment (suppressed, bounced, complained)."""
    ReplyFollow.objects.filter(email=normalize(email)).exclude(
        state=ReplyFollow.State.UNSUBSCRIBED
    ).update(state=ReplyFollow.State.UNSUBSCRIBED, unsubscribed_at=timezone.now())


def stop(follow, *, every_thread=False):
    followed = ReplyFollow.objects.filter(pk=follow.pk)
    if every_thread:
        followed = ReplyFollow.objects.filter(email=follow.email)
    followed.exclude(state=ReplyFollow.State.UNSUBSCRIBED).update(
        state=ReplyFollow.State.UNSUBSCRIBED, unsubscribed_at=timezone.now()
    )


# -- notifying ---------------------------------------------------------------------------


def replies_approved(comment_ids):
    """Comments just became approved: queue a notification task for each that is a reply."""
    from background.tasks import notify_reply_followers

    for pk in comment_ids:
        enqueue(notify_reply_followers, pk)


def _ancestors(comment):
    from comments.models import Comment

    ids, current = [], comment
    while current.parent_id and len(ids) < 20:
        ids.append(current.parent_id)
        current = Comment.objects.only("parent_id").get(pk=current.parent_id)
    return ids


def notify(reply_id):
    """Mail the followers of the comments `reply_id` answers, once each; how many were sent."""
    from comments.models import Comment

    reply = Comment.objects.select_related("statement").filter(pk=reply_id).first()
    if reply is None or reply.status != Comment.Status.APPROVED or not reply.parent_id:
        return 0
    ancestors = _ancestors(reply)
    follows = {}
    for follow in ReplyFollow.objects.filter(
        comment_id__in=ancestors, state=ReplyFollow.State.CONFIRMED
    ).exclude(email=normalize(reply.email)):
        # One mail per address: for the nearest comment of theirs the reply answers.
        nearest = follows.get(follow.email)
        if nearest is None or ancestors.index(follow.comment_id) < ancestors.index(
            nearest.comment_id
        ):
            follows[follow.email] = follow
    for follow in follows.values():
        ReplyNotice.objects.get_or_create(follow=follow, reply=reply)
    sent = 0
    stale = timezone.now() - timedelta(seconds=settings.TASK_TIMEOUT_SECONDS)
    for notice in ReplyNotice.objects.filter(reply=reply, sent_at=None).select_related("follow"):
        claimed = (
            ReplyNotice.objects.filter(pk=notice.pk, sent_at=None)
            .filter(Q(claimed_at=None) | Q(claimed_at__lt=stale))
            .update(claimed_at=timezone.now())
        )
        if not claimed or notice.follow.state != ReplyFollow.State.CONFIRMED:
            continue
        try:
            _message(notice.follow, reply).send()
        except Exception:
            ReplyNotice.objects.filter(pk=notice.pk).update(claimed_at=None)
            raise
        ReplyNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
        sent += 1
    return sent


def _message(follow, reply):
    from .sending import list_headers

    stop_url = url(follow, STOP_SALT)
    context = {
        "site_name": current().name,
        "site_url": settings.SITE_URL,
        "name": reply.name,
        "body": reply.body,
        "statement_title": reply.statement.title,
        "reply_url": absolute(reply.get_absolute_url()),
        "stop_url": stop_url,
        "stop_all_url": url(follow, STOP_ALL_SALT),
    }
    return EmailMessage(
        subject=gettext("%(name)s replied to your comment on “%(title)s”")
        % {"name": reply.name, "title": reply.statement.title},
        body=render_to_string("subscriptions/mail/reply.txt", context),
        from_email=settings.SUBSCRIPTIONS_FROM_EMAIL,
        to=[follow.email],
        headers=list_headers(stop_url, f"replies.{follow.pk}.{reply.pk}"),
    )
