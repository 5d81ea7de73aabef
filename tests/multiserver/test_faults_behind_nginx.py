"""Faults in the full set-up behind nginx: the bucket stopped, a task worker killed mid-mailing.

Both run against the same stack as test_two_servers (PostgreSQL, Redis, SeaweedFS,
two gunicorns, nginx); what visitors and staff do goes through nginx.
"""

import os
import signal
import time
import urllib.request
from urllib.error import URLError

import pytest
from aiosmtpd.controller import Controller

from tests import factories
from tests.reliability.pgcluster import free_port
from tests.services import HoldingInbox

from .stack import TaskWorker
from .support import login, publish_in_admin, query, shell, upload_image

pytestmark = pytest.mark.multiserver

STORAGE_FAILED = "The image could not be saved: the server"
HOLD_AT = 7  # the mail server keeps the readers' seventh mail waiting


def wait_for(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError(f"not within {seconds} s: {what}")


def test_with_the_bucket_stopped_pages_are_served_and_uploads_fail_clearly(stack):
    title = f"Readable with the bucket down {time.time_ns()}"
    image_id, slug = shell(
        stack,
        "from tests import factories; "
        "i = factories.make_image(content=factories.jpeg_bytes(900, 600)); "
        f"s = factories.make_published({title!r}, featured_image=i, organizations=[]); "
        "factories.make_editor('ms-fault-editor'); print(i.pk, s.slug)",
    ).split()[-2:]
    wait_for(
        lambda: query(stack, "SELECT renditions::text FROM statements_image WHERE id = %s", [image_id])[0][0] != "[]",
        30,
        "the worker made the photo's copies",
    )  # fmt: skip
    stored_before = stack.s3.names()
    editor = login(stack.nginx.port, "ms-fault-editor")
    photo = (
        f"{stack.s3.endpoint}/media/"
        + query(stack, "SELECT file FROM statements_image WHERE id = %s", [image_id])[0][0]
    )
    stack.s3.stop()
    try:
        # The statement's page was never cached: rendered now, by whichever server nginx picks.
        for path in [f"/statements/{slug}/", "/", f"/statements/{slug}/", "/healthz"]:
            response = stack.front().get(path)
            assert response.status == 200, (path, response.status)
        assert title in stack.front().get(f"/statements/{slug}/").text
        with pytest.raises((URLError, ConnectionError)):
            urllib.request.urlopen(photo, timeout=5)  # the images fail, the page does not

        alt = f"Uploaded with the bucket down {time.time_ns()}"
        response = upload_image(editor, alt, factories.jpeg_bytes(800, 600))
        assert response.status == 200  # the form again, with what was typed
        assert STORAGE_FAILED in response.text
        assert f'value="{alt}"' in response.text
        assert query(
            stack, "SELECT count(*) FROM statements_image WHERE alt_text = %s", [alt]
        ) == [(0,)]
    finally:
        stack.s3.start()
    assert stack.s3.names() == stored_before  # nothing half-stored
    # Back up: the same upload goes through.
    response = upload_image(editor, alt, factories.jpeg_bytes(800, 600))
    assert response.status == 302, response.text[:500]


def test_a_worker_killed_mid_mailing_the_next_sends_the_rest_each_mail_once(stack):
    readers = [f"stack-reader{n:02}@example.org" for n in range(20)]
    title = f"Mailed from the stack {time.time_ns()}"
    pk = shell(
        stack,
        "from django.utils import timezone; from tests import factories; "
        "from subscriptions.models import Subscriber; "
        f"[Subscriber.objects.create(email=e, state='confirmed', confirmed_at=timezone.now()) for e in {readers!r}]; "
        "factories.make_editor('ms-mail-editor'); "
        f"o = factories.make_organization({title + ' org'!r}); "
        f"print(factories.make_draft({title!r}, organizations=[o]).pk)",
    ).split()[-1]  # fmt: skip
    inbox = HoldingInbox(HOLD_AT, counted=lambda address: address.startswith("stack-reader"))
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **stack.env,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "SUBSCRIPTIONS_BATCH_SIZE": "5",
        "SUBSCRIPTIONS_MAX_PER_SECOND": "0",
        # The second worker takes the dead one's task and rows after 3 + 1 s.
        "TASK_TIMEOUT_SECONDS": "3",
        "TASK_STALE_GRACE_SECONDS": "1",
    }

    def sent():
        return query(
            stack,
            "SELECT count(*) FROM subscriptions_delivery WHERE statement_id = %s AND state = 'sent'",
            [pk],
        )[0][0]

    stack.worker.stop()  # these two workers, with the mail server above, are the only ones
    first, second = TaskWorker(env, stack.root), TaskWorker(env, stack.root)
    try:
        first.start()
        publish_in_admin(login(stack.nginx.port, "ms-mail-editor"), pk)  # queued through nginx
        assert inbox.holding.wait(60), "the first worker never reached the seventh mail"
        os.killpg(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        inbox.release.set()
        assert sent() == HOLD_AT - 1

        second.start()
        wait_for(lambda: sent() == len(readers), 60, "every delivery was sent")
        time.sleep(1)  # anything sent twice would have arrived by now
    finally:
        inbox.release.set()
        second.stop()
        first.stop()
        smtp.stop()
        stack.worker.start()
    assert sorted(inbox.counted_recipients()) == readers  # each reader once: none lost, none twice
    (total,) = query(
        stack, "SELECT count(*) FROM subscriptions_delivery WHERE statement_id = %s", [pk]
    )[0]
    assert total == len(readers)
