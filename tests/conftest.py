import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from tests import factories


@pytest.fixture(autouse=True)
def _empty_caches():
    """Each test starts with no cached pages, counters or tag versions.

    The database is rolled back between tests but the local-memory cache is
    not: a page cached by one test would otherwise be served to the next.
    """
    for cache in caches.all():
        cache.clear()
    yield


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media():
    """The test settings store uploads in a fresh temporary folder; remove it afterwards."""
    yield
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.name.startswith("advocacy-test-media-") and media_root.parent == Path(
        tempfile.gettempdir()
    ):
        shutil.rmtree(media_root, ignore_errors=True)


@pytest.fixture
def editor(db):
    return factories.make_editor("jordan", initials="jb")


@pytest.fixture
def moderator(db):
    return factories.make_moderator("morgan")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def moderator_client(client, moderator):
    client.force_login(moderator)
    return client
