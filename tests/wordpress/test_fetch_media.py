"""--fetch-media: downloads with a timeout, a size cap and a type check, never from private addresses.

A real HTTP server on loopback stands in for the old site. The command's own
policy refuses loopback, so the tests that download run the importer with a
policy that allows it (Options.address_allowed); everything else is the real path.
"""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from statements.models import Image, Statement
from tests import factories
from wordpress import media
from wordpress.importer import Importer, Options

from . import wxr

pytestmark = pytest.mark.django_db
PORTS = range(8210, 8220)
JPEG = factories.jpeg_bytes(200, 150)


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path.startswith("/slow"):
            time.sleep(2)
        if self.path.startswith("/moved"):
            self.send_response(302)
            self.send_header("Location", "/wp-content/uploads/2023/05/photo.jpg")
            self.end_headers()
            return
        if self.path.startswith("/page"):
            body, kind = b"<html>a page</html>", "text/html"
        elif self.path.startswith("/huge"):
            body, kind = JPEG + b"\0" * 200_000, "image/jpeg"
        else:
            body, kind = JPEG, "image/jpeg"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except OSError:
            pass

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def old_site():
    for port in PORTS:
        try:
            server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
            break
        except OSError:
            continue
    else:
        pytest.fail("no free port in 8210-8219")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def export_with(tmp_path, url):
    attachment = wxr.attachment(40, "2023/05/photo.jpg", alt="A photo").replace(
        f"{wxr.SITE}/wp-content/uploads/2023/05/photo.jpg", url
    )
    body = '<!-- wp:image {"id":40} --><figure><img class="wp-image-40" src="x"/></figure><!-- /wp:image -->'
    return wxr.write(tmp_path, attachment, wxr.item(post_id=41, slug="fetched", content=body))


def allow_all(address):
    return True


def run(path, **options):
    return Importer(path, Options(fetch_media=True, **options)).run()


def test_a_download_goes_through_the_library(tmp_path, old_site, client):
    report = run(export_with(tmp_path, f"{old_site}/moved/photo.jpg"), address_allowed=allow_all)
    assert report.counts["attachment"]["created"] == 1
    image = Image.objects.get()
    assert (image.width, image.height) == (200, 150)
    html = client.get("/statements/fetched/").content.decode()
    assert image.file.name.rsplit(".", 1)[0] in html  # its copies, on the page
    assert 'alt="A photo"' in html


def test_loopback_and_private_addresses_are_refused(tmp_path, old_site, run_import):
    result = run_import(export_with(tmp_path, f"{old_site}/photo.jpg"), "--fetch-media")
    [reason] = result.reasons("failed")
    assert "non-public address (127.0.0.1)" in reason
    assert Image.objects.count() == 0
    assert Statement.objects.filter(slug="fetched").exists()  # imported all the same
    for address in ("10.0.0.8", "192.168.1.1", "169.254.169.254", "::1", "::ffff:127.0.0.1"):
        assert not media.public_only(address)
    assert media.public_only("93.184.216.34")


def test_a_file_of_another_type_is_refused(tmp_path, old_site):
    report = run(export_with(tmp_path, f"{old_site}/page.jpg"), address_allowed=allow_all)
    assert report.counts["attachment"]["failed"] == 1
    assert "is text/html, not a JPEG, PNG, WebP or GIF" in report.entries[0]["reason"]


@override_settings(IMAGE_MAX_BYTES=100_000)
def test_a_file_over_the_size_cap_is_refused(tmp_path, old_site):
    report = run(export_with(tmp_path, f"{old_site}/huge.jpg"), address_allowed=allow_all)
    assert "larger than" in report.entries[0]["reason"]
    assert Image.objects.count() == 0


def test_a_slow_server_times_out(tmp_path, old_site):
    started = time.monotonic()
    report = run(
        export_with(tmp_path, f"{old_site}/slow.jpg"), address_allowed=allow_all, fetch_timeout=0.5
    )
    assert time.monotonic() - started < 2
    assert "took longer than 0.5 s" in report.entries[0]["reason"]
