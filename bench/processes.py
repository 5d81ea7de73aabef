"""The processes the benchmark starts (gunicorn, nginx, redis) and stops, and plain HTTP to them."""

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


HOST = "127.0.0.1"


PYTHON = sys.executable


WORKER_THREADS = "1"  # as the Makefile's THREADS


GUNICORN = str(Path(sys.executable).parent / "gunicorn")


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


REDIS = shutil.which("redis-server") or "/usr/bin/redis-server"


TIMEOUT = 15  # seconds, any single HTTP request of the benchmark's own


class BenchError(Exception):
    pass


class Processes:
    """Every process the benchmark starts, stopped in reverse order by stop_all()."""

    def __init__(self):
        self.running = []  # (name, Popen, stop signal)

    def start(self, name, command, *, stop_signal=signal.SIGTERM, **kwargs):
        # A session of its own: Ctrl-C reaches the benchmark only, which then
        # stops each process in order; nothing is left behind.
        process = subprocess.Popen(command, start_new_session=True, **kwargs)
        self.running.append((name, process, stop_signal))
        return process

    def stop(self, process, timeout=25):
        for entry in list(self.running):
            if entry[1] is process:
                self.running.remove(entry)
                _stop(*entry, timeout=timeout)

    def stop_all(self):
        while self.running:
            _stop(*self.running.pop(), timeout=25)


def _stop(name, process, stop_signal, timeout):
    if process.poll() is not None:
        return
    try:
        process.send_signal(stop_signal)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"  {name} did not stop within {timeout}s: killing its process group", flush=True)
        os.killpg(process.pid, signal.SIGKILL)  # its own session, started by us
        process.wait(timeout=10)
    except ProcessLookupError:
        pass


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(description, check, process, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise BenchError(f"{description} exited at start (status {process.returncode})")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise BenchError(f"{description} did not answer within {timeout}s")


def run_checked(command, env, what, timeout=600):
    result = subprocess.run(
        command, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise BenchError(f"{what} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return result.stdout


def request(port, method, path, body=None, headers=None, cookies=None):
    """One request on a new connection: (status, headers, body)."""
    headers = {"Host": HOST, **(headers or {})}
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        if cookies is not None:
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    cookies[name] = morsel.value
        return response.status, response.headers, data
    finally:
        conn.close()


def expect_page(port, path, marker, label):
    status, headers, body = request(port, "GET", path)
    if status != 200 or marker.encode() not in body:
        raise BenchError(f"{label}: GET {path} gave {status}, {len(body)} bytes, not the page")
    return headers, body


def start_gunicorn(processes, env, port, workers, log):
    command = [
        GUNICORN, "advocacy.wsgi:application",
        "--bind", f"{HOST}:{port}",
        "--workers", str(workers),
        # The rest exactly as the Makefile's `serve`.
        "--worker-class", "gthread", "--threads", WORKER_THREADS,
        "--timeout", "30", "--graceful-timeout", "20", "--keep-alive", "5",
        "--max-requests", "5000", "--max-requests-jitter", "500",
    ]  # fmt: skip
    process = processes.start(
        f"gunicorn :{port}", command, cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    wait_for(
        f"gunicorn on {HOST}:{port}",
        lambda: (
            request(port, "GET", "/robots.txt")[0] == 200
            and len(worker_pids(process.pid)) >= workers
        ),
        process,
    )
    return process


def worker_pids(master_pid):
    pids = set()
    for task in Path(f"/proc/{master_pid}/task").iterdir():
        try:
            pids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return pids


def start_nginx(processes, conf_text, work):
    (work / "tmp").mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(conf_text)
    base = [NGINX, "-p", f"{work}/", "-c", str(conf), "-e", str(work / "error.log")]
    check = subprocess.run([*base, "-t", "-q"], capture_output=True, text=True)
    if check.returncode:
        raise BenchError(f"nginx -t refused the generated config {conf}:\n{check.stderr}")
    # SIGQUIT: graceful stop of the master and its workers.
    return processes.start(
        "nginx", base, stop_signal=signal.SIGQUIT, stdout=subprocess.DEVNULL, stderr=None
    )


def start_redis(processes, work):
    port = free_port()
    command = [
        REDIS, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no",
        "--dir", str(work), "--protected-mode", "yes", "--loglevel", "warning",
    ]  # fmt: skip
    process = processes.start("redis-server", command, stdout=subprocess.DEVNULL)

    def ping():
        with socket.create_connection((HOST, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")

    wait_for("redis-server", ping, process, timeout=20)
    return port
