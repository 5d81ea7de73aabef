"""A throwaway PostgreSQL cluster for the fault tests, started and removed by the tests.

It is never the machine's own cluster: initdb writes a fresh data directory under
the temporary folder, the server listens on 127.0.0.1 only, on a free port, with
its socket in that folder, and `remove()` stops it and deletes everything.
"""

import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres", "pg_isready")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_bindir():
    """The folder holding initdb, pg_ctl and postgres, or None."""
    candidates = []
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10)
        if out.returncode == 0:
            candidates.append(out.stdout.strip())
    except (OSError, subprocess.SubprocessError):
        pass
    # Debian keeps the server programs off PATH, one folder per major version.
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    which = shutil.which("initdb")
    if which:
        candidates.append(str(Path(which).resolve().parent))
    for folder in candidates:
        if all(os.access(Path(folder, name), os.X_OK) for name in SERVER_PROGRAMS):
            return Path(folder)
    return None


def unavailable_reason():
    """Why a throwaway cluster cannot be made here, or None if it can."""
    if find_bindir() is None:
        return (
            "PostgreSQL server programs (initdb, pg_ctl, postgres) not found; "
            "install the postgresql package to run the fault tests"
        )
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a 'postgres' user to run the server as"
        if shutil.which("runuser") is None:
            return "running as root without runuser to drop to the 'postgres' user"
    return None


class ThrowawayCluster:
    def __init__(self, database="advocacy_faults"):
        self.bindir = find_bindir()
        self.database = database
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="advocacy-faults-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.user = "postgres"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            # initdb and postgres refuse to run as root: the folder belongs to postgres.
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        else:
            import getpass

            self.user = getpass.getuser()

    @property
    def url(self):
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, program, *args, timeout=60, check=True):
        command = [str(self.bindir / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, cwd=self.root
        )
        if check and result.returncode:
            raise RuntimeError(
                f"{program} failed ({result.returncode}): {result.stderr or result.stdout}\n"
                f"server log:\n{self.server_log()}"
            )
        return result

    def server_log(self):
        try:
            return self.log.read_text()[-3000:]
        except OSError:
            return ""

    def init(self):
        self._run(
            "initdb",
            "--pgdata",
            str(self.data),
            "--username",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=50"
        )
        (self.root / "options").write_text(options)

    def start(self):
        options = (self.root / "options").read_text()
        self._run(
            "pg_ctl", "start", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "30",
            "-o", options,
        )  # fmt: skip
        self.wait_ready()

    def stop(self, mode="fast"):
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "30")

    def restart(self, mode="fast"):
        self.stop(mode)
        self.start()

    def is_running(self):
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def wait_ready(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = self._run(
                "pg_isready", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user,
                "-d", "postgres", "-q", check=False, timeout=10,
            )  # fmt: skip
            if ready.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not become ready:\n{self.server_log()}")

    def create_database(self):
        import psycopg2

        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname="postgres"
        )
        try:
            conn.autocommit = True
            with conn.cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{self.database}"')
        finally:
            conn.close()

    def connect(self):
        import psycopg2

        return psycopg2.connect(
            host="127.0.0.1", port=self.port, user=self.user, dbname=self.database
        )

    def remove(self):
        """Stop the server (however it is) and delete its folder. Never raises."""
        try:
            if self.data.exists() and self.is_running():
                self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "immediate", "-w",
                          "-t", "20", check=False)  # fmt: skip
        except Exception:
            pass
        pid_file = self.data / "postmaster.pid"
        try:
            pid = int(pid_file.read_text().split()[0])
            os.kill(pid, signal.SIGKILL)  # the postmaster we started, by its id
        except (OSError, ValueError, IndexError):
            pass
        shutil.rmtree(self.root, ignore_errors=True)
