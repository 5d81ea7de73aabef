"""An import started in the admin: the upload kept privately, the import run by the task worker.

A web request has a time limit (and a proxy in front may have a shorter one);
an import of a few thousand posts with their photos does not fit in it. The
admin stores the export (private storage: it holds commenters' addresses),
queues the run and shows its page, which follows the run until the report is
there. The run is safe to repeat — a second import of the same file adds
nothing twice — so a worker killed mid-run is simply run again; the file is
removed as soon as the run has finished, whatever its outcome.
"""

import logging
import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from .importer import Importer, Options
from .models import ImportRun

logger = logging.getLogger(__name__)


def start(upload, *, user, organization="", fetch_media=False, dry_run=False):
    """Keep the uploaded export and queue its import; the run, for its page."""
    from background.tasks import enqueue, run_wordpress_import

    run = ImportRun(
        created_by=user,
        export_name=(upload.name or "")[:255],
        organization=organization,
        fetch_media=fetch_media,
        dry_run=dry_run,
    )
    # Unguessable, and nothing of the uploaded file's name: the export holds
    # commenters' addresses until the run removes it.
    run.stored_export = private_storage().save(
        f"wordpress-imports/{run.pk.hex}.xml", upload, max_length=100
    )
    try:
        with transaction.atomic():
            run.save()
            enqueue(run_wordpress_import, str(run.pk))
    except BaseException:
        private_storage().delete(run.stored_export)
        raise
    return run


def private_storage():
    return storages["private"]


def perform(run_id):
    """The task: import the run's file once; a finished run is left as it is."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id).first()
        if run is None or run.is_finished:
            return run.state if run else "gone"
        run.state = ImportRun.State.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.save(update_fields=["state", "started_at"])
    try:
        with tempfile.TemporaryDirectory(prefix="wordpress-run-") as folder:
            path = Path(folder) / "export.xml"
            with (
                private_storage().open(run.stored_export, "rb") as source,
                open(path, "wb") as target,
            ):
                shutil.copyfileobj(source, target)
            report = Importer(
                path,
                Options(
                    fetch_media=run.fetch_media,
                    dry_run=run.dry_run,
                    organization=run.organization,
                ),
            ).run()
    except Exception as error:
        logger.exception("WordPress import %s failed", run.pk)
        _finish(run, ImportRun.State.FAILED, report_text=f"{type(error).__name__}: {error}")
        raise
    _finish(
        run,
        ImportRun.State.FAILED if report.fatal else ImportRun.State.DONE,
        report_text=report.as_text(),
        fatal=bool(report.fatal),
    )
    return run.state


def _finish(run, state, *, report_text, fatal=True):
    run.state = state
    run.report_text = report_text
    run.fatal = fatal
    run.finished_at = timezone.now()
    if run.stored_export:
        try:
            private_storage().delete(run.stored_export)
            run.stored_export = ""
        except Exception:  # the report matters more; the name stays, to remove it later
            logger.exception("The export of import %s could not be removed", run.pk)
    run.save(update_fields=["state", "report_text", "fatal", "finished_at", "stored_export"])
