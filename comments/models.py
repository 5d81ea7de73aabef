import hashlib
from types import SimpleNamespace

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from advocacy.db import length_limits
from advocacy.prepared import Param, PreparedQuery
from statements.models import Statement

from .text import comment_text
from .validators import validate_printable

NAME_MAX = 100
EMAIL_MAX = 254
WEBSITE_MAX = 200
BODY_MAX = 5000


THREAD_FIELDS = (
    "pk",
    "parent_id",
    "name",
    "website",
    "body",
    "body_html",
    "status",
    "created_at",
    "by_staff",
)


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        return self.filter(status=Comment.Status.PENDING)

    def spam(self):
        return self.filter(status=Comment.Status.SPAM)

    def removed(self):
        return self.filter(status=Comment.Status.REMOVED)

    def visible_to(self, own_ids):
        """Approved comments, plus this visitor's own that still wait."""
        own = Q(pk__in=own_ids, status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
        return self.filter(Q(status=Comment.Status.APPROVED) | own) if own_ids else self.approved()

    def thread_rows(self):
        """What a comment thread shows of each comment, oldest first, as plain rows.

        Rows rather than model instances: building 50 instances costs about as
        much again as the query, for nothing the thread uses.
        """
        return [SimpleNamespace(**row) for row in self.values(*THREAD_FIELDS)]

    def thread_of(self, statement, own_ids):
        """thread_rows() of visible_to(own_ids) on `statement`, compiled once per shape."""
        own_ids = sorted(set(own_ids))
        rows = _THREAD.rows(
            shape=(("own", len(own_ids)),),
            statement=statement.pk,
            using=self.db,
            **{f"own{i}": pk for i, pk in enumerate(own_ids)},
        )
        return [SimpleNamespace(**dict(zip(THREAD_FIELDS, row, strict=True))) for row in rows]

    def by_email(self, email):
        return self.filter(email__iexact=email.strip())


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        REMOVED = "removed", "Removed"

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replies"
    )
    name = models.CharField(max_length=NAME_MAX, validators=[validate_printable])
    email = models.EmailField(max_length=EMAIL_MAX)
    website = models.URLField(
        max_length=WEBSITE_MAX,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    body = models.TextField("comment", max_length=BODY_MAX, validators=[validate_printable])
    # The body as the thread shows it (comments.text), rendered on every save.
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING, db_index=True)
    # The time of posting; a comment brought from another site keeps its own.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    # Kept for moderation and rate limits only; cleared after
    # COMMENTS_IP_RETENTION_DAYS by `manage.py purge_comment_ips`.
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    # Lets a resubmitted or double-clicked post find the comment it already made.
    fingerprint = models.CharField(max_length=64, editable=False, db_index=True)
    # A digest of the question the post answered: the second request of a double
    # click (same question, already used) finds the comment the first one stored.
    # Only the browser that was shown the question knows its key.
    question_digest = models.CharField(max_length=64, editable=False, blank=True, db_index=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        editable=False,
        related_name="+",
    )
    moderators_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A reply a moderator wrote in the admin (comments.posting.post_staff_reply):
    # shown under the organization's name with a "Staff" mark. Its author is
    # moderated_by; its email is theirs, never published.
    by_staff = models.BooleanField("staff reply", default=False, editable=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["statement", "status", "created_at"], name="comment_thread_idx")
        ]
        constraints = length_limits(
            "comment", body=BODY_MAX, name=NAME_MAX, website=WEBSITE_MAX, email=EMAIL_MAX
        )

    def __str__(self):
        return f"{self.name}: {self.body[:50]}"

    def save(self, *args, **kwargs):
        self.fingerprint = self.make_fingerprint(self.statement_id, self.email, self.body)
        self.body_html = comment_text(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html", "fingerprint"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.statement.get_absolute_url()}#comment-{self.pk}"

    @staticmethod
    def digest_of_question(key):
        return hashlib.sha256(f"question\n{key}".encode()).hexdigest() if key else ""

    @staticmethod
    def make_fingerprint(statement_id, email, body):
        normalized = " ".join(body.split()).casefold()
        raw = f"{statement_id}\n{email.strip().casefold()}\n{normalized}"
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_visible(self):
        return self.status == self.Status.APPROVED


class BlockedTerm(models.Model):
    """A word, email address, domain or IP whose comments go straight to spam."""

    class Kind(models.TextChoices):
        WORD = "word", "Word or phrase (in name, comment or website)"
        EMAIL = "email", "Email address"
        DOMAIN = "domain", "Domain (of the email or website)"
        IP = "ip", "IP address"

    kind = models.CharField(max_length=10, choices=Kind)
    value = models.CharField(max_length=200)
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            *length_limits("blockedterm", value=200, note=200),
            models.UniqueConstraint(fields=["kind", "value"], name="blockedterm_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"

    def save(self, *args, **kwargs):
        self.value = self.value.strip().lower()
        super().save(*args, **kwargs)


class ModerationLinkUse(models.Model):
    """A moderation mail's link that was used (comments.mail_links): each works once.

    Only a digest of the link is kept; rows older than the links' lifetime are
    pruned, since an expired link is refused anyway.
    """

    token_digest = models.CharField(max_length=64, unique=True)
    comment = models.ForeignKey(Comment, null=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=20)
    used_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"{self.action} of comment {self.comment_id} by user {self.user_id}"


def _thread(own):
    pk = Comment._meta.pk
    own_ids = [Param(f"own{i}", pk) for i in range(own)]
    statement = Param("statement", Comment._meta.get_field("statement"))
    return (
        Comment.objects.filter(statement=statement).visible_to(own_ids).values_list(*THREAD_FIELDS)
    )


# The statement page's comments, compiled once (advocacy/prepared.py).
_THREAD = PreparedQuery(_thread)
