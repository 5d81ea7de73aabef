"""Exports staff ask for in the admin: queued, built by the task worker, downloaded, deleted.

Tens of thousands of subscribers do not fit in a web request's time (and a
proxy in front may cut it shorter), so the admin only records what was asked
for and queues the build. The worker writes the file to the private storage
(STORAGES["private"]: on S3, the bucket's private prefix, never served);
only the staff member who asked for it may download it, while they still hold
the permission, until it expires (EXPORTS_KEEP_DAYS), when the file and its
row are deleted. A build is safe to repeat: a worker killed mid-build leaves
the export queued, and the next attempt replaces whatever part was stored.
"""

import io
import json
import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import models, transaction
from django.utils import timezone

from . import contents
from .models import Export

logger = logging.getLogger(__name__)

# Who may ask for (and download) each kind of export.
PERMISSIONS = {
    Export.Kind.SUBSCRIBERS: "subscriptions.export_subscribers",
    Export.Kind.PERSONAL_DATA: "exports.export_personal_data",
}


def may_export(user, kind):
    return user.is_active and user.is_staff and user.has_perm(PERMISSIONS[kind])


def visible_to(user):
    """The exports `user` sees in the admin: their own."""
    return Export.objects.filter(created_by=user)


def may_download(user, export):
    return export.created_by_id == user.pk and may_export(user, export.kind)


def start(kind, *, user, selection=(), address=""):
    """Record what `user` asked for and queue its build; the export."""
    from background.tasks import build_export, enqueue

    with transaction.atomic():
        export = Export.objects.create(
            kind=kind,
            created_by=user,
            selection=list(selection),
            address=address.strip(),
            expires_at=timezone.now() + timedelta(days=settings.EXPORTS_KEEP_DAYS),
        )
        enqueue(build_export, str(export.pk))
    return export


def private_storage():
    return storages["private"]


def perform(export_id):
    """The task: build the export's file once; an export already built is left as it is."""
    from background.tasks import build_export, policy_for

    export = Export.objects.filter(pk=export_id).first()
    if export is None or export.state != Export.State.QUEUED:
        return export.state if export else "gone"
    Export.objects.filter(pk=export.pk).update(attempts=models.F("attempts") + 1)
    try:
        stored_file, rows, size = _build(export)
    except Exception as error:
        last = export.attempts + 1 >= policy_for(build_export.module_path).max_attempts
        Export.objects.filter(pk=export.pk, state=Export.State.QUEUED).update(
            error=f"{type(error).__name__}: {error}"[:10_000],
            state=Export.State.FAILED if last else Export.State.QUEUED,
        )
        raise  # the worker retries it (background.tasks.POLICIES)
    updated = Export.objects.filter(pk=export.pk, state=Export.State.QUEUED).update(
        state=Export.State.READY,
        stored_file=stored_file,
        rows=rows,
        size=size,
        error="",
        finished_at=timezone.now(),
    )
    if not updated:
        # Deleted by its owner meanwhile, or built by another run: keep no second file.
        kept = Export.objects.filter(pk=export.pk).values_list("stored_file", flat=True).first()
        if kept != stored_file:
            private_storage().delete(stored_file)
    return Export.State.READY


def _build(export):
    name = export.storage_name
    # In memory up to a few megabytes, then on disk: 100,000 subscribers are about 20 MB.
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as buffer:
        text = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        if export.kind == Export.Kind.SUBSCRIBERS:
            rows = contents.write_subscribers_csv(export.selection, text)
        else:
            data = contents.personal_data(export.address)
            json.dump(data, text, indent=2, ensure_ascii=False)
            rows = len(data["comments"]) + (data["subscription"] is not None)
        text.flush()
        text.detach()
        size = buffer.tell()
        buffer.seek(0)
        storage = private_storage()
        # What a killed earlier attempt stored is replaced, not kept beside a renamed copy.
        storage.delete(name)
        stored = storage.save(name, File(buffer, name=name), max_length=100)
    return stored, rows, size


def open_file(export):
    """The export's file, or None when it is gone from the storage."""
    storage = private_storage()
    if not export.stored_file or not storage.exists(export.stored_file):
        return None
    return storage.open(export.stored_file, "rb")


def discard(export):
    """Delete the export and its file: the one recorded and the name every build writes (a
    build that died before recording its file, or finished meanwhile, leaves it there)."""
    for name in {export.stored_file, export.storage_name} - {""}:
        try:
            private_storage().delete(name)
        except Exception:  # the row goes anyway; purge_expired cannot find the file again
            logger.exception("The file of export %s could not be deleted", export.pk)
    export.delete()


def purge_expired(now=None):
    """Delete the exports whose time is up, files first; how many (background.tasks)."""
    expired = list(Export.objects.filter(expires_at__lte=now or timezone.now()))
    for export in expired:
        discard(export)
    return len(expired)
