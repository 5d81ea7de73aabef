#!/usr/bin/env python3
"""Benchmark: a statement that goes viral, cold and cached, through Django and nginx.

    .venv/bin/python bench/run.py                      # SQLite, file cache; writes docs/performance.md
    .venv/bin/python bench/run.py --redis              # the page cache in a Redis it starts itself
    .venv/bin/python bench/run.py --database-url postgres://user:pw@127.0.0.1:5432/empty_db

Everything runs on this machine, on loopback, for a bounded time, and every
process the benchmark starts is stopped at the end (also on Ctrl-C):

1. A throwaway work directory with a SQLite database (or the empty PostgreSQL
   database given), migrated and filled by bench/dataset.py: one statement
   shaped like the reference page with 50 approved comments, and 200 more.
2. In-process (Django's test client, production settings, no page cache): CPU
   ms and queries of the statement and home pages (bench/inprocess.py).
3. gunicorn started as `make serve` does, with PAGE_CACHE_SECONDS=0: wrk on the
   statement and home pages (cold), with the workers' CPU time read from /proc.
4. gunicorn again with the page cache on, and nginx with a loopback copy of
   deploy/nginx.conf (microcache included) in front of it: wrk on both pages
   through Django alone and through nginx, and on the statement page's HTML
   saved as a file and served by the same nginx (the ceiling).
5. Comment posting through nginx: threads that fetch a question, read its
   answer from the database and post; every post must store exactly one comment.

Then docs/performance.md gets the figures, the targets (as ratios to the
ceiling measured in the same run) with PASS/FAIL, and the machine.
"""

import argparse
import http.client
import json
import os
import platform
import re
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
from urllib.parse import quote, urlencode, urlsplit

PROJECT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PYTHON = sys.executable
WORKER_THREADS = "1"  # as the Makefile's THREADS
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
WRK = shutil.which("wrk") or "/usr/bin/wrk"
REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TIMEOUT = 15  # seconds, any single HTTP request of the benchmark's own

# Targets of issue 6, as ratios measured in the same run.
TARGET_DJANGO_SHARE = 0.05  # cached statement via Django >= 5 % of the static ceiling
TARGET_NGINX_SHARE = 0.50  # via the nginx microcache >= 50 % of it
TARGET_COLD_CPU_MS = 12.0  # uncached statement page, CPU per request in the server

WRK_LUA = """\
-- Written by bench/run.py: wrk's totals and latency percentiles as one JSON line.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,' ..
    '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,' ..
    '"max_us":%d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
end
"""


class BenchError(Exception):
    pass


# --- Processes ---------------------------------------------------------------------


class Processes:
    """Every process the benchmark starts, stopped in reverse order by stop_all()."""

    def __init__(self):
        self.running = []  # (name, Popen, stop signal)

    def start(self, name, command, *, stop_signal=signal.SIGTERM, **kwargs):
        # A session of its own: Ctrl-C reaches the benchmark only, which then
        # stops each process in order; nothing is left behind.
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.running.append((name, process, stop_signal))
        return process

    def stop(self, process, timeout=25):
        for entry in list(self.running):
            if entry[1] is process:
                self.running.remove(entry)
                _stop(*entry, timeout=timeout)

    def stop_all(self):
        while self.running:
            _stop(*self.running.pop(), timeout=25)


def _stop(name, process, stop_signal, timeout):
    if process.poll() is not None:
        return
    try:
        process.send_signal(stop_signal)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {name} did not stop within {timeout}s: killing its process group", flush=True)
        os.killpg(process.pid, signal.SIGKILL)  # its own session, started by us
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(description, check, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"{description} exited at start (status {process.returncode})")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{description} did not answer within {timeout}s")


def run_checked(command, env, what, timeout=600):
    result = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise BenchError(f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


# --- HTTP -------------------------------------------------------------------------


def request(port, method, path, body=None, headers=None, cookies=None):
    """One request on a new connection: (status, headers, body)."""
    headers = {"Host": HOST, **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if cookies is not None:
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    cookies[name] = morsel.value
        return response.status, response.headers, data
    finally:
        conn.close()


def expect_page(port, path, marker, label):
    status, headers, body = request(port, "GET", path)
    if status != 200 or marker.encode() not in body:
        raise BenchError(f"{label}: GET {path} gave {status}, {len(body)} bytes, not the page")
    return headers, body


# --- gunicorn, nginx, redis ---------------------------------------------------------


def start_gunicorn(processes, env, port, workers, log):
    command = [
        GUNICORN, "advocacy.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        # The rest exactly as the Makefile's `serve`.
        "--worker-class", "gthread", "--threads", WORKER_THREADS,
        "--timeout", "30", "--graceful-timeout", "20", "--keep-alive", "5",
        "--max-requests", "5000", "--max-requests-jitter", "500",
    ]  # fmt: skip
    process = processes.start(
        f"gunicorn :{port}", command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    wait_for(
        f"gunicorn on {HOST}:{port}",
        lambda: (
            request(port, "GET", "/robots.txt")[0] == 200
            and len(worker_pids(process.pid)) >= workers
        ),
        process,
    )
    return process


def worker_pids(master_pid):
    pids = set()
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return pids


def _stat_fields(pid):
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def server_cpu_seconds(master_pid):
    """CPU time (user, system) of gunicorn's workers: live ones plus those already reaped.

    A worker that exits (max-requests) is waited for by the master, which then
    counts its time in cutime/cstime, so none is lost. The master's own time
    (it only supervises) is left out.
    """
    master = _stat_fields(master_pid)
    user, system = int(master[13]), int(master[14])  # cutime, cstime
    for pid in worker_pids(master_pid):
        try:
            fields = _stat_fields(pid)
        except OSError:
            continue  # exited just now: counted by the master once reaped
        user += int(fields[11])  # utime
        system += int(fields[12])  # stime
    return user / CLOCK_TICKS, system / CLOCK_TICKS


def nginx_conf_for_bench(sample, *, work, app_port, port, ceiling_port, ceiling_root, media):
    """deploy/nginx.conf, made loopback-only: the same directives, other addresses.

    Kept: the upstream, the microcache's proxy_cache_path and maps, and the
    public site's server block with all its locations. Changed: the upstream's
    port, the listen address (127.0.0.1 without TLS: the certificate lines and
    `http2 on` go), the server name, the paths of the cache, the media folder and
    the included snippet. Dropped: the catch-all and port-80 redirect servers.
    Every change must apply exactly as expected, or the benchmark stops: if the
    sample changes shape, this has to be updated rather than silently measure
    something else.
    """
    blocks = _top_level_items(re.sub(r"\n[ \t]*(?=\n)", "", _without_comments(sample)))
    kept = []
    site = None
    for item in blocks:
        if item.startswith("server") and "ssl_certificate" in item:
            if site is not None:
                raise BenchError("deploy/nginx.conf: more than one TLS server block")
            site = item
        elif not item.startswith("server"):
            kept.append(item)
    if site is None:
        raise BenchError("deploy/nginx.conf: no TLS server block (the public site) found")

    def sub(pattern, replacement, text, count=1):
        new, found = re.subn(pattern, replacement, text)
        if found != count and not (count == -1 and found):
            raise BenchError(f"deploy/nginx.conf: expected {pattern!r} {count}×, found {found}")
        return new

    site = sub(r"listen\s+443\s+ssl(\s+http2)?\s*;", f"listen {HOST}:{port};", site)
    site = sub(r"\n\s*http2\s+on\s*;", "", site, count=-1) if "http2 on" in site else site
    site = sub(r"\n\s*ssl_certificate(_key)?\s+[^;]+;", "", site, count=2)
    site = sub(r"server_name\s+[^;]+;", f"server_name {HOST};", site)
    site = sub(r"alias\s+/srv/advocacy/media/\s*;", f"alias {media}/;", site)
    site = sub(
        r"include\s+/etc/nginx/snippets/advocacy-proxy\.conf\s*;",
        f"include {PROJECT / 'deploy' / 'advocacy-proxy.conf'};",
        site,
        count=-1,
    )
    head = "\n".join(kept)
    head = sub(r"server\s+127\.0\.0\.1:8000\s*;", f"server {HOST}:{app_port};", head)
    head = sub(r"proxy_cache_path\s+\S+", f"proxy_cache_path {work}/micro", head)
    if "keys_zone=advocacy_micro:" not in head:
        raise BenchError("deploy/nginx.conf: no advocacy_micro cache zone")
    user = "user root root;\n" if os.geteuid() == 0 else ""  # files are in our 0700 work dir
    temp = "".join(
        f"    {kind}_temp_path {work}/tmp/{kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""# Generated by bench/run.py from deploy/nginx.conf; loopback only, deleted after the run.
{user}worker_processes auto;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{
    worker_connections 4096;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    # Only requests that reached gunicorn (no upstream address: nginx answered).
    log_format upstream '$upstream_addr';
    access_log {work}/upstream.log upstream if=$upstream_addr;
{temp}
    # --- from deploy/nginx.conf ---
{head}

{site}
    # --- end of deploy/nginx.conf ---

    # The ceiling: the statement page's HTML, saved once, served as a file.
    server {{
        listen {HOST}:{ceiling_port};
        server_name {HOST};
        keepalive_timeout 20s;
        location / {{
            root {ceiling_root};
            default_type text/html;
        }}
    }}
}}
"""


def _without_comments(text):
    """The nginx file without its # comments (a # inside quotes is not one)."""
    out, quote, skipping = [], None, False
    for i, char in enumerate(text):
        if skipping:
            if char == "\n":
                skipping = False
                out.append(char)
            continue
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "#":
            skipping = True
            continue
        out.append(char)
    return "".join(out)


def _top_level_items(text):
    """Split an nginx file (comments removed) into its top-level directives and blocks."""
    items, depth, start, quote = [], 0, 0, None
    for i, char in enumerate(text):
        if quote:
            if char == quote and text[i - 1] != "\\":
                quote = None
        elif char in "\"'":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                items.append(text[start : i + 1].strip())
                start = i + 1
        elif char == ";" and depth == 0:
            items.append(text[start : i + 1].strip())
            start = i + 1
    if depth or text[start:].strip():
        raise BenchError("deploy/nginx.conf: unbalanced braces or a directive without ';'")
    return [item for item in items if item]


def start_nginx(processes, conf_text, work):
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(conf_text)
    base = [NGINX, "-p", f"{work}/", "-c", str(conf), "-e", str(work / "error.log")]
    check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        raise BenchError(f"nginx -t refused the generated config {conf}:\n{check.stderr}")
    # SIGQUIT: graceful stop of the master and its workers.
    return processes.start(
        "nginx", base, stop_signal=signal.SIGQUIT, stdout=subprocess.DEVNULL, stderr=None
    )


def start_redis(processes, work):
    port = free_port()
    command = [
        REDIS, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no",
        "--dir", str(work), "--protected-mode", "yes", "--loglevel", "warning",
    ]  # fmt: skip
    process = processes.start("redis-server", command, stdout=subprocess.DEVNULL)

    def ping():
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")

    wait_for("redis-server", ping, process, timeout=20)
    return port


def check_microcache(port, statement_path):
    """Who the microcache serves: X-Micro-Cache of a few requests, as expected or an error."""
    cases = [
        ("anonymous GET", "GET", statement_path, {}, {"HIT"}),
        ("session cookie", "GET", statement_path, {"Cookie": "sessionid=bench"}, {"BYPASS"}),
        ("messages cookie", "GET", statement_path, {"Cookie": "a=1; messages=x"}, {"BYPASS"}),
        # POST: not a cache method, so no status at all (never looked up, never stored).
        ("POST", "POST", statement_path, {"Content-Length": "0"}, {"BYPASS", "none"}),
        ("the question", "GET", "/comments/question/", {}, {"BYPASS"}),
        ("search", "GET", "/search/?q=heating", {}, {"BYPASS"}),
        ("admin", "GET", "/admin/login/", {}, {"BYPASS"}),
    ]
    seen = {}
    for label, method, path, headers, expected in cases:
        request(port, method, path, headers=headers)  # a second time: would it be stored?
        status = request(port, method, path, headers=headers)[1].get("X-Micro-Cache", "none")
        if status not in expected:
            raise BenchError(f"microcache, {label}: X-Micro-Cache {status}, expected {expected}")
        seen[label] = status
    return seen


# --- wrk ----------------------------------------------------------------------------


def wrk(processes, url, options, lua, duration=None):
    duration = duration or options.duration
    command = [
        WRK, f"-t{options.threads}", f"-c{options.connections}", f"-d{duration}s",
        "--timeout", "10s", "-s", str(lua), "--latency", url,
    ]  # fmt: skip
    process = processes.start("wrk", command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=duration + 60)
    finally:
        processes.stop(process, timeout=5)
    line = next((x for x in out.decode().splitlines() if x.startswith("WRK_JSON ")), None)
    if line is None:
        raise BenchError(f"wrk gave no result for {url}:\n{out.decode()}\n{err.decode()}")
    result = json.loads(line.removeprefix("WRK_JSON "))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def measure(processes, label, port, path, options, lua, expected, cpu_of=None):
    """Warm up, then wrk for options.duration; optionally the server's CPU per request."""
    url = f"http://{HOST}:{port}{path}"
    if options.warmup:
        wrk(processes, url, options, lua, duration=options.warmup)
    before = server_cpu_seconds(cpu_of) if cpu_of else None
    result = wrk(processes, url, options, lua)
    if cpu_of:
        user, system = (b - a for a, b in zip(before, server_cpu_seconds(cpu_of), strict=True))
        result["cpu_ms"] = (user + system) * 1000 / max(1, result["requests"])
        result["cpu_sys_ms"] = system * 1000 / max(1, result["requests"])
    # wrk counts statuses >= 400 as errors; a redirect or a 304 would be short instead.
    result["short"] = not result["requests"] or result["bytes"] / result["requests"] < expected
    if result["short"]:
        result["errors"] += 1
    result["label"] = label
    print(
        f"  {label:<48} {result['rps']:>9.1f} req/s  p50 {result['p50_us'] / 1000:7.2f} ms"
        f"  p99 {result['p99_us'] / 1000:7.2f} ms  errors {result['errors']}"
        + (f"  CPU {result['cpu_ms']:.2f} ms/req" if cpu_of else ""),
        flush=True,
    )
    return result


# --- Comment posting ---------------------------------------------------------------------


class Database:
    """Reads a question's answer (and the comments stored) straight from the database."""

    def __init__(self, url):
        self.url = url
        self.local = threading.local()
        self.connections = []
        self.lock = threading.Lock()

    def _connection(self):
        if not hasattr(self.local, "conn"):
            if self.url.startswith("sqlite:"):
                path = "/" + urlsplit(self.url).path.lstrip("/")  # sqlite:////abs/path
                conn = sqlite3.connect(
                    f"file:{quote(path)}?mode=ro", uri=True, timeout=10, check_same_thread=False
                )
            else:
                import psycopg2  # the project's own PostgreSQL driver

                conn = psycopg2.connect(self.url)
                conn.autocommit = True
            self.local.conn = conn
            with self.lock:
                self.connections.append(conn)
        return self.local.conn

    def query(self, sql, *params):
        conn = self._connection()
        mark = "?" if self.url.startswith("sqlite:") else "%s"
        cursor = conn.cursor()
        try:
            cursor.execute(sql.replace("?", mark), params)
            return cursor.fetchall()
        finally:
            cursor.close()

    def close(self):
        with self.lock:
            for conn in self.connections:
                conn.close()
            self.connections.clear()


def post_comments(port, db, slug, options):
    """Threads that each, in turn: fetch a question, read its answer, post a comment."""
    run_id = secrets.token_hex(4)
    deadline = time.monotonic() + options.duration
    lock = threading.Lock()
    latencies = {"question": [], "post": []}
    errors = {}
    posted, keys, cache_status = [], [], set()

    def note_error(what):
        with lock:
            errors[what] = errors.get(what, 0) + 1

    def visitor(index):
        try:
            post_in_turn(index)
        except Exception as exc:  # reported as an error of the run, not a silent thread
            note_error(f"poster stopped: {type(exc).__name__}: {exc}")

    def post_in_turn(index):
        number = 0
        while time.monotonic() < deadline:
            number += 1
            cookies = {}
            started = time.perf_counter()
            try:
                status, headers, body = request(
                    port, "GET", "/comments/question/", cookies=cookies
                )
            except OSError as exc:
                note_error(f"question: {type(exc).__name__}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies["question"].append(elapsed)
                cache_status.add(headers.get("X-Micro-Cache", "none"))
            if status != 200:
                note_error(f"question: {status}")
                continue
            question = json.loads(body)
            rows = db.query(
                "SELECT response FROM captcha_captchastore WHERE hashkey = ?", question["key"]
            )
            marker = f"bench-{run_id}-{index}-{number}"
            form = urlencode(
                {
                    "csrfmiddlewaretoken": question["csrf_token"],
                    "body": f"{marker}: we stand with the tenants of block C.",
                    "name": f"Bench visitor {index}",
                    "email": f"visitor{index}@bench.example",
                    "website": "",
                    "parent": "",
                    "homepage": "",
                    "form_time": question["form_time"],
                    "captcha_0": question["key"],
                    "captcha_1": rows[0][0] if rows else "",
                }
            ).encode()
            started = time.perf_counter()
            try:
                status, _, _ = request(
                    port,
                    "POST",
                    f"/comments/statements/{slug}/post/",
                    body=form,
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    cookies=cookies,
                )
            except OSError as exc:
                note_error(f"post: {type(exc).__name__}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                latencies["post"].append(elapsed)
                keys.append(question["key"])
                if status == 303:
                    posted.append(marker)
            if status != 303:
                note_error(f"post: {status}")

    started = time.monotonic()
    threads = [
        threading.Thread(target=visitor, args=(i,), daemon=True) for i in range(options.posters)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=options.duration + TIMEOUT * 3)
    wall = time.monotonic() - started

    # Exactly one stored comment per successful post, and none for the others.
    stored = [
        row[0].split(":", 1)[0]
        for row in db.query(
            "SELECT body FROM comments_comment WHERE body LIKE ?", f"bench-{run_id}-%"
        )
    ]
    duplicates = len(stored) - len(set(stored))
    missing = len(set(posted) - set(stored))
    unexpected = len(set(stored) - set(posted))
    if duplicates or missing or unexpected:
        errors["stored ≠ posted"] = duplicates + missing + unexpected
    if len(set(keys)) != len(keys):
        errors["a question key served twice"] = len(keys) - len(set(keys))
    if "HIT" in cache_status or "STALE" in cache_status or "UPDATING" in cache_status:
        errors["question served from the microcache"] = 1
    result = {
        "label": "comment posting (question + post, via nginx)",
        "posts": len(posted),
        "rps": len(posted) / wall,
        "stored": len(stored),
        "duplicates": duplicates,
        "missing": missing,
        "unexpected": unexpected,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "question_cache_status": sorted(cache_status),
        "wall": wall,
    }
    for step, values in latencies.items():
        ordered = sorted(values)
        result[f"{step}_p50_ms"] = percentile(ordered, 0.50) * 1000
        result[f"{step}_p99_ms"] = percentile(ordered, 0.99) * 1000
    print(
        f"  {result['label']:<48} {result['rps']:>9.1f} posts/s  post p50 "
        f"{result['post_p50_ms']:.1f} ms  p99 {result['post_p99_ms']:.1f} ms  "
        f"errors {result['errors']} {errors or ''}  stored {len(stored)}/{len(posted)}",
        flush=True,
    )
    return result


def percentile(ordered, fraction):
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


# --- Machine and report ----------------------------------------------------------------


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


# --- Main ------------------------------------------------------------------------------


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    cpus = os.cpu_count() or 1
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--redis", action="store_true", help="page cache in a Redis of its own")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk row")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of wrk before each row")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2 * cpus + 1, help="as `make serve`")
    parser.add_argument("--posters", type=int, default=4, help="comment-posting threads")
    parser.add_argument("--renders", type=int, default=200, help="in-process renders per page")
    parser.add_argument("--profile", type=int, default=0, help="print a cProfile (top N)")
    parser.add_argument("--output", default=str(PROJECT / "docs" / "performance.md"))
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    options = parser.parse_args()
    if not 1 <= options.duration <= 60 or not 0 <= options.warmup <= 30:
        parser.error("--duration is 1 to 60 seconds, --warmup 0 to 30")
    if not 1 <= options.connections <= 1000 or not 1 <= options.threads <= options.connections:
        parser.error("--connections 1 to 1000, --threads 1 to --connections")
    if options.database_url:
        host = urlsplit(options.database_url).hostname
        if not options.database_url.startswith(("postgres://", "postgresql://")):
            parser.error("--database-url: a postgres:// URL (SQLite is the default)")
        if host not in (None, "", "127.0.0.1", "localhost", "::1"):
            parser.error("loopback only: the database must be on this machine")
    for tool in (NGINX, WRK, *([REDIS] if options.redis else [])):
        if not os.access(tool, os.X_OK):
            parser.error(f"{tool} not found (apt-get install nginx wrk redis-server)")

    # SIGTERM (e.g. a CI timeout) stops everything the same way as Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    info = machine(options.database_url or "sqlite", options.redis)  # before any load
    work = Path(tempfile.mkdtemp(prefix="advocacy-bench-"))
    processes = Processes()
    db = None
    logs = []
    try:
        database_url = options.database_url or f"sqlite:///{work / 'bench.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if k in {"PATH", "LANG", "TMPDIR"}}
        env.update(
            # gunicorn ≥ 24 puts a control socket in ~/.gunicorn: ours stays in the work dir.
            HOME=str(work),
            DJANGO_SETTINGS_MODULE="advocacy.settings",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            DATABASE_URL=database_url,
            STATIC_ROOT=str(work / "static"),
            MEDIA_ROOT=str(work / "media"),
            CACHE_URL=f"file://{work / 'cache'}",
            SERVE_MEDIA="1",
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
            # Every poster is 127.0.0.1 and a script types fast: lift both limits.
            COMMENTS_RATE_LIMIT="1000000000",
            COMMENTS_MIN_SECONDS="0",
            LOG_LEVEL="WARNING",
        )
        if options.redis:
            env["CACHE_URL"] = f"redis://{HOST}:{start_redis(processes, work)}/0"
        print(f"work directory {work}", flush=True)
        print("preparing: migrate, collectstatic, data set …", flush=True)
        run_checked([PYTHON, "manage.py", "migrate", "--noinput"], env, "migrate")
        run_checked(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            env,
            "collectstatic",
        )
        data = json.loads(
            run_checked([PYTHON, "bench/dataset.py"], env, "bench/dataset.py").splitlines()[-1]
        )
        statement_path, title = data["path"], data["title"]
        print(
            f"  {data['statements']} published statements; {statement_path} "
            f"with {data['comments']} comments",
            flush=True,
        )

        cold_env = {**env, "PAGE_CACHE_SECONDS": "0"}
        print(f"in-process: {options.renders} renders per page, page cache off …", flush=True)
        command = [PYTHON, "bench/inprocess.py", statement_path, "/", "--breakdown"]
        command += ["--renders", str(options.renders)]
        if options.profile:
            command += ["--profile", str(options.profile)]
        output = run_checked(command, cold_env, "bench/inprocess.py")
        statement, home = json.loads(output.splitlines()[0])
        inproc = {"statement": statement, "home": home}
        if options.profile:
            print("\n".join(output.splitlines()[1:]))
        for page in ("statement", "home"):
            r = inproc[page]
            print(f"  {page:<10} {r['cpu_ms']:.2f} ms CPU, {r['queries']} queries", flush=True)

        lua = work / "report.lua"
        lua.write_text(WRK_LUA)
        results, extra = [], {}

        def row(key, *args, **kwargs):
            result = measure(processes, *args, **kwargs)
            result["key"] = key
            results.append(result)
            return result

        # Cold: the page cache off, every request rendered.
        port = free_port()
        log = open(work / "gunicorn-cold.log", "wb")
        logs.append(log)
        print(f"gunicorn, page cache off: {options.workers} workers on {HOST}:{port}", flush=True)
        cold = start_gunicorn(processes, cold_env, port, options.workers, log)
        _, page = expect_page(port, statement_path, title, "cold statement")
        _, home_page = expect_page(port, "/", "<html", "cold home")
        for key, label, path, size in (
            ("cold_statement", "cold statement page", statement_path, len(page)),
            ("cold_home", "cold home page", "/", len(home_page)),
        ):
            row(key, label, port, path, options, lua, size, cpu_of=cold.pid)
        # The same page one request at a time: its cost without contention for the CPUs.
        single = argparse.Namespace(**{**vars(options), "threads": 1, "connections": 1})
        row("cold_single", "cold statement page, 1 connection", port, statement_path, single,
            lua, len(page), cpu_of=cold.pid)  # fmt: skip
        processes.stop(cold)

        # Cached: Django's page cache alone, then nginx's microcache in front.
        port, nginx_port, ceiling_port = free_port(), free_port(), free_port()
        log = open(work / "gunicorn.log", "wb")
        logs.append(log)
        print(f"gunicorn, page cache on: {options.workers} workers on {HOST}:{port}", flush=True)
        app = start_gunicorn(processes, env, port, options.workers, log)
        robots = request(port, "GET", "/robots.txt")[2]
        request(port, "GET", statement_path)  # stores the page
        headers, page = expect_page(port, statement_path, title, "cached statement")
        _, home_page = expect_page(port, "/", "<html", "cached home")
        ceiling_root = work / "ceiling"
        ceiling_root.mkdir()
        (ceiling_root / "statement.html").write_bytes(page)
        conf = nginx_conf_for_bench(
            (PROJECT / "deploy" / "nginx.conf").read_text(),
            work=work / "nginx",
            app_port=port,
            port=nginx_port,
            ceiling_port=ceiling_port,
            ceiling_root=ceiling_root,
            media=work / "media",
        )
        print(f"nginx: microcache on {HOST}:{nginx_port}, ceiling on :{ceiling_port}", flush=True)
        nginx = start_nginx(processes, conf, work / "nginx")
        wait_for(
            "nginx",
            lambda: request(ceiling_port, "GET", "/statement.html")[0] == 200,
            nginx,
            timeout=20,
        )
        request(nginx_port, "GET", statement_path)
        micro, via_nginx = expect_page(nginx_port, statement_path, title, "nginx statement")
        if micro.get("X-Micro-Cache") != "HIT":
            raise BenchError(
                f"the microcache did not keep the statement page (X-Micro-Cache: "
                f"{micro.get('X-Micro-Cache')}; Cache-Control: {headers.get('Cache-Control')})"
            )
        extra["microcache"] = check_microcache(nginx_port, statement_path)
        print(
            f"  statement page: {len(page)} bytes; microcache: {extra['microcache']}", flush=True
        )

        row("floor", "floor: /robots.txt via Django", port, "/robots.txt", options, lua,
            len(robots), cpu_of=app.pid)  # fmt: skip
        row("django_statement", "statement via Django", port, statement_path, options, lua,
            len(page), cpu_of=app.pid)  # fmt: skip
        row("django_home", "home via Django", port, "/", options, lua, len(home_page),
            cpu_of=app.pid)  # fmt: skip
        upstream_log = work / "nginx" / "upstream.log"
        before = upstream_log.read_bytes().count(b"\n") if upstream_log.exists() else 0
        row("nginx_statement", "statement via nginx microcache", nginx_port, statement_path,
            options, lua, len(page))  # fmt: skip
        row("nginx_home", "home via nginx microcache", nginx_port, "/", options, lua,
            len(home_page))  # fmt: skip
        time.sleep(0.5)  # nginx writes its log lines as requests end
        after = upstream_log.read_bytes().count(b"\n") if upstream_log.exists() else 0
        extra["nginx_app_requests"] = after - before
        row("static", "statement as a static file (nginx)", ceiling_port, "/statement.html",
            options, lua, len(page))  # fmt: skip

        print(f"comment posting: {options.posters} threads, {options.duration:g}s", flush=True)
        db = Database(database_url)
        posting = post_comments(nginx_port, db, data["slug"], options)

        figures = report(results, extra, inproc, posting, info, options, options.workers)
        print()
        print(figures)
        if not options.no_write:
            write_doc(Path(options.output), figures)
            print(f"\nwritten to {options.output}")
        return 0
    except BenchError as exc:
        print(f"\nbenchmark failed: {exc}", file=sys.stderr)
        for log in logs:
            log.flush()
        for name in ("gunicorn-cold.log", "gunicorn.log", "nginx/error.log"):
            path = work / name
            if path.exists() and path.stat().st_size:
                tail = path.read_text(errors="replace")[-2000:]
                print(f"--- {name} (end) ---\n{tail}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: stopping everything", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        processes.stop_all()
        if db is not None:
            db.close()
        for log in logs:
            log.close()
        if options.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
