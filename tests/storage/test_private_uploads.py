"""A WordPress export uploaded in the admin waits in the bucket's private part, signed reads only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from statements.models import Statement
from tests import factories
from tests.wordpress import wxr
from wordpress import runs
from wordpress.models import ImportRun

pytestmark = [pytest.mark.django_db, pytest.mark.multiserver]


@pytest.fixture
def s3_private(s3_media, settings):
    from advocacy import settings as site_settings

    settings.STORAGES = {
        **settings.STORAGES,
        "private": site_settings.private_storage(settings.STORAGES["default"]),
    }
    return s3_media


def test_an_export_waits_in_the_bucket_unlisted_by_name_and_goes_once_imported(s3_private):
    editor = factories.make_editor("s3-importer")
    export = wxr.export(wxr.item(post_id=1, title="Through the bucket", slug="through-bucket"))
    run = runs.start(SimpleUploadedFile("export.xml", export.encode()), user=editor)
    (name,) = s3_private.names()
    assert name.startswith("private/wordpress-imports/") and run.pk.hex in name
    # Its address is signed (and expires): never a plain public link.
    assert "X-Amz-Signature=" in runs.private_storage().url(run.stored_export)
    # Another app server's worker reads it from the bucket and imports it.
    assert runs.perform(run.pk) == "done"
    assert Statement.objects.filter(slug="through-bucket").exists()
    assert s3_private.names() == []
    assert ImportRun.objects.get().state == "done"
