"""What staff upload or export waits in the bucket's private part, signed reads only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from exports import runs as exports
from exports.models import Export
from statements.models import Statement
from subscriptions.models import Subscriber
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


def test_an_export_is_built_into_the_bucket_and_downloaded_from_it(s3_private, client):
    editor = factories.make_editor("s3-exporter")
    for n in range(3):
        factories.make_subscriber(f"bucket{n}@example.org")
    export = exports.start(
        Export.Kind.SUBSCRIBERS, user=editor, selection=[s.pk for s in Subscriber.objects.all()]
    )
    # The worker on another app server builds it into the bucket.
    assert exports.perform(str(export.pk)) == Export.State.READY
    (name,) = s3_private.names()
    assert name == f"private/exports/{export.pk.hex}.csv"
    assert "X-Amz-Signature=" in exports.private_storage().url(Export.objects.get().stored_file)
    client.force_login(editor)
    response = client.get(f"/admin/exports/export/{export.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode().count("@example.org") == 3
    exports.discard(Export.objects.get())
    assert s3_private.names() == []
