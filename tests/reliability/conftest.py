"""Fixtures for the fault tests: a throwaway PostgreSQL cluster and a real gunicorn.

Everything here is started by the tests, listens on 127.0.0.1 only and is
stopped by a finalizer, on failure too. The machine's own PostgreSQL is never
touched: the cluster is a fresh initdb in a temporary folder on a free port.
"""

import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

from .live import BIN, Gunicorn, RedisServer, manage, site_environment
from .pgcluster import ThrowawayCluster, unavailable_reason


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "faults: injects faults (database restarts, killed workers, mail server down) into "
        "servers the test starts itself on 127.0.0.1; needs the PostgreSQL server programs",
    )


@pytest.fixture(scope="session")
def pg_cluster():
    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    cluster = ThrowawayCluster()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="session")
def live_site(pg_cluster):
    """The site in production mode on the throwaway cluster: migrated, one statement."""
    if not (BIN / "gunicorn").exists():
        pytest.skip("gunicorn is not installed in this environment")
    root = Path(tempfile.mkdtemp(prefix="advocacy-faults-site-"))
    try:
        env = site_environment(pg_cluster.url, root)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        slug = manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from tests import factories; "
            "s = factories.make_published('Clean water for every village', "
            "body='<p>We stand with the river communities.</p>'); print(s.pk, s.slug)",
        ).split()
        server = Gunicorn(env, root, workers=2)
        try:
            server.start()
            yield SimpleNamespace(
                server=server,
                port=server.port,
                env=env,
                root=root,
                statement_id=int(slug[-2]),
                statement_path=f"/statements/{slug[-1]}/",
                post_path=f"/comments/statements/{slug[-1]}/post/",
                cluster=pg_cluster,
            )
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def site(live_site):
    """The live site with its database running before and after the test."""
    cluster = live_site.cluster
    if not cluster.is_running():
        cluster.start()
    live_site.server.wait_for_workers()
    yield live_site
    if not cluster.is_running():
        cluster.start()


STAFF_USERNAME = "fault-editor"


@pytest.fixture(scope="session")
def redis_site(live_site):
    """The same site and database, with its cache on a redis-server of the tests' own."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server not installed (apt install redis-server); CACHE_URL=redis://…")
    redis = RedisServer(live_site.root)
    server = None
    try:
        redis.start()
        env = {**live_site.env, "CACHE_URL": redis.url}
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            f"from tests import factories; factories.make_editor({STAFF_USERNAME!r})",
        )
        server = Gunicorn(env, live_site.root, workers=2)
        server.start()
        yield SimpleNamespace(
            **{**vars(live_site), "server": server, "port": server.port, "env": env},
            redis=redis,
            staff_username=STAFF_USERNAME,
        )
    finally:
        if server is not None:
            server.stop()
        redis.kill()


@pytest.fixture
def cache_site(redis_site, site):
    """The Redis-cached site with Redis and the database running before and after the test."""
    if not redis_site.redis.ping():
        redis_site.redis.kill()
        redis_site.redis.start()
    redis_site.server.wait_for_workers()
    yield redis_site
    if redis_site.redis.process is None:
        redis_site.redis.start()
    else:
        redis_site.redis.thaw()
