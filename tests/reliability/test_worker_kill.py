"""A worker killed mid-task (SIGKILL): another worker runs the task again, and the mail goes once.

Real processes on a real database file: `manage.py worker` twice, the first
killed while its mail server is still "sending".
"""

import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from .live import PROJECT, manage, site_environment

pytestmark = pytest.mark.faults


def task_rows(db):
    """The moderation mail's task; publishing the statement queues others (subscribers' mail)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'background.tasks.send_moderation_digest'"
        ).fetchall()


def wait_for(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout}s")


def start_worker(env, log, *options):
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.2",
         "--no-startup-delay", *options],
        cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def stop_workers(*workers):
    """SIGTERM the workers still running (a graceful stop: each finishes its task)."""
    for worker in workers:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=15)


@pytest.fixture
def site():
    root = Path(tempfile.mkdtemp(prefix="scaleout-worker-kill-"))
    try:
        db = root / "site.sqlite3"
        env = site_environment(
            f"sqlite:///{db}",
            root,
            EMAIL_BACKEND="tests.reliability.slow_mail.SlowFileEmailBackend",
            MAIL_DIR=root / "mail",
            COMMENTS_MODERATOR_EMAILS="moderators@example.org",
            TASK_TIMEOUT_SECONDS=3,
            TASK_STALE_GRACE_SECONDS=1,
            PRIVATE_ROOT=root / "private",
        )
        manage(env, "migrate", "--noinput")
        yield env, root, db
    finally:
        print((root / "workers.log").read_text() if (root / "workers.log").exists() else "")
        shutil.rmtree(root, ignore_errors=True)


def queue_moderation_mail(env):
    """A pending comment and the moderators' mail about it, queued for a worker."""
    manage(
        env, "shell", "--no-imports", "-c",
        "from tests import factories; from comments.models import Comment; "
        "s = factories.make_published('Rivers'); "
        "Comment.objects.create(statement=s, status='pending', name='Ana', "
        "email='ana@example.org', body='Please name the villages.'); "
        "from background.tasks import send_moderation_digest; send_moderation_digest.enqueue()",
    )  # fmt: skip


def test_a_killed_workers_mail_task_completes_once_on_another_worker(site):
    env, root, db = site
    queue_moderation_mail(env)
    log = open(root / "workers.log", "ab")
    first = start_worker({**env, "SLOW_MAIL_SECONDS": "60"}, log)
    second = None
    try:
        wait_for(lambda: task_rows(db)[0][0] == "RUNNING", 30, "the first worker took the task")
        time.sleep(0.5)  # inside the mail server's slow send
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert task_rows(db)[0][0] == "RUNNING"  # what django-tasks-db alone leaves for ever
        assert not (root / "mail").exists() or not list((root / "mail").iterdir())

        second = start_worker({**env, "SLOW_MAIL_SECONDS": "0"}, log)
        wait_for(lambda: task_rows(db)[0][0] == "SUCCESSFUL", 30, "the task was run again")
    finally:
        stop_workers(first, second)
        log.close()
    status, worker_ids = task_rows(db)[0]
    assert len(eval(worker_ids)) == 2  # JSON list of the two workers' ids
    mails = list((root / "mail").iterdir())
    assert len(mails) == 1
    text = mails[0].read_text()
    assert "Please name the villages." in text
    assert text.count("Subject:") == 1


def last_beat(db):
    with sqlite3.connect(db) as conn:
        (beat,) = conn.execute("SELECT beat_at FROM background_workerheartbeat").fetchone()
    return datetime.fromisoformat(beat).replace(tzinfo=UTC)


def test_a_worker_stopping_gracefully_beats_until_its_last_task_is_done(site):
    """SIGTERM (systemd's stop) lets the running task finish: meanwhile the worker must still
    look alive, or another would take the task and run it a second time."""
    env, root, db = site
    queue_moderation_mail(env)
    log = open(root / "workers.log", "ab")
    worker = start_worker({**env, "SLOW_MAIL_SECONDS": "16", "TASK_TIMEOUT_SECONDS": "60"}, log)
    try:
        wait_for(lambda: task_rows(db)[0][0] == "RUNNING", 30, "the worker took the task")
        worker.send_signal(signal.SIGTERM)
        stopped_at = datetime.now(UTC)
        # Beats keep coming (one already under way at the stop would not prove it).
        time.sleep(6)
        first_beat = last_beat(db)
        time.sleep(5.5)
        assert worker.poll() is None  # still finishing its task
        assert last_beat(db) > first_beat > stopped_at
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()
    assert task_rows(db)[0][0] == "SUCCESSFUL"
    assert len(list((root / "mail").iterdir())) == 1


def mailed_addresses(mail_dir):
    """Every recipient of every mail the file backend wrote, once per mail."""
    if not mail_dir.exists():
        return []
    return [
        line.removeprefix("To: ").strip()
        for path in mail_dir.iterdir()
        for line in path.read_text().splitlines()
        if line.startswith("To: ")
    ]


def test_a_worker_killed_mid_mailing_leaves_every_subscriber_one_mail(site):
    """Subscribers' mail (subscriptions.sending): killed mid-batch, resumed by another worker."""
    env, root, db = site
    env = {**env, "SUBSCRIPTIONS_BATCH_SIZE": "5", "SUBSCRIPTIONS_MAX_PER_SECOND": "0"}
    manage(
        env, "shell", "--no-imports", "-c",
        "from django.utils import timezone; from tests import factories; "
        "from subscriptions.models import Subscriber; "
        "Subscriber.objects.bulk_create([Subscriber(email=f'reader{n:02d}@example.net', "
        "state='confirmed', confirmed_at=timezone.now()) for n in range(30)]); "
        "factories.make_published('Rivers', publish_at=timezone.now())",
    )  # fmt: skip
    mail_dir = root / "mail"
    log = open(root / "workers.log", "ab")
    first = start_worker({**env, "SLOW_MAIL_SECONDS": "0.3"}, log)
    second = None
    try:
        wait_for(lambda: len(mailed_addresses(mail_dir)) >= 8, 60, "the first worker sent 8")
        first.send_signal(signal.SIGKILL)  # in a batch: mid-sleep before its next mail
        first.wait(timeout=10)
        sent_before = len(mailed_addresses(mail_dir))
        assert sent_before < 30
        second = start_worker({**env, "SLOW_MAIL_SECONDS": "0"}, log)
        wait_for(lambda: len(mailed_addresses(mail_dir)) >= 30, 60, "the rest were sent")
        time.sleep(2)  # a mail sent twice would arrive now
    finally:
        stop_workers(first, second)
        log.close()
    mailed = mailed_addresses(mail_dir)
    assert sorted(mailed) == [f"reader{n:02d}@example.net" for n in range(30)]
    with sqlite3.connect(db) as conn:
        states = dict(
            conn.execute("SELECT state, count(*) FROM subscriptions_delivery GROUP BY state")
        )
    assert states == {"sent": 30}
    print(f"\nkilled after {sent_before} of 30 mails; the second worker sent the rest, once each")


POSTS = 1500


def import_state(db):
    with sqlite3.connect(db) as conn:
        runs = conn.execute("SELECT state FROM wordpress_importrun").fetchall()
        imported = conn.execute("SELECT count(*), count(DISTINCT slug) FROM statements_statement")
        return [state for (state,) in runs], imported.fetchone()


def test_an_import_cut_off_by_a_restart_runs_again_at_once_not_after_its_time_limit(site):
    """A deploy restarts the worker (same --worker-id, as the systemd unit gives it) in the
    middle of an import, whose time limit is three hours: the restarted worker sees, by its
    heartbeat, that the import is no one's and runs it again; nothing is imported twice."""
    env, root, db = site
    manage(
        env, "shell", "--no-imports", "-c",
        "from django.core.files.uploadedfile import SimpleUploadedFile; "
        "from tests import factories; from tests.wordpress import wxr; from wordpress import runs; "
        f"items = [wxr.item(post_id=n, title=f'Imported {{n}}', slug=f'imported-{{n}}', "
        f"content='<p>' + 'Rent and repairs. ' * 40 + '</p>') for n in range(1, {POSTS + 1})]; "
        "runs.start(SimpleUploadedFile('export.xml', wxr.export(*items).encode()), "
        "user=factories.make_editor('importer'))",
    )  # fmt: skip
    log = open(root / "workers.log", "ab")
    first = start_worker(env, log, "--worker-id", "host-1")
    second = None
    try:
        wait_for(lambda: import_state(db)[0] == ["running"], 60, "the import started")
        time.sleep(1.5)  # mid-import
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        assert import_state(db)[0] == ["running"]
        restarted = time.monotonic()
        second = start_worker(env, log, "--worker-id", "host-1")
        wait_for(lambda: import_state(db)[0] == ["done"], 120, "the import ran again and ended")
        took = time.monotonic() - restarted
    finally:
        stop_workers(first, second)
        log.close()
    assert import_state(db)[1] == (POSTS, POSTS)  # every post once
    with sqlite3.connect(db) as conn:
        ((status, worker_ids),) = conn.execute(
            "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = 'background.tasks.run_wordpress_import'"
        ).fetchall()
    assert status == "SUCCESSFUL"
    assert eval(worker_ids) == ["host-1", "host-1"]
    print(f"\nrestarted mid-import: done {took:.1f} s after the restart (time limit: 3 h)")
