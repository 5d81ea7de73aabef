"""backup_site and restore_site with the images in an S3 bucket (SeaweedFS)."""

import io
import urllib.request

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from tests import factories
from tests.reliability.test_backup_restore import (  # noqa: F401 (an autouse fixture)
    _postgres_client_matches_server,
)

# Transactional, as the other backup tests: pg_dump reads what is committed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.multiserver]


def test_backup_and_restore_with_the_bucket(s3_media, tmp_path):
    image = factories.make_image(content=factories.jpeg_bytes(700, 500))
    kept = sorted(image.stored_names())
    call_command("backup_site", str(tmp_path), stdout=io.StringIO())
    archive = next(tmp_path.glob("advocacy-backup-*.tar.gz"))

    default_storage.delete(image.file.name)  # lost after the backup…
    default_storage.save("library/stray.txt", io.BytesIO(b"made after the backup"))

    call_command("restore_site", str(archive), "--yes", stdout=io.StringIO())
    assert s3_media.names() == kept
    with urllib.request.urlopen(s3_media.public_url(image.file.name), timeout=5) as got:
        assert got.status == 200 and got.read()[:2] == b"\xff\xd8"
