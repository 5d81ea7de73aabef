#!/usr/bin/env python3
"""The viral-statement load through nginx with one and with two app servers (docs/scale-out.md).

    .venv/bin/python bench/scaleout.py [--seconds 20] [--threads 8] [--write-docs]

Starts the whole production set-up of tests/multiserver/stack.py on 127.0.0.1
(a throwaway PostgreSQL, Redis, SeaweedFS, two gunicorns with 2 workers each, a
task worker, nginx with deploy/advocacy-upstream.conf) and stops it at the end.
Load: `--threads` clients (http.client, one connection per request) GET one
statement page through nginx for `--seconds`, anonymously (the shared page
cache answers), first with nginx sending to server A only, then to both. Then
the time from a moderator's "Approve" on server B to the comment on server A's
page, five times. Bounded in time and requests; loopback only.
"""

import argparse
import http.client
import json
import os
import platform
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
# The helpers below are the multi-server tests' (they import the test factories);
# the servers themselves get production settings of their own (site_environment).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.test_settings")
import django  # noqa: E402

django.setup()

from tests.multiserver.stack import Nginx, start_stack, stop_stack  # noqa: E402
from tests.multiserver.test_two_servers import login, post_comment, query, shell  # noqa: E402
from tests.reliability.live import Client  # noqa: E402
from tests.reliability.pgcluster import ThrowawayCluster  # noqa: E402

MAX_REQUESTS_PER_THREAD = 20_000


def hammer(port, path, seconds, threads):
    latencies, errors = [], []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run():
        mine, bad = [], []
        for _ in range(MAX_REQUESTS_PER_THREAD):
            if time.monotonic() > deadline:
                break
            started = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad.append(response.status)
            except OSError as exc:
                bad.append(type(exc).__name__)
            finally:
                conn.close()
            mine.append(time.monotonic() - started)
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    workers = [threading.Thread(target=run) for _ in range(threads)]
    began = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
        "p95_ms": round(latencies[int(len(latencies) * 0.95)] * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99)] * 1000, 1),
    }


def approve_to_visible(stack, slug, rounds=5):
    path = f"/statements/{slug}/"
    moderator = login(stack.b.port, "bench-moderator")
    timings = []
    for n in range(rounds):
        body = f"Bench comment {n} {time.time_ns()}."
        assert post_comment(stack.front(), stack, slug, body).status == 303
        (comment_id,) = query(stack, "SELECT id FROM comments_comment WHERE body = %s", [body])[0]
        Client(stack.a.port).get(path)  # A has the page cached without it
        moderator.get("/admin/comments/comment/")
        started = time.monotonic()
        response = moderator.post_form(
            "/admin/comments/comment/",
            {
                "csrfmiddlewaretoken": moderator.cookies["csrftoken"],
                "action": "approve",
                "_selected_action": str(comment_id),
            },
        )
        assert response.status == 302
        while body not in Client(stack.a.port).get(path).text:
            if time.monotonic() - started > 10:
                raise RuntimeError("not visible on A within 10 s")
        timings.append((time.monotonic() - started) * 1000)
    return [round(t) for t in timings]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    cluster = ThrowawayCluster(database="advocacy_bench")
    cluster.init()
    cluster.start()
    cluster.create_database()
    stack = None
    try:
        stack = start_stack(cluster)
        slug = shell(
            stack,
            "from tests import factories; factories.make_moderator('bench-moderator'); "
            "s = factories.make_published('A statement everyone shares', "
            "body='<p>' + 'Words that travel. ' * 200 + '</p>'); print(s.slug)",
        ).split()[-1]
        path = f"/statements/{slug}/"
        (stack.root / "one").mkdir(exist_ok=True)
        (stack.root / "one").chmod(0o755)
        one = Nginx(stack.root / "one", [stack.a.port])
        one.start()
        stack.started.append(one)
        Client(one.port).get(path)
        results = {}
        for label, port in (("one app server", one.port), ("two app servers", stack.nginx.port)):
            hammer(port, path, 3, args.threads)  # warm-up
            results[label] = hammer(port, path, args.seconds, args.threads)
            print(label, results[label], flush=True)
        results["approve_to_visible_ms"] = approve_to_visible(stack, slug)
        print("approve on B -> visible on A (ms):", results["approve_to_visible_ms"])
    finally:
        if stack is not None:
            stop_stack(stack)
        cluster.remove()
    results["machine"] = (
        f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    )
    results["when"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["threads"], results["seconds"] = args.threads, args.seconds
    print(json.dumps(results, indent=2))
    if args.write_docs:
        (PROJECT / "bench" / "scaleout-last.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
