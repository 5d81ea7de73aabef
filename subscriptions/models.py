"""Subscribers, what each was mailed, and the addresses that must never come back.

State changes are written by subscriptions.subscribing (subscribe, confirm,
change, unsubscribe, suppress) and subscriptions.privacy (erase); sending
writes Delivery rows (subscriptions.sending). Who receives a statement is
subscriptions.audience's rule.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from advocacy.db import length_limits
from statements.models import Organization, Statement, Topic

from .addresses import EMAIL_MAX_LENGTH

# What a subscriber agreed to and when: shown in the admin, included in exports.
CONSENT_FIELDS = [
    "consented_at",
    "consent_version",
    "consent_text",
    "source_url",
    "confirmed_at",
    "unsubscribed_at",
    "unsubscribe_method",
    "suppressed_reason",
    "last_confirmation_sent_at",
    "created_at",
]


class Subscriber(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")
        # A hard bounce, a complaint, or staff: never mailed again, whatever is posted.
        SUPPRESSED = "suppressed", _("Suppressed")

    class Scope(models.TextChoices):
        ALL = "all", _("Every statement")
        CHOSEN = "chosen", _("Chosen topics and organizations")

    class Frequency(models.TextChoices):
        IMMEDIATELY = "immediately", _("Each statement as it is published")
        DAILY = "daily", _("A daily digest")
        WEEKLY = "weekly", _("A weekly digest")

    class Method(models.TextChoices):
        ONE_CLICK = "one-click", _("One-click (List-Unsubscribe-Post)")
        LINK = "link", _("Unsubscribe page")
        PREFERENCES = "preferences", _("Preferences page")
        ADMIN = "admin", _("Staff")
        BOUNCE = "bounce", _("Bounce or complaint")
        PROVIDER = "provider", _("The mail provider's unsubscribe")

    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH, unique=True)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.PENDING)
    scope = models.CharField(_("receives"), max_length=6, choices=Scope, default=Scope.ALL)
    topics = models.ManyToManyField(Topic, blank=True, related_name="subscribers")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="subscribers")
    frequency = models.CharField(
        _("how often"), max_length=11, choices=Frequency, default=Frequency.IMMEDIATELY
    )
    # Consent (GDPR Art. 7(1): able to demonstrate it): when, what the form said, where.
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_text = models.TextField(_("consent text shown"), max_length=1000, blank=True)
    consent_version = models.CharField(_("consent text version"), max_length=20, blank=True)
    source_url = models.CharField(_("subscribed on page"), max_length=500, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    unsubscribe_method = models.CharField(
        _("unsubscribed by"), max_length=12, choices=Method, blank=True
    )
    suppressed_reason = models.CharField(_("suppressed because"), max_length=200, blank=True)
    # At most one confirmation (or "already subscribed") mail per address per hour.
    last_confirmation_sent_at = models.DateTimeField(
        _("last confirmation mail"), null=True, blank=True
    )
    # Digests: statements published after this were not in a digest yet.
    digest_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["-created_at"]
        permissions = [("export_subscribers", "Can export subscribers as CSV")]
        indexes = [models.Index(fields=["state", "frequency"], name="subscriber_audience_idx")]
        constraints = length_limits(
            "subscriber",
            email=EMAIL_MAX_LENGTH,
            consent_text=1000,
            consent_version=20,
            source_url=500,
            suppressed_reason=200,
        )

    def __str__(self):
        return self.email


class ErasedAddress(models.Model):
    """An address erased on request, kept only as a keyed hash (subscriptions.addresses).

    An import (import_subscribers) skips these, so a list exported from an old
    system cannot bring back someone who asked to be forgotten.
    """

    address_hash = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("erased address")
        verbose_name_plural = _("erased addresses")
        constraints = length_limits("erasedaddress", address_hash=64)

    def __str__(self):
        return self.address_hash[:12]


class Mailing(models.Model):
    """A statement's mail: rendered once, sent to the recipients snapshot in its Delivery rows."""

    statement = models.OneToOneField(Statement, on_delete=models.CASCADE, related_name="mailing")
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # The recipients are written as Delivery rows once; a re-run adds none twice.
    snapshot_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement mailing")
        verbose_name_plural = _("statement mailings")
        ordering = ["-created_at"]
        constraints = length_limits("mailing", subject=300)

    def __str__(self):
        return str(self.statement)


class Digest(models.Model):
    """One daily or weekly digest run, for the period ending at `period_end` (once each)."""

    frequency = models.CharField(max_length=11, choices=Subscriber.Frequency)
    period_end = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now)
    snapshot_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        ordering = ["-period_end"]
        constraints = [
            models.UniqueConstraint(fields=["frequency", "period_end"], name="digest_once"),
        ]

    def __str__(self):
        return f"{self.get_frequency_display()} — {self.period_end:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """One mail to one subscriber: exactly once per subscriber and statement (or digest)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # The subscriber left (or was suppressed) between the snapshot and the send.
        SKIPPED = "skipped", _("Skipped")

    # Null once the subscriber is erased: the row stays, as a count, with no address.
    subscriber = models.ForeignKey(
        Subscriber, null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    statement = models.ForeignKey(
        Statement, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    digest = models.ForeignKey(
        Digest, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    # A digest's statements, fixed at the snapshot so that a re-run sends the same mail.
    statement_ids = models.JSONField(default=list, blank=True)
    state = models.CharField(max_length=7, choices=State, default=State.QUEUED)
    # The worker sending it now (and since when); a claim older than the task
    # timeout is a dead worker's and may be taken again.
    claim = models.CharField(max_length=32, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "statement"],
                condition=Q(statement__isnull=False),
                name="delivery_once_per_statement",
            ),
            models.UniqueConstraint(
                fields=["subscriber", "digest"],
                condition=Q(digest__isnull=False),
                name="delivery_once_per_digest",
            ),
            models.CheckConstraint(
                condition=Q(statement__isnull=False, digest__isnull=True)
                | Q(statement__isnull=True, digest__isnull=False),
                name="delivery_statement_or_digest",
            ),
            *length_limits("delivery", claim=32, error=500),
        ]
        indexes = [
            models.Index(fields=["statement", "state"], name="delivery_statement_state_idx"),
            models.Index(fields=["digest", "state"], name="delivery_digest_state_idx"),
        ]

    def __str__(self):
        return f"{self.subscriber or '(erased)'} — {self.statement or self.digest}"


class Clock(models.Model):
    """One row: how far the worker's check for statements come due has looked.

    Statements whose publish time falls after `checked_until` and before now
    came due since the last check (subscriptions.clock); starting at the
    moment the app was installed, so an existing archive is never mailed.
    """

    checked_until = models.DateTimeField(default=timezone.now)
    # Digests are for periods ending after this: none for the time before the app.
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sending clock")

    def __str__(self):
        return f"checked until {self.checked_until:%Y-%m-%d %H:%M:%S}"


class ReplyFollow(models.Model):
    """ "Email me when someone replies": a commenter following the replies to their comment.

    Pending until the address is confirmed (the same double opt-in as a
    subscription: an address confirmed once, for either, is confirmed for both);
    only approved replies are mailed (subscriptions.replies).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    comment = models.ForeignKey(
        "comments.Comment", on_delete=models.CASCADE, related_name="reply_follows"
    )
    email = models.EmailField(max_length=EMAIL_MAX_LENGTH)
    state = models.CharField(max_length=12, choices=State, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    last_confirmation_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply notification")
        verbose_name_plural = _("reply notifications")
        constraints = [
            models.UniqueConstraint(fields=["comment", "email"], name="reply_follow_once"),
            *length_limits("replyfollow", email=EMAIL_MAX_LENGTH),
        ]
        indexes = [models.Index(fields=["email", "state"], name="reply_follow_email_idx")]

    def __str__(self):
        return f"{self.email} — {self.comment_id}"


class ReplyNotice(models.Model):
    """One reply mailed to one follower: at most once (unique), claimed, then marked sent."""

    follow = models.ForeignKey(ReplyFollow, on_delete=models.CASCADE, related_name="notices")
    reply = models.ForeignKey("comments.Comment", on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply notice")
        verbose_name_plural = _("reply notices")
        constraints = [
            models.UniqueConstraint(fields=["follow", "reply"], name="reply_notice_once"),
        ]

    def __str__(self):
        return f"{self.follow} ← {self.reply_id}"
