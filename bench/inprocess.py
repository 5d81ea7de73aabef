"""In-process cost of uncached pages; run by bench/run.py with the server's environment.

    PAGE_CACHE_SECONDS=0 DJANGO_SETTINGS_MODULE=advocacy.settings … \
        python bench/inprocess.py /statements/<slug>/ / --renders 200 [--profile 25]

For each path: renders it with Django's test client (the production settings
and middleware, no page cache), counts the queries of one request with
CaptureQueriesContext, then renders it N times and reports CPU
(time.process_time) and wall milliseconds per request. With --breakdown, the
first path (a statement page) is also measured without its comment thread and
without its comment form, and its database lookup alone, to show what each
part costs. With --profile, a cProfile of the first path's renders is printed
(top functions by own time, then by cumulative time). Prints one line of JSON,
then the profile if asked.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advocacy.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

HOST = settings.ALLOWED_HOSTS[0]


def get(client, path):
    response = client.get(path, HTTP_HOST=HOST)
    if response.status_code != 200:
        sys.exit(f"GET {path}: {response.status_code}")
    return response


def measure(path, renders):
    client = Client()
    for _ in range(10):  # warm: template loader cache, imports, connection
        get(client, path)
    with CaptureQueriesContext(connection) as queries:
        size = len(get(client, path).content)
    # captured_queries is read lazily from the connection's log: copy it now.
    sql = [query["sql"] for query in queries.captured_queries]
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(renders):
        get(client, path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "path": path,
        "queries": len(sql),
        "sql": sql,
        "bytes": size,
        "renders": renders,
        "cpu_ms": cpu / renders * 1000,
        "wall_ms": wall / renders * 1000,
    }


def cpu_ms(call, renders):
    for _ in range(5):
        call()
    # The least of a few rounds: other processes on the machine only ever add.
    rounds = []
    for _ in range(4):
        started = time.process_time()
        for _ in range(max(1, renders // 4)):
            call()
        rounds.append((time.process_time() - started) / max(1, renders // 4) * 1000)
    return min(rounds)


def breakdown(path, renders):
    """CPU ms of the statement page and of its parts, each timed on its own.

    The parts are done here as the page does them (bench only: it reaches into
    comments.thread and the templates by name): the statement's lookup,
    the comment thread (its query, nesting and markup), the comment form
    (the form and its template), and a minimal page through the same
    middleware. What is left is the view, the statement's own markup and the
    base template.
    """
    from django.template.loader import get_template
    from django.test import RequestFactory

    from comments.forms import CommentForm
    from comments.thread import build_thread, thread_steps
    from statements.models import Statement

    client = Client()
    slug = path.rstrip("/").rsplit("/", 1)[-1]
    statement = Statement.objects.published().for_detail().get(slug=slug)
    form_template = get_template("comments/_form.html")
    thread_template = get_template("comments/_thread.html")
    request = RequestFactory().get(path, HTTP_HOST=HOST)

    def thread():
        comments = statement.comments.visible_to([]).thread_rows()
        steps = thread_steps(
            build_thread(comments), comments_open=True, max_depth=settings.COMMENTS_MAX_DEPTH
        )
        return thread_template.render({"statement": statement, "section": {"thread": steps}})

    def form():
        # As with the page cache off: the form has a CSRF token.
        context = {"form": CommentForm(statement), "statement": statement, "page_cacheable": False}
        return form_template.render(context, request)

    parts = {
        "page": cpu_ms(lambda: get(client, path), renders),
        "statement lookup (the statement, its notes, previous and next)": cpu_ms(
            lambda: Statement.objects.published().for_detail().get(slug=slug).page_relations(),
            renders,
        ),
        "comment thread (query, nesting, markup)": cpu_ms(thread, renders),
        "comment form (form, templates)": cpu_ms(form, renders),
        "middleware and gunicorn-free request cycle (/robots.txt)": cpu_ms(
            lambda: get(client, "/robots.txt"), renders
        ),
    }
    parts["the rest (view, statement markup, base template)"] = parts["page"] - sum(
        value for name, value in parts.items() if name != "page"
    )
    return parts


def profile(path, renders, top):
    client = Client()
    get(client, path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(renders):
        get(client, path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--renders", type=int, default=200)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    parser.add_argument("--breakdown", action="store_true", help="cost of the page's parts")
    options = parser.parse_args()
    if settings.PAGE_CACHE_SECONDS:
        sys.exit("Run with PAGE_CACHE_SECONDS=0: this measures uncached pages.")
    results = [measure(path, options.renders) for path in options.paths]
    if options.breakdown:
        results[0]["breakdown"] = breakdown(options.paths[0], options.renders)
    print(json.dumps(results))
    if options.profile:
        print(profile(options.paths[0], max(20, options.renders // 4), options.profile))


if __name__ == "__main__":
    main()
