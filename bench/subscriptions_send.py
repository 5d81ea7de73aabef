#!/usr/bin/env python3
"""Publishing to a large list: docs/subscriptions.md.

    DATABASE_URL=postgres://user:pass@127.0.0.1:5432/bench_subs \
        .venv/bin/python bench/subscriptions_send.py --subscribers 50000

The database must be new or empty (it is migrated here). In one run:

1. an editor publishes a statement through the admin (a real POST to the change
   form) while the list is empty, then, after 50,000 confirmed subscribers are
   added, publishes another: the two publish requests' times, and their ratio;
2. `manage.py worker` (a child process, as in production) sends the second
   statement to everyone through Django's SMTP backend to a real SMTP server on
   loopback (aiosmtpd, in this process): the time until the last mail is
   accepted, mails per second, and the worker's peak memory;
3. checks that every subscriber got exactly one mail (deliveries and the server's count).
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class CountingServer:
    """Accepts every mail and counts it, per recipient (the bodies are not kept)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.recipients = {}
        self.last_at = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for address in envelope.rcpt_tos:
                self.recipients[address] = self.recipients.get(address, 0) + 1
            self.last_at = time.monotonic()
        return "250 Message accepted"

    def total(self):
        with self.lock:
            return sum(self.recipients.values())


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--timeout", type=int, default=1800, help="seconds to wait for the mail")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL"):
        raise SystemExit("Set DATABASE_URL to a new, empty database.")

    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 50,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SITE_URL": "https://statements.example.org",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "SUBSCRIPTIONS_MAX_PER_SECOND": "0",  # unthrottled: what the machine can do
        "CACHE_URL": "locmem://",
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "advocacy.settings"
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from subscriptions import sending
    from subscriptions.models import Delivery, Mailing, Subscriber
    from tests import factories
    from tests.editing.forms import CHANGE, statement_form_data

    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)  # as make serve does
    if Subscriber.objects.exists():
        raise SystemExit("The database holds subscribers already: use a new one.")
    server = CountingServer()
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()

    editor = factories.make_editor("bench-editor")
    client = Client()
    client.force_login(editor)

    def publish(title):
        draft = factories.make_draft(title, summary="Twelve villages depend on the river.")
        now = timezone.localtime()
        data = statement_form_data(
            draft,
            status="published",
            publish_at_0=now.strftime("%Y-%m-%d"),
            publish_at_1=now.strftime("%H:%M:%S"),
        )
        client.get(CHANGE.format(draft.pk), secure=True)  # warm: the form, the templates
        started = time.perf_counter()
        response = client.post(CHANGE.format(draft.pk), data, secure=True)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, (
            response.status_code,
            response.get("Location"),
            response.content[:2000],
        )
        draft.refresh_from_db()
        assert draft.is_published
        return draft, elapsed

    # A first publish warms the process (connections, templates, caches); both
    # mailings run now, to nobody: run later they would mail the list added below.
    warm_up, _ = publish("A first statement, to warm up")
    first, empty_list_seconds = publish("A statement to nobody yet")
    for mailing in Mailing.objects.filter(statement__in=[warm_up, first]):
        sending.send_statement(mailing.pk)
    started = time.perf_counter()
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{n:06d}@example.net",
                state=Subscriber.State.CONFIRMED,
                confirmed_at=timezone.now(),
                consent_text="Bench",
            )
            for n in range(args.subscribers)
        ],
        batch_size=5000,
    )
    add_seconds = time.perf_counter() - started
    statement, full_list_seconds = publish("The river permit must be withdrawn")
    published_at = time.monotonic()

    log = open(ROOT / "var" / "bench-subscriptions-worker.log", "wb")
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.2",
         "--no-startup-delay"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    worker_started = time.monotonic()
    try:
        deadline = worker_started + args.timeout
        while server.total() < args.subscribers and time.monotonic() < deadline:
            if worker.poll() is not None:
                raise SystemExit("The worker stopped; see var/bench-subscriptions-worker.log")
            time.sleep(0.2)
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        worker.send_signal(signal.SIGTERM)
        _, _, usage = os.wait4(worker.pid, 0)
        log.close()
        controller.stop()
    sent = server.total()
    last = server.last_at or time.monotonic()
    seconds = last - published_at
    worker_seconds = last - worker_started
    twice = sum(1 for count in server.recipients.values() if count > 1)
    marked = Delivery.objects.filter(statement=statement, state=Delivery.State.SENT).count()
    vendor = django.db.connection.vendor
    print(
        f"database: {vendor}; subscribers: {args.subscribers:,} (added in {add_seconds:.1f} s)\n"
        f"publish request, empty list:   {empty_list_seconds * 1000:.0f} ms\n"
        f"publish request, {args.subscribers:,} subscribers: {full_list_seconds * 1000:.0f} ms"
        f"  (ratio {full_list_seconds / empty_list_seconds:.2f})\n"
        f"mails accepted by the SMTP server: {sent:,}; deliveries marked sent: {marked:,};"
        f" addresses mailed twice: {twice}\n"
        f"publish → last mail accepted: {seconds:.1f} s"
        f" (worker start → last mail: {worker_seconds:.1f} s;"
        f" {sent / worker_seconds:.0f} mails/s)\n"
        f"worker CPU: {usage.ru_utime + usage.ru_stime:.1f} s;"
        f" worker peak memory: {usage.ru_maxrss / 1024:.0f} MB"
    )
    if sent != args.subscribers or twice or marked != args.subscribers:
        raise SystemExit("Not every subscriber got exactly one mail.")


if __name__ == "__main__":
    main()
