"""The moderation mail's Approve and Spam links: signed, for one moderator, single use, expiring.

A link names the comment, the moderator the mail went to, the action and the
state the comment was in when the mail was written (pending). Following it
only shows a page with a button: mail scanners and link previews follow every
link in a mail, so nothing changes before that page's POST. The POST acts
through comments.moderation.act — logged in the admin log with that moderator
as the user, as an admin action is — only if, at that moment, the moderator
may still moderate, the link is unexpired (COMMENTS_MODERATION_LINK_HOURS) and
unused, and the comment is still in the state the link was made for. Anything
else is a LinkRefused with the page's words and a 4xx status, never a 500.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import moderation
from .models import Comment, ModerationLinkUse

SALT = "comments.mail-links"
# The actions a mail offers, by comments.moderation's names.
MAIL_ACTIONS = ("approve", "mark_spam")
VIA = "from the moderation mail"

INVALID = _(
    "This link is not complete or not valid. Copy the whole link from the mail, or moderate "
    "the comment in the admin."
)
EXPIRED = _(
    "This link has expired: the links of a moderation mail work for a limited time. "
    "Moderate the comment in the admin."
)
USED = _("This link was already used. Each link of a moderation mail works once.")
CHANGED = _("This comment was moderated after the mail was sent: it is now “%(status)s”.")
GONE = _("This comment no longer exists.")
FORBIDDEN = _("The account this mail was sent to may not moderate comments.")


class LinkRefused(Exception):
    """A link that cannot act: `message` for the page, `status` for the response."""

    def __init__(self, message, status, comment=None):
        super().__init__(str(message))
        self.message = message
        self.status = status
        self.comment = comment


@dataclass(frozen=True)
class Link:
    token: str
    comment: Comment
    user: object
    action: str


def _signer():
    return signing.TimestampSigner(salt=SALT)


def lifetime():
    return timedelta(hours=settings.COMMENTS_MODERATION_LINK_HOURS)


def make(comment, user, action):
    """A link's token: `user` may do `action` to `comment` (in its present state), once."""
    if action not in MAIL_ACTIONS:
        raise ValueError(action)
    return _signer().sign_object(
        {"c": comment.pk, "u": user.pk, "a": action, "s": comment.status}, compress=True
    )


def url(token):
    return settings.SITE_URL + reverse("comments:moderate", args=[token])


def may_moderate(user):
    """Whether `user` may moderate comments now (checked when a mail is written and when used)."""
    return (
        user is not None
        and user.is_active
        and user.is_staff
        and user.has_perm("comments.change_comment")
    )


def _digest(token):
    return hashlib.sha256(f"{SALT}\n{token}".encode()).hexdigest()


def read(token, *, for_update=False):
    """The Link `token` stands for, if it may act now; otherwise raise LinkRefused."""
    try:
        data = _signer().unsign_object(token, max_age=lifetime())
    except signing.SignatureExpired:
        raise LinkRefused(EXPIRED, 410) from None
    except (signing.BadSignature, ValueError, TypeError):
        raise LinkRefused(INVALID, 400) from None
    if not isinstance(data, dict) or data.get("a") not in MAIL_ACTIONS:
        raise LinkRefused(INVALID, 400)
    comments = Comment.objects.select_related("statement")
    if for_update:
        # Serializes the Approve and Spam links of one comment, and two clicks of one link.
        comments = comments.select_for_update(of=("self",))
    comment = comments.filter(pk=data.get("c")).first()
    if comment is None:
        raise LinkRefused(GONE, 404)
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    if not may_moderate(user):
        raise LinkRefused(FORBIDDEN, 403)  # the comment is not theirs to read any more
    if ModerationLinkUse.objects.filter(token_digest=_digest(token)).exists():
        raise LinkRefused(USED, 410, comment)
    if comment.status != data.get("s"):
        raise LinkRefused(CHANGED % {"status": comment.get_status_display()}, 409, comment)
    return Link(token=token, comment=comment, user=user, action=data["a"])


def use(token):
    """Do what the link says, once; return the Link (its comment as it is now)."""
    with transaction.atomic():
        link = read(token, for_update=True)
        try:
            with transaction.atomic():
                ModerationLinkUse.objects.create(
                    token_digest=_digest(token),
                    comment=link.comment,
                    user=link.user,
                    action=link.action,
                )
        except IntegrityError:  # the same link, used a moment ago by another request
            raise LinkRefused(USED, 410, link.comment) from None
        moderation.act(link.action, Comment.objects.filter(pk=link.comment.pk), link.user, via=VIA)
        prune()
    link.comment.refresh_from_db()
    return link


def prune():
    """Forget uses of links that have expired since: they are refused as expired anyway."""
    ModerationLinkUse.objects.filter(used_at__lt=timezone.now() - lifetime()).delete()
