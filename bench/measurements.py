"""What the benchmark measures: wrk rows with the workers' CPU time, the microcache, comment posting."""

import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from bench.processes import HOST, TIMEOUT, BenchError, request, worker_pids

WRK = shutil.which("wrk") or "/usr/bin/wrk"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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
