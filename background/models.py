"""What background work must remember so that running a task twice does no harm."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    """A mail to send exactly once: written with the data it announces, marked when sent.

    A task may run twice (its worker was killed, and another ran it again after
    the timeout); the second run finds `sent_at` set and sends nothing.
    """

    key = models.CharField(_("key"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    recipients = models.JSONField(_("recipients"), default=list)
    # What the mail announces (e.g. comment ids), so a failed send can be undone.
    about = models.JSONField(_("about"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # A worker sending it now; a claim older than the task timeout is a dead worker's.
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        ordering = ["-created_at"]

    def __str__(self):
        return self.subject


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive every few seconds (background.worker).

    So a task whose worker was killed need not wait out its whole time limit
    (three hours for an import) before another worker runs it again.
    """

    worker_id = models.CharField(_("worker id"), max_length=64, primary_key=True)
    # When the worker process with this id started: one that restarted under the same
    # id (deploy/advocacy-worker@.service) is not running what it had claimed before.
    started_at = models.DateTimeField(_("started at"))
    beat_at = models.DateTimeField(_("last heard from"), db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self):
        return self.worker_id
