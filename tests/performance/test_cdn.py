"""A CDN in front: cached pages name their tags, and invalidations purge the CDN by tag."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from advocacy import cdn
from comments import moderation
from comments.models import Comment
from tests import factories
from tests.comments.conftest import make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


class FakeCDNApi:
    """A real HTTP server on 127.0.0.1 that records what a purge sends (status is settable)."""

    def __init__(self):
        self.requests = []
        self.status = 200
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                api.requests.append(
                    {
                        "path": self.path,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status": "ok"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def cdn_api(settings):
    api = FakeCDNApi()
    settings.CDN_API_URL = api.url
    settings.CDN_PURGE_TOKEN = "token-123"
    settings.CDN_FASTLY_SERVICE_ID = "svc1"
    settings.CDN_CLOUDFLARE_ZONE_ID = "zone9"
    yield api
    api.close()


def test_cached_pages_carry_their_tags_for_a_cdn():
    statement = factories.make_published("Clean air for schools", days_ago=2)
    page = Client().get(statement.get_absolute_url())
    assert page["Surrogate-Key"] == f"statement:{statement.slug}"
    assert page["Cache-Tag"] == f"statement:{statement.slug}"
    home = Client().get(reverse("statements:home"))
    assert "home" in home["Surrogate-Key"].split()
    again = Client().get(statement.get_absolute_url())  # a cache hit keeps them
    assert again["Surrogate-Key"] == page["Surrogate-Key"]


def test_a_cdn_keeps_no_page_past_the_next_scheduled_publication(
    settings, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_published("Already out", days_ago=2)
    assert Client().get(reverse("statements:home"))["Surrogate-Control"] == "max-age=600"
    cache.clear()
    from datetime import timedelta

    from django.utils import timezone

    with django_capture_on_commit_callbacks(execute=True):
        factories.make_scheduled("Due soon", publish_at=timezone.now() + timedelta(seconds=90))
    cache.clear()
    kept = int(Client().get(reverse("statements:home"))["Surrogate-Control"].split("=")[1])
    assert 80 <= kept <= 92


def test_pages_for_staff_carry_no_tags(client):
    client.force_login(factories.make_editor("tagless"))
    statement = factories.make_published("Staff view")
    assert "Surrogate-Key" not in client.get(statement.get_absolute_url())


def test_no_cdn_configured_sends_nothing(settings, cdn_api, django_capture_on_commit_callbacks):
    settings.CDN_PURGE = ""
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_published("Nothing to purge")
    assert cdn_api.requests == []


def test_approving_a_comment_purges_its_pages_on_fastly(
    settings, cdn_api, django_capture_on_commit_callbacks
):
    settings.CDN_PURGE = "fastly"
    statement = factories.make_published("Water is a right", days_ago=1)
    comment = make_comment(statement, status=Comment.Status.PENDING)
    cdn_api.requests.clear()
    moderator = factories.make_moderator("mo")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.approve(Comment.objects.filter(pk=comment.pk), moderator)
    assert cdn_api.requests, "no purge reached the CDN"
    sent = cdn_api.requests[-1]
    assert sent["path"] == "/service/svc1/purge"
    assert sent["headers"]["Fastly-Key"] == "token-123"
    assert f"statement:{statement.slug}" in sent["headers"]["Surrogate-Key"].split()


def test_cloudflare_is_purged_by_cache_tag(settings, cdn_api):
    settings.CDN_PURGE = "cloudflare"
    assert cdn.purge(["statement:rent-freeze", "home"]) == 2
    sent = cdn_api.requests[-1]
    assert sent["path"] == "/zones/zone9/purge_cache"
    assert sent["headers"]["Authorization"] == "Bearer token-123"
    assert json.loads(sent["body"]) == {"tags": ["home", "statement:rent-freeze"]}


def test_a_failed_purge_raises_so_the_worker_retries_it(settings, cdn_api):
    settings.CDN_PURGE = "fastly"
    cdn_api.status = 503
    with pytest.raises(cdn.PurgeFailed, match="503"):
        cdn.purge(["home"])
