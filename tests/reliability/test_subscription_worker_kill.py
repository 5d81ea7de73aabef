"""A worker killed mid-batch while mailing subscribers: the next worker finishes, each mail once.

Real processes on a real database file (`manage.py worker`, twice) and a real
SMTP server on loopback (aiosmtpd, in this process). The first worker is
killed (SIGKILL) while the mail server holds its seventh mail, so it dies
with a batch claimed and half sent.
"""

import shutil
import signal
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.services import HoldingInbox

from .live import manage, site_environment
from .pgcluster import free_port
from .test_worker_kill import start_worker, stop_workers, wait_for

pytestmark = pytest.mark.faults

SUBSCRIBERS = 20
HOLD_AT = 7  # the mail server keeps the seventh mail waiting, and never accepts it


def sent_count(db):
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM subscriptions_delivery WHERE state = 'sent'"
        ).fetchone()[0]


@pytest.fixture
def site():
    root = Path(tempfile.mkdtemp(prefix="subscriptions-worker-kill-"))
    inbox = HoldingInbox(HOLD_AT)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        db = root / "site.sqlite3"
        env = site_environment(
            f"sqlite:///{db}",
            root,
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(port),
            SITE_URL="https://statements.example.org",
            SUBSCRIPTIONS_BATCH_SIZE="5",
            SUBSCRIPTIONS_MAX_PER_SECOND="0",
            TASK_TIMEOUT_SECONDS="3",
            TASK_STALE_GRACE_SECONDS="1",
        )
        manage(env, "migrate", "--noinput")
        yield env, root, db, inbox
    finally:
        inbox.release.set()
        controller.stop()
        print((root / "workers.log").read_text() if (root / "workers.log").exists() else "")
        shutil.rmtree(root, ignore_errors=True)


def test_a_worker_killed_mid_batch_leaves_no_mail_unsent_and_none_sent_twice(site):
    env, root, db, inbox = site
    manage(
        env, "shell", "--no-imports", "-c",
        "from django.utils import timezone; from tests import factories; "
        "from subscriptions.models import Subscriber; "
        f"[Subscriber.objects.create(email=f'reader{{n:02}}@example.org', state='confirmed', "
        f"confirmed_at=timezone.now()) for n in range({SUBSCRIBERS})]; "
        "factories.make_published('Rent freeze now', publish_at=timezone.now())",
    )  # fmt: skip
    log = open(root / "workers.log", "ab")
    first = start_worker(env, log)
    second = None
    try:
        assert inbox.holding.wait(30), "the first worker never reached the seventh mail"
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        inbox.release.set()
        assert sent_count(db) == HOLD_AT - 1

        second = start_worker(env, log)
        wait_for(lambda: sent_count(db) == SUBSCRIBERS, 60, "every delivery was sent")
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        stop_workers(first, second)
        log.close()
    recipients = [to for tos, _message in inbox.messages for to in tos]
    assert sorted(recipients) == [f"reader{n:02}@example.org" for n in range(SUBSCRIBERS)]
    for _tos, message in inbox.messages:
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "https://statements.example.org/subscribe/u/" in message["List-Unsubscribe"]
