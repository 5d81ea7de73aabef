"""The production set-up on one machine: PostgreSQL, Redis, SeaweedFS, two gunicorns, a task
worker and nginx with deploy/advocacy-upstream.conf in front. All on 127.0.0.1, stopped after.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

from tests.reliability.live import PROJECT, Client, Gunicorn, RedisServer, manage, site_environment
from tests.services import SeaweedS3, port, wait_for_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_config(root, listen, servers):
    """deploy/advocacy-upstream.conf with these servers' ports, deploy/advocacy-proxy.conf
    for the proxying, and an X-Upstream header so a test can tell who answered."""
    upstream = (PROJECT / "deploy" / "advocacy-upstream.conf").read_text()
    ports = iter(servers)
    kept = []
    for line in upstream.splitlines():
        if re.match(r"\s*server 127\.0\.0\.1:\d+", line):
            given = next(ports, None)
            if given is None:  # fewer servers than the sample lists
                continue
            line = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{given}", line)
        kept.append(line)
    upstream = "\n".join(kept)
    temp = root / "nginx-temp"
    temp.mkdir(exist_ok=True)
    temp.chmod(0o777)  # nginx's workers run as nobody when the tests run as root
    paths = "\n".join(
        f"    {kind}_temp_path {temp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""
worker_processes 1;
pid {root / "nginx.pid"};
error_log {root / "nginx-error.log"} warn;
events {{ worker_connections 512; }}
http {{
    access_log off;
{paths}
{upstream}
    server {{
        listen 127.0.0.1:{listen};
        server_name 127.0.0.1;
        client_max_body_size 12m;
        location / {{
            proxy_pass http://advocacy_app;
            include {PROJECT / "deploy" / "advocacy-proxy.conf"};
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


class Nginx:
    def __init__(self, root, servers):
        self.root = Path(root)
        self.port = port()
        self.conf = self.root / "nginx.conf"
        self.conf.write_text(nginx_config(self.root, self.port, servers))
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [NGINX, "-c", str(self.conf), "-p", str(self.root), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(self.root / "nginx-stderr.log", "ab"),
            start_new_session=True,
        )
        wait_for_port(self.port, 15, self.process, self.root / "nginx-stderr.log")

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
        self.process = None


class TaskWorker:
    def __init__(self, env, root):
        self.env, self.log = env, Path(root) / "worker.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--no-reload", "--interval", "0.2"],
            cwd=PROJECT,
            env=self.env,
            stdout=open(self.log, "ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.process = None


def kill_server(server):
    """SIGKILL a gunicorn master and its workers at once (a machine that died)."""
    os.killpg(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=10)
    server._log_file.close()
    server.process = None


def start_stack(cluster):
    root = Path(tempfile.mkdtemp(prefix="scaleout-stack-"))
    root.chmod(0o755)
    started = []
    try:
        s3 = SeaweedS3(root / "s3")
        s3.start()
        started.append(s3)
        redis = RedisServer(root)
        redis.port = port_in("TEST_REDIS_PORT_RANGE") or redis.port
        redis.start()
        started.append(SimpleNamespace(stop=redis.kill))
        env = site_environment(
            cluster.url,
            root,
            CACHE_URL=redis.url,
            APP_SERVERS=2,
            TRUSTED_PROXY_COUNT=1,
            SERVE_MEDIA=0,
            PAGE_CACHE_SECONDS=600,
            TASK_TIMEOUT_SECONDS=20,
            TASK_STALE_GRACE_SECONDS=2,
            **s3.environment(),
        )
        env.pop("MEDIA_ROOT", None)
        manage(env, "migrate", "--noinput")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        servers = []
        for name in ("a", "b"):
            server = Gunicorn({**env, "APP_SERVER_NAME": name}, root, workers=2)
            server.log = root / f"gunicorn-{name}.log"
            server.port = port()
            server.start()
            started.append(server)
            servers.append(server)
        worker = TaskWorker(env, root)
        worker.start()
        started.append(worker)
        nginx = Nginx(root, [s.port for s in servers])
        nginx.start()
        started.append(nginx)
        return SimpleNamespace(
            root=root, env=env, s3=s3, redis=redis, a=servers[0], b=servers[1],
            worker=worker, nginx=nginx, cluster=cluster, started=started,
            front=lambda: Client(nginx.port),
        )  # fmt: skip
    except BaseException:
        stop_stack(SimpleNamespace(started=started, root=root))
        raise


def port_in(variable):
    wanted = os.environ.get(variable, "").strip()
    if not wanted:
        return None
    saved = os.environ.get("TEST_PORT_RANGE")
    os.environ["TEST_PORT_RANGE"] = wanted
    try:
        return port()
    finally:
        if saved is None:
            os.environ.pop("TEST_PORT_RANGE")
        else:
            os.environ["TEST_PORT_RANGE"] = saved


def stop_stack(stack):
    for service in reversed(stack.started):
        try:
            service.stop()
        except Exception:
            pass
    shutil.rmtree(stack.root, ignore_errors=True)
