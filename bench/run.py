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

This file is the entry point and the order of the steps; the parts live beside
it: bench/processes.py (starting and stopping gunicorn, nginx and redis),
bench/servers.py (the servers' environment, deploy/nginx.conf made
loopback-only), bench/measurements.py (wrk rows, CPU from /proc, the
microcache, comment posting) and bench/report.py (the machine, the targets and
docs/performance.md).
"""

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

# Run as `python bench/run.py`: the project is not on the path, only bench/ is.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.measurements import WRK, WRK_LUA, Database, check_microcache, measure, post_comments
from bench.processes import (
    HOST,
    NGINX,
    PROJECT,
    PYTHON,
    REDIS,
    BenchError,
    Processes,
    expect_page,
    free_port,
    request,
    run_checked,
    start_gunicorn,
    start_nginx,
    start_redis,
    wait_for,
)
from bench.report import machine, report, write_doc
from bench.servers import nginx_conf_for_bench, server_environment


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
        env = server_environment(work, database_url)
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
