#!/usr/bin/env python3
"""Load test: reading statements and posting comments against `make serve`'s gunicorn.

    .venv/bin/python bench/load_comments.py                 # throwaway SQLite, writes docs/load.md
    .venv/bin/python bench/load_comments.py --database-url postgres://u@127.0.0.1:5499/bench

It starts everything it needs and stops it at the end (Ctrl-C included): a
gunicorn with `make serve`'s options on 127.0.0.1 and a free port, on a
throwaway SQLite database in a temporary folder (or on an empty PostgreSQL
database you name, which it migrates and fills with the demo content). Load
comes from threads using http.client, loopback only, bounded by time and by
request count per scenario:

- read: each virtual user fetches the home page and a statement page in turn,
  anonymously (the page cache answers), then again with a session cookie (every
  page rendered);
- comment: each virtual user fetches a question (GET /comments/question/, as the
  page's script does), reads its answer from the database, and posts a comment
  (expecting the 303). The per-IP comment limit is raised for the run, since
  every virtual user comes from 127.0.0.1.

Standard library only (plus psycopg2, a project dependency, for a PostgreSQL URL).
"""

import argparse
import http.client
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
TIMEOUT = 15  # seconds, per request


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Database:
    """Reads what the bench needs (slugs, a question's answer) straight from the database."""

    def __init__(self, url):
        self.url = url
        self.local = threading.local()

    def _connect(self):
        if self.url.startswith("sqlite:"):
            path = urlsplit(self.url).path
            conn = sqlite3.connect(path, timeout=10, check_same_thread=False)
            conn.execute("PRAGMA query_only = 1")
            return conn, "?"
        import psycopg2  # the project's own PostgreSQL driver

        conn = psycopg2.connect(self.url)
        conn.autocommit = True
        return conn, "%s"

    def query(self, sql, *params):
        if not hasattr(self.local, "conn"):
            self.local.conn = self._connect()
        conn, mark = self.local.conn
        cursor = conn.cursor()
        cursor.execute(sql.replace("?", mark), params)
        rows = cursor.fetchall()
        cursor.close()
        return rows

    def answer(self, key):
        rows = self.query("SELECT response FROM captcha_captchastore WHERE hashkey = ?", key)
        return rows[0][0] if rows else ""


class Visitor:
    """One virtual user: its own cookies, one connection per request (gunicorn sync closes)."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, data
        finally:
            conn.close()


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.samples = {}  # label -> list of latencies (s)
        self.errors = {}  # label -> {description: count}

    def timed(self, label, call, expect):
        started = time.perf_counter()
        try:
            status, body = call()
        except OSError as exc:
            status, body = type(exc).__name__, b""
        elapsed = time.perf_counter() - started
        with self.lock:
            self.samples.setdefault(label, []).append(elapsed)
            if status != expect:
                errors = self.errors.setdefault(label, {})
                errors[str(status)] = errors.get(str(status), 0) + 1
        return status, body


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def run_scenario(name, users, duration, max_requests, step):
    """Run `step(visitor_index, iteration, recorder)` in `users` threads; bounded."""
    recorder = Recorder()
    deadline = time.monotonic() + duration
    issued = [0]
    lock = threading.Lock()

    def user(index):
        iteration = 0
        while time.monotonic() < deadline:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            step(index, iteration, recorder)
            iteration += 1

    started = time.monotonic()
    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + TIMEOUT * 3)
    wall = time.monotonic() - started
    return name, wall, recorder


def start_gunicorn(env, port, workers, log):
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "advocacy.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        # The rest as in the Makefile's `serve`.
        "--timeout", "30", "--graceful-timeout", "20", "--keep-alive", "5",
        "--max-requests", "5000", "--max-requests-jitter", "500", "--access-logfile", "-",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited at start")
        try:
            if Visitor(port).request("GET", "/")[0] == 200:
                return process
        except OSError:
            pass
        time.sleep(0.3)
    stop_gunicorn(process)
    raise RuntimeError("gunicorn did not answer within 60 seconds")


def stop_gunicorn(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=25)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # our own process group only
            process.wait(timeout=10)


def server_log_errors(path):
    """What the site logged as errors, counted by message (the access log lines aside)."""
    counts = {}
    for line in path.read_text(errors="replace").splitlines():
        for message in ("Database unavailable", "Internal Server Error", "Traceback"):
            if line.startswith(message):
                text = line.strip()[:120]
                counts[text] = counts.get(text, 0) + 1
    return ", ".join(f"{n}× `{text}`" for text, n in sorted(counts.items()))


HEADER = """# Load figures

The latest run of `bench/load_comments.py` on each kind of database. Regenerate
with `.venv/bin/python bench/load_comments.py` (SQLite) or with
`--database-url postgres://…` (an empty PostgreSQL database on this machine);
each run replaces its own section.

- *read*: each virtual user fetches the home page, then a statement page, as an
  anonymous visitor: after the first visit these come whole from the page cache.
- *read, session cookie*: the same with a session cookie (as a visitor who has
  commented, or staff): no page cache, every page rendered from the database.
- *comment*: each virtual user fetches a question (`GET /comments/question/`, as
  the page's script does), reads its answer from the database and posts a
  comment (a 303 is expected). Every virtual user is 127.0.0.1, so the per-IP
  comment limit and the minimum typing time are lifted for the run.

Requests/s counts one step's requests over the scenario's wall time; latencies
are per HTTP request; "Errors" counts any other status or a failed connection.
The load generator shares the CPUs with the server: these are a floor, not a
ceiling.
"""


def write_section(path, kind, section):
    """Replace this database kind's section of the figures file, keep the others."""
    begin, end = f"<!-- bench:{kind} -->", f"<!-- /bench:{kind} -->"
    block = f"{begin}\n{section.strip()}\n{end}"
    text = path.read_text() if path.exists() else HEADER
    if begin in text and end in text:
        text = text[: text.index(begin)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def machine():
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def table(results):
    lines = [
        "| Scenario | Step | Requests | Requests/s | p50 ms | p99 ms | Errors |",
        "|---|---|---:|---:|---:|---:|---|",
    ]
    for name, wall, recorder in results:
        for label, samples in recorder.samples.items():
            errors = recorder.errors.get(label, {})
            described = ", ".join(f"{count}× {what}" for what, count in errors.items()) or "0"
            lines.append(
                f"| {name} | {label} | {len(samples)} | {len(samples) / wall:.1f} | "
                f"{percentile(samples, 0.50) * 1000:.0f} | {percentile(samples, 0.99) * 1000:.0f}"
                f" | {described} |"
            )
    return "\n".join(lines)


def main():
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="An empty PostgreSQL database (default: SQLite).")
    parser.add_argument("--workers", type=int, default=2 * cpus + 1, help="as `make serve`")
    parser.add_argument("--users", type=int, default=8, help="virtual users (threads)")
    parser.add_argument("--duration", type=float, default=15, help="seconds per scenario")
    parser.add_argument("--max-requests", type=int, default=20_000, help="per scenario")
    parser.add_argument(
        "--settings", default="advocacy.settings", help="settings module (to compare a change)"
    )
    parser.add_argument("--output", default=str(PROJECT / "docs" / "load.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    options = parser.parse_args()
    if options.duration > 60:
        parser.error("--duration is at most 60 seconds")

    work = Path(tempfile.mkdtemp(prefix="advocacy-bench-"))
    process = None
    log = open(work / "gunicorn.log", "wb")
    try:
        database_url = options.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        host = urlsplit(database_url).hostname
        if host not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("loopback only: the database must be on this machine")
        env = {
            k: v
            for k, v in os.environ.items()
            if k in {"PATH", "HOME", "LANG", "TMPDIR", "PYTHONPATH"}
        }
        env.update(
            DJANGO_SETTINGS_MODULE=options.settings,
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            DATABASE_URL=database_url,
            STATIC_ROOT=str(work / "static"),
            MEDIA_ROOT=str(work / "media"),
            CACHE_URL=f"file://{work / 'cache'}",  # the run's own page cache
            SERVE_MEDIA="1",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            # Every virtual user is 127.0.0.1, and a script types fast: lift both limits.
            COMMENTS_RATE_LIMIT="10000000",
            COMMENTS_MIN_SECONDS="0",
            LOG_LEVEL="WARNING",
        )
        info = machine()  # before anything runs: the load average is the machine's own
        print("preparing: migrate, collectstatic, demo content …", flush=True)
        run_manage(env, "migrate", "--noinput")
        run_manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        run_manage(env, "load_demo")
        db = Database(database_url)
        slugs = [
            row[0]
            for row in db.query(
                "SELECT slug FROM statements_statement WHERE status = 'published' "
                "ORDER BY publish_at DESC"
            )
        ]
        port = free_port()
        print(f"gunicorn: {options.workers} workers on {HOST}:{port}", flush=True)
        process = start_gunicorn(env, port, options.workers, log)
        # Scheduled demo statements are not public yet: keep those a visitor can open.
        slugs = [s for s in slugs if Visitor(port).request("GET", f"/statements/{s}/")[0] == 200]
        if not slugs:
            raise RuntimeError("no public statement after load_demo")

        def read(index, iteration, recorder, session=False):
            visitor = Visitor(port)
            if session:
                # Any session cookie skips the page cache: every page is rendered.
                visitor.cookies["sessionid"] = "bench-visitor-without-a-session"
            recorder.timed("GET /", lambda: visitor.request("GET", "/"), 200)
            slug = slugs[(index + iteration) % len(slugs)]
            path = f"/statements/{slug}/"
            recorder.timed("GET statement", lambda: visitor.request("GET", path), 200)

        def comment(index, iteration, recorder):
            visitor = Visitor(port)
            status, body = recorder.timed(
                "GET question", lambda: visitor.request("GET", "/comments/question/"), 200
            )
            if status != 200:
                return
            question = json.loads(body)
            slug = slugs[(index + iteration) % len(slugs)]
            form = urlencode(
                {
                    "csrfmiddlewaretoken": question["csrf_token"],
                    "body": f"Bench comment {index}-{iteration}-{secrets.token_hex(4)}: "
                    "we stand with the river communities.",
                    "name": f"Bench visitor {index}",
                    "email": f"bench{index}@example.net",
                    "website": "",
                    "parent": "",
                    "homepage": "",
                    "form_time": question["form_time"],
                    "captcha_0": question["key"],
                    "captcha_1": db.answer(question["key"]),
                }
            ).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            recorder.timed(
                "POST comment",
                lambda: visitor.request(
                    "POST", f"/comments/statements/{slug}/post/", form, headers
                ),
                303,
            )

        results = []
        scenarios = (
            ("read", read),
            ("read, session cookie", lambda *args: read(*args, session=True)),
            ("comment", comment),
        )
        for name, step in scenarios:
            print(f"scenario {name}: {options.users} users, {options.duration:.0f}s", flush=True)
            results.append(
                run_scenario(name, options.users, options.duration, options.max_requests, step)
            )
        stored = db.query("SELECT count(*) FROM comments_comment WHERE body LIKE ?", "Bench %")
        kind = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        report = table(results)
        log.flush()
        server_errors = server_log_errors(work / "gunicorn.log")
        print(report)
        print(f"comments stored: {stored[0][0]}; server log: {server_errors or 'no errors'}")
        if not options.no_write:
            section = f"""## {kind}

- Date: {info["date"]}; load average before the run: {info["load"]}
- Machine: {info["nproc"]} CPUs (`nproc`), {info["cpu"]}; Python {info["python"]}
- Server: gunicorn with `make serve`'s options, {options.workers} sync workers,
  DEBUG off, {kind} database (throwaway, demo content), no nginx in front
- Load: {options.users} virtual users (threads) on the same machine, loopback,
  {options.duration:.0f} s per scenario, a new connection per request
- Settings: `{options.settings}`; {stored[0][0]} comments stored
- Errors in the server log: {server_errors or "none"}

{report}
"""
            write_section(Path(options.output), kind, section)
            print(f"written to {options.output}")
    except RuntimeError as exc:
        log.flush()
        tail = (work / "gunicorn.log").read_text(errors="replace")[-3000:]
        sys.exit(f"{exc}\n--- gunicorn log ---\n{tail}")
    finally:
        if process is not None:
            stop_gunicorn(process)
        log.close()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
