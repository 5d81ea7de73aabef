"""Two app servers behind nginx (deploy/advocacy-upstream.conf), sharing PostgreSQL, Redis
and an S3 bucket: what one server changes, the other shows at once; one dying costs nothing.
"""

import json
import re
import threading
import time
import urllib.request
from collections import Counter

import pytest

from tests import factories
from tests.reliability.live import CONNECTION_ERRORS, Client

from .stack import kill_server
from .support import login, post_comment, publish_in_admin, query, shell, upload_image

pytestmark = pytest.mark.multiserver


@pytest.fixture(scope="module")
def statement(stack):
    slug = shell(
        stack,
        "from tests import factories; "
        "s = factories.make_published('Two servers, one truth', "
        "body='<p>Every visitor sees the same page.</p>'); "
        "factories.make_moderator('ms-moderator'); print(s.pk, s.slug)",
    ).split()
    return int(slug[-2]), slug[-1]


def test_nginx_balances_over_both_servers(stack, statement):
    upstreams = Counter(
        stack.front().get(f"/statements/{statement[1]}/").headers.get("x-upstream")
        for _ in range(20)
    )
    assert set(upstreams) == {f"127.0.0.1:{stack.a.port}", f"127.0.0.1:{stack.b.port}"}


def test_healthz_through_nginx_and_on_each_server(stack):
    for port in (stack.nginx.port, stack.a.port, stack.b.port):
        response = Client(port).get("/healthz")
        assert response.status == 200
        assert json.loads(response.body) == {"status": "ok", "database": "ok", "cache": "ok"}


def test_approved_on_b_the_page_on_a_shows_it_at_once(stack, statement):
    _pk, slug = statement
    path = f"/statements/{slug}/"
    for port in (stack.a.port, stack.b.port):
        Client(port).get(path)  # both servers' visitors have it cached
    body = f"Approved on B, seen on A {time.time_ns()}."
    assert post_comment(stack.front(), stack, slug, body).status == 303
    (comment_id,) = query(stack, "SELECT id FROM comments_comment WHERE body = %s", [body])[0]
    moderator = login(stack.b.port, "ms-moderator")
    changelist = "/admin/comments/comment/"
    moderator.get(changelist)
    approved_at = time.monotonic()
    response = moderator.post_form(
        changelist,
        {
            "csrfmiddlewaretoken": moderator.cookies["csrftoken"],
            "action": "approve",
            "_selected_action": str(comment_id),
        },
    )
    assert response.status == 302
    page_on_a = Client(stack.a.port).get(path)
    visible_after = time.monotonic() - approved_at
    assert body in page_on_a.text
    for _ in range(6):  # and through nginx, whichever server answers
        assert body in stack.front().get(path).text
    print(f"\nApprove on B -> visible on A: {visible_after * 1000:.0f} ms")


def test_a_statement_published_elsewhere_and_a_scheduled_one_appear_on_both(stack):
    for port in (stack.a.port, stack.b.port):
        Client(port).get("/")  # the home page cached on both
    title = f"Published from another process {time.time_ns()}"
    shell(
        stack,
        f"from tests import factories; factories.make_published({title!r}, days_ago=0, organizations=[])",
    )
    for port in (stack.a.port, stack.b.port):
        assert title in Client(port).get("/").text

    scheduled = f"Scheduled for five seconds from now {time.time_ns()}"
    shell(
        stack,
        "from datetime import timedelta; from django.utils import timezone; "
        "from tests import factories; "
        f"factories.make_scheduled({scheduled!r}, publish_at=timezone.now() + timedelta(seconds=5), organizations=[])",
    )
    due = time.monotonic() + 5
    for port in (stack.a.port, stack.b.port):
        assert scheduled not in Client(port).get("/").text
    time.sleep(max(0, due - time.monotonic()) + 1.0)
    for port in (stack.a.port, stack.b.port):
        assert scheduled in Client(port).get("/").text  # no cron, no request to publish it


def test_an_image_uploaded_through_a_is_served_with_its_copies_through_b(stack):
    alt = f"Uploaded in the admin of A {time.time_ns()}"
    shell(stack, "from tests import factories; factories.make_editor('ms-uploader')")
    response = upload_image(login(stack.a.port, "ms-uploader"), alt, factories.jpeg_with_gps())
    assert response.status == 302, response.text[:500]
    ((image_id,),) = query(stack, "SELECT id FROM statements_image WHERE alt_text = %s", [alt])
    slug = shell(
        stack,
        "from tests import factories; from statements.models import Image; "
        f"s = factories.make_published('With a photo', featured_image=Image.objects.get(pk={image_id}), "
        "organizations=[]); print(s.slug)",
    ).split()[-1]
    deadline = time.monotonic() + 30  # the worker makes the copies
    while time.monotonic() < deadline:
        rows = query(
            stack, "SELECT renditions::text FROM statements_image WHERE id = %s", [image_id]
        )
        if rows and rows[0][0] != "[]":
            break
        time.sleep(0.3)
    else:
        raise AssertionError("the worker made no copies within 30 s")
    page = Client(stack.b.port).get(f"/statements/{slug}/").text
    assert f"{stack.s3.endpoint}/media/library/" in page
    urls = sorted(set(re.findall(rf"{re.escape(stack.s3.endpoint)}/media/[^\"' ,]+", page)))
    assert any("-480." in url for url in urls), urls
    for url in urls:
        with urllib.request.urlopen(url, timeout=5) as got:
            data = got.read()
            assert got.status == 200
            assert b"Exif" not in data[:4096]


def test_one_server_killed_under_load_visitors_keep_getting_pages(stack, statement):
    """50 requests a second for 20 s through nginx; server A SIGKILLed at 5 s, back at 12 s."""
    statement_id, slug = statement
    paths = ["/", f"/statements/{slug}/", "/healthz"]
    results, posts = [], []
    stop = threading.Event()

    def load():
        client = stack.front()
        i = 0
        while not stop.is_set():
            started = time.monotonic()
            try:
                results.append(client.get(paths[i % len(paths)], timeout=5).status)
            except CONNECTION_ERRORS as exc:
                results.append(type(exc).__name__)
            i += 1
            time.sleep(max(0, 0.04 - (time.monotonic() - started)))  # ~25/s per thread

    def comments():
        client = stack.front()
        for n in range(30):
            if stop.is_set():
                break
            body = f"Comment {n} under load {time.time_ns()}."
            try:
                posts.append((body, post_comment(client, stack, slug, body).status))
            except CONNECTION_ERRORS as exc:
                posts.append((body, type(exc).__name__))
            time.sleep(0.4)

    threads = [threading.Thread(target=load, daemon=True) for _ in range(2)]
    threads.append(threading.Thread(target=comments, daemon=True))
    for thread in threads:
        thread.start()
    try:
        time.sleep(5)
        kill_server(stack.a)
        time.sleep(7)
        stack.a.start()
        time.sleep(8)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    counts = Counter(results)
    print(f"\nGETs through nginx while A died and came back: {dict(counts)}")
    print(f"Comment posts: {dict(Counter(status for _, status in posts))}")
    assert len(results) > 600
    assert counts[200] == len(results), counts
    for body, status in posts:
        stored = query(stack, "SELECT count(*) FROM comments_comment WHERE body = %s", [body])
        if status == 303:
            assert stored[0][0] == 1, (body, status)
        else:  # cut off mid-request: stored once or not at all, never twice
            assert stored[0][0] <= 1, (body, status)
    assert sum(1 for _, status in posts if status == 303) >= len(posts) - 2


def test_redis_restarted_pages_are_served_and_nothing_is_stale_after(stack, statement):
    _pk, slug = statement
    path = f"/statements/{slug}/"
    body = f"Approved while Redis was down {time.time_ns()}."
    assert post_comment(stack.front(), stack, slug, body).status == 303
    for port in (stack.a.port, stack.b.port):
        assert body not in Client(port).get(path).text  # cached without it
    stack.redis.kill()
    try:
        statuses = Counter(stack.front().get(p).status for p in ["/", path] * 10)
        assert statuses == Counter({200: 20})
        shell(
            stack,
            "from comments import moderation; from comments.models import Comment; "
            f"moderation.approve(Comment.objects.filter(body={body!r}))",
        )
        assert body in stack.front().get(path).text  # rendered, the cache being down
    finally:
        stack.redis.start()
    for port in (stack.a.port, stack.b.port, stack.nginx.port):
        assert body in Client(port).get(path).text


def test_an_editor_publishes_in_the_admin_of_a_and_visitors_of_b_see_it_at_once(stack):
    title = f"Published in the admin of A {time.time_ns()}"
    pk = shell(
        stack,
        "from tests import factories; factories.make_editor('ms-editor'); "
        # Its own organization: factory names count from 1 in each process.
        f"o = factories.make_organization({title + ' publishers'!r}); "
        f"print(factories.make_draft({title!r}, organizations=[o]).pk)",
    ).split()[-1]
    for port in (stack.a.port, stack.b.port):
        assert title not in Client(port).get("/").text  # the home page cached on both
    publish_in_admin(login(stack.a.port, "ms-editor"), pk)
    published_at = time.monotonic()
    on_b = Client(stack.b.port).get("/").text
    visible_after = time.monotonic() - published_at
    assert title in on_b
    for _ in range(6):  # and through nginx, whichever server answers
        assert title in stack.front().get("/").text
    (status,) = query(stack, "SELECT status FROM statements_statement WHERE id = %s", [pk])[0]
    assert status == "published"
    print(f"\nPublished in A's admin -> on B's home page: {visible_after * 1000:.0f} ms")
