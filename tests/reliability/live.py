"""A real gunicorn serving the site, and a small HTTP client for it (loopback only).

The standard library only: http.client with a cookie dictionary is all the
fault tests need (CSRF cookie + token, one connection per request as a browser
behind nginx would make to gunicorn's sync workers).
"""

import hashlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from .pgcluster import free_port

PROJECT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 10
# What a client sees when the worker serving it dies: a reset, a closed or cut-off response.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    elapsed: float

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


@dataclass
class Client:
    """One visitor: keeps cookies, talks to 127.0.0.1:port only."""

    port: int
    cookies: dict = field(default_factory=dict)

    def request(self, method, path, body=None, headers=None, timeout=REQUEST_TIMEOUT):
        headers = {"Host": HOST, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            raw = conn.getresponse()
            data = raw.read()
            response_headers = {k.lower(): v for k, v in raw.getheaders()}
            for value in raw.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
        finally:
            conn.close()
        return Response(raw.status, response_headers, data, time.monotonic() - started)

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, data, **kwargs):
        body = urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        return self.request("POST", path, body=body, headers=headers, **kwargs)

    def post_multipart(self, path, fields, files, **kwargs):
        """A form with files, as a browser posts it: `files` maps a name to (filename, bytes)."""
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, body=body, headers=headers, **kwargs)


def comment_form(question, answer, *, body, name="Rosa Quintero-Valdés", email=None):
    return {
        "csrfmiddlewaretoken": question["csrf_token"],
        "body": body,
        "name": name,
        "email": email or "rosa.quintero@example.net",
        "website": "https://rosa.example.net/",
        "parent": "",
        "homepage": "",
        "form_time": question["form_time"],
        "captcha_0": question["key"],
        "captcha_1": answer,
    }


def fingerprint(statement_id, email, body):
    """The model's duplicate fingerprint, computed independently of the code under test."""
    normalized = " ".join(body.split()).casefold()
    raw = f"{statement_id}\n{email.strip().casefold()}\n{normalized}"
    return hashlib.sha256(raw.encode()).hexdigest()


def child_pids(parent):
    """Processes whose parent is `parent` (gunicorn's workers of its master), from /proc."""
    children = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent:
            children.append(int(entry.name))
    return sorted(children)


def site_environment(database_url, root, **extra):
    """The production-mode environment of the site under test (no DEBUG, real settings)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key in {"PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        STATIC_ROOT=str(root / "static"),
        MEDIA_ROOT=str(root / "media"),
        # Never the project's var/cache: the site under test keeps its pages to itself.
        CACHE_URL=f"file://{root / 'cache'}",
        SERVE_MEDIA="1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        COMMENTS_MIN_SECONDS="0",
        COMMENTS_RATE_LIMIT="100000",
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def manage(env, *args, timeout=180):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


class Gunicorn:
    """`make serve`'s gunicorn (fewer workers), started and stopped by its owner."""

    def __init__(self, env, log_dir, workers=2):
        self.env = env
        self.port = free_port()
        self.workers = workers
        self.log = Path(log_dir) / "gunicorn.log"
        self.process = None

    def start(self, timeout=30):
        gunicorn = BIN / "gunicorn"
        command = [
            str(gunicorn), "advocacy.wsgi:application",
            "--bind", f"{HOST}:{self.port}",
            "--workers", str(self.workers),
            "--timeout", "30", "--graceful-timeout", "5",
        ]  # fmt: skip
        self._log_file = open(self.log, "ab")  # closed in stop()
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start:\n{self.log_tail()}")
            try:
                if Client(self.port).get("/", timeout=5).status == 200:
                    if len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.log_tail()}")

    @property
    def pid(self):
        return self.process.pid

    def worker_pids(self):
        return child_pids(self.process.pid)

    def wait_for_workers(self, exclude=(), timeout=20):
        """Wait until the master runs its full count of workers, none of them in `exclude`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.worker_pids()
            if len(pids) == self.workers and not set(pids) & set(exclude):
                return pids
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not replace its workers:\n{self.log_tail()}")

    def log_tail(self, chars=4000):
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                # Our own process group (start_new_session): the master and its workers.
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_file.close()
        self.process = None


class RedisServer:
    """A redis-server of the test's own: 127.0.0.1, a free port, no persistence."""

    def __init__(self, workdir):
        self.port = free_port()
        self.workdir = Path(workdir)
        self.process = None

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"

    def start(self, timeout=15):
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--bind",
                HOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
                "--protected-mode",
                "yes",
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ping():
                return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not answer")

    def ping(self):
        try:
            with socket.create_connection((HOST, self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(64).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        """Down: the process is gone, connections are refused."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def freeze(self):
        """Hanging: the port still accepts connections (the kernel does), nothing answers."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)
