"""The machine, the targets and the figures: the report bench/run.py writes into docs/performance.md."""

import os
import platform
import re
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.measurements import WRK
from bench.processes import NGINX, PYTHON, REDIS, WORKER_THREADS

# Targets of issue 6, as ratios measured in the same run.
TARGET_DJANGO_SHARE = 0.05  # cached statement via Django >= 5 % of the static ceiling


TARGET_NGINX_SHARE = 0.50  # via the nginx microcache >= 50 % of it


TARGET_COLD_CPU_MS = 12.0  # uncached statement page, CPU per request in the server


def machine(database_url, redis):
    def first(path, prefix):
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
        except OSError:
            pass
        return "unknown"

    def version(command, pattern):
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=10)
        except OSError:
            return "not found"
        found = re.search(pattern, done.stdout + done.stderr)
        return found.group(1) if found else "unknown"

    packages = subprocess.run(
        [PYTHON, "-c", "import django, gunicorn; print(django.__version__, gunicorn.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.split()
    memory_kb = int(first("/proc/meminfo", "MemTotal").split()[0])
    info = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(),
        "cpu": first("/proc/cpuinfo", "model name"),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "kernel": platform.release(),
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "python": platform.python_version(),
        "django": packages[0] if packages else "?",
        "gunicorn": packages[1] if len(packages) > 1 else "?",
        "nginx": version([NGINX, "-v"], r"nginx/(\S+)"),
        "wrk": version([WRK, "-v"], r"wrk (\S+)"),
        "database": _database_version(database_url),
        "cache": "Redis " + version([REDIS, "--version"], r"v=(\S+)") if redis else "file",
    }
    return info


def _database_version(url):
    if not url.startswith("postgres"):
        return f"SQLite {sqlite3.sqlite_version}"
    try:
        import psycopg2

        conn = psycopg2.connect(url, connect_timeout=5)
        try:
            with conn.cursor() as cursor:
                cursor.execute("SHOW server_version")
                return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        finally:
            conn.close()
    except Exception as exc:  # the figures still say which kind of database it was
        return f"PostgreSQL (version unknown: {type(exc).__name__})"


def ms(us):
    return f"{us / 1000:.2f}"


def report(results, extra, inproc, posting, info, options, workers):
    by = {r["key"]: r for r in results}
    ceiling = by["static"]["rps"]
    django_share = by["django_statement"]["rps"] / ceiling
    nginx_share = by["nginx_statement"]["rps"] / ceiling
    cold_ms = by["cold_statement"]["cpu_ms"]
    total_errors = sum(r["errors"] for r in results) + posting["errors"]

    def verdict(ok):
        return "**PASS**" if ok else "**FAIL**"

    rows = [
        "| Scenario | Page | Requests/s | p50 ms | p99 ms | Errors | CPU ms/request | Queries/page |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for key, scenario, page in (
        ("cold_statement", "cold: page cache off (gunicorn)", "statement"),
        ("cold_home", "cold: page cache off (gunicorn)", "home"),
        ("cold_single", "cold, one connection (wrk -c1)", "statement"),
        ("floor", "floor: gunicorn + middleware, no page work", "/robots.txt"),
        ("django_statement", "cached: Django page cache (gunicorn)", "statement"),
        ("django_home", "cached: Django page cache (gunicorn)", "home"),
        ("nginx_statement", "cached: nginx microcache → gunicorn", "statement"),
        ("nginx_home", "cached: nginx microcache → gunicorn", "home"),
        ("static", "ceiling: nginx, the same HTML as a file", "statement"),
    ):
        r = by[key]
        cpu = f"{r['cpu_ms']:.2f} (sys {r['cpu_sys_ms']:.2f})" if "cpu_ms" in r else ""
        queries = str(inproc[page]["queries"]) if key.startswith("cold") else ""
        rows.append(
            f"| {scenario} | {page} | {r['rps']:.1f} | {ms(r['p50_us'])} | {ms(r['p99_us'])} "
            f"| {r['errors']} | {cpu} | {queries} |"
        )
    rows.append(
        f"| comment posting: question + post (nginx → gunicorn) | statement | "
        f"{posting['rps']:.1f} posts/s | {posting['post_p50_ms']:.2f} | "
        f"{posting['post_p99_ms']:.2f} | {posting['errors']} | | |"
    )
    errors_detail = []
    for r in results:
        kinds = {k: r[k] for k in ("connect", "read", "write", "status", "timeout") if r[k]}
        if r["short"]:
            kinds["short responses"] = "yes"
        if kinds:
            errors_detail.append(f"{r['label']}: {kinds}")
    if posting["error_kinds"]:
        errors_detail.append(f"comment posting: {posting['error_kinds']}")

    breakdown = inproc["statement"].get("breakdown", {})
    parts = ""
    if breakdown:
        lines = [f"  - {name}: {value:.1f} ms" for name, value in breakdown.items()]
        parts = (
            "- Where the uncached statement page's CPU goes (in-process, each part timed on"
            " its own, least of four rounds):\n" + "\n".join(lines) + "\n"
        )

    command = ".venv/bin/python bench/run.py" + "".join(
        f" {flag}"
        for flag, on in (
            (f"--duration {options.duration:g}", options.duration != 10),
            (f"--connections {options.connections}", options.connections != 16),
            (f"--threads {options.threads}", options.threads != 2),
            ("--redis", options.redis),
            ("--database-url postgres://…", bool(options.database_url)),
        )
        if on
    )
    return f"""<!-- bench:figures — written by bench/run.py; edit outside these markers -->
## Latest figures

- Run: {info["date"]}, `{command}`; load average before it: {info["load"]}
- Machine: {info["nproc"]} CPUs (`nproc`), {info["cpu"]}, {info["memory"]} memory, Linux {info["kernel"]}
- Software: Python {info["python"]}, Django {info["django"]}, gunicorn {info["gunicorn"]} ({workers} workers × {WORKER_THREADS} threads, `make serve`'s options), nginx {info["nginx"]}, wrk {info["wrk"]}; {info["database"]}; page cache: {info["cache"]}
- Load: wrk with {options.threads} threads and {options.connections} connections, {options.duration:g} s per row after a {options.warmup:g} s warm-up, on the same machine as the servers

{chr(10).join(rows)}

### Targets

| Target | Measured | Result |
|---|---|---|
| Cached statement via Django ≥ {TARGET_DJANGO_SHARE:.0%} of the static ceiling | {django_share:.1%} ({by["django_statement"]["rps"]:.0f} of {ceiling:.0f} req/s) | {verdict(django_share >= TARGET_DJANGO_SHARE)} |
| Cached statement via the nginx microcache ≥ {TARGET_NGINX_SHARE:.0%} of the ceiling | {nginx_share:.1%} ({by["nginx_statement"]["rps"]:.0f} of {ceiling:.0f} req/s) | {verdict(nginx_share >= TARGET_NGINX_SHARE)} |
| Uncached statement page (50 comments) ≤ {TARGET_COLD_CPU_MS:g} ms CPU per request in the server process | {cold_ms:.2f} ms (gunicorn workers, /proc; {by["cold_single"]["cpu_ms"]:.2f} ms one request at a time); in-process {inproc["statement"]["cpu_ms"]:.2f} ms | {verdict(cold_ms <= TARGET_COLD_CPU_MS)} |
| 0 errors | {total_errors} | {verdict(total_errors == 0)} |

- Comment posting: {posting["posts"]} comments posted in {posting["wall"]:.1f} s by {options.posters} threads; {posting["stored"]} stored, {posting["duplicates"]} duplicated, {posting["missing"]} missing; question p50 {posting["question_p50_ms"]:.1f} ms, p99 {posting["question_p99_ms"]:.1f} ms; the question endpoint's `X-Micro-Cache`: {", ".join(posting["question_cache_status"])}.
- Microcache: {extra["nginx_app_requests"]} requests reached gunicorn during the nginx rows (warm-ups included), the rest were answered by nginx. `X-Micro-Cache` for: {", ".join(f"{k} {v}" for k, v in extra["microcache"].items())}.
- In-process (Django test client, production settings, page cache off, {options.renders} renders): statement {inproc["statement"]["cpu_ms"]:.2f} ms CPU, {inproc["statement"]["queries"]} queries, {inproc["statement"]["bytes"]} bytes; home {inproc["home"]["cpu_ms"]:.2f} ms CPU, {inproc["home"]["queries"]} queries, {inproc["home"]["bytes"]} bytes.
{parts}- Errors: {"; ".join(errors_detail) or "none"}.
<!-- /bench:figures -->"""


DOC_HEAD = """# Performance

How fast the site serves a statement that goes viral: cold (page cache off),
from Django's page cache, from the nginx microcache of `deploy/nginx.conf`,
against nginx serving the same HTML as a static file (the ceiling), and how
fast comments can be posted. The figures below are the latest run of
`bench/run.py`; everything outside its markers is kept when it rewrites them.

## Benchmarks: how to run

```sh
.venv/bin/python bench/run.py                 # under 3 minutes; rewrites the figures below
.venv/bin/python bench/run.py --redis         # page cache in Redis (redis-server started by the bench)
.venv/bin/python bench/run.py --database-url postgres://user:pw@127.0.0.1:5432/empty_db
.venv/bin/python bench/run.py --help          # durations, wrk threads and connections, workers …
```

Needs `nginx`, `wrk` and (for `--redis`) `redis-server` from Debian
(`apt-get install nginx wrk redis-server`); nothing needs to be running.
Everything it starts listens on 127.0.0.1 only and is stopped at the end, also
on Ctrl-C; the work directory (database, media, static files, nginx prefix) is
a temporary folder, deleted afterwards (`--keep` to look at it).

What it does: migrates a throwaway database and loads `bench/dataset.py` (one
statement shaped like the reference page — title with a minus sign, two
organizations, an editor's note, a featured image, a figure in the body, twelve
paragraphs — with 50 approved comments, and 200 more statements); measures the
uncached pages in-process (`bench/inprocess.py`); starts gunicorn as `make
serve` does with the page cache off, then on, and nginx with a loopback copy of
`deploy/nginx.conf` (same directives; 127.0.0.1 without TLS); drives each with
wrk; posts comments through nginx with threads that fetch a question, read its
answer from the database and post, then checks that every successful post
stored exactly one comment.

CPU ms/request is the gunicorn workers' user + system time (system in
brackets), read from `/proc` before and after the row (workers recycled by
`--max-requests` included), over the requests wrk completed; the floor row
(`/robots.txt`: the middleware and nothing else) shows what gunicorn and the
middleware cost per request by themselves. wrk's errors are socket errors and
statuses ≥ 400; a row whose responses are on average shorter than the page
counts as an error too (a redirect or a 304 would be).

The load generator runs on the same CPUs as the servers, and so does anything
else running on the machine: compare ratios within one run, and expect CPU
times to grow when the machine is busy (the load average is given with the
figures).
"""


def write_doc(path, figures):
    begin, end = "<!-- bench:figures", "<!-- /bench:figures -->"
    text = path.read_text() if path.exists() else DOC_HEAD
    if begin in text and end in text:
        text = text[: text.index(begin)] + figures + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip() + "\n\n" + figures + "\n"
    path.write_text(text)
