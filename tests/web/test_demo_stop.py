"""`coachreel demo` stops on Ctrl-C: every process it started ends within seconds, port freed.

A terminal's Ctrl-C is SIGINT to the whole process group, so the demo, gunicorn's master, its
workers and the RQ worker all get it at once, and the master then sends its workers SIGQUIT on
top. Each repetition starts the real demo in a process group of its own, keeps the web server
busy with requests, sends SIGINT to the group as a terminal does, and checks that the group is
empty and the port can be bound again, without the demo having had to kill anything.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from redis import Redis
from rq import Worker

from tests.conftest import BACKEND
from tests.ports import free_port
from workers.connection import stop_embedded_redis

REPO = Path(__file__).resolve().parents[2]
STOPPED_WITHIN = 8.0  # seconds, under the demo's own grace period before it kills a child

pytestmark = [
    pytest.mark.slow,
    # The demo is the embedded laptop run whatever the backend; once per suite is enough.
    pytest.mark.skipif(BACKEND == "services", reason="the demo always runs embedded"),
]


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _group(pgid: int) -> list[psutil.Process]:
    members = []
    for process in psutil.process_iter():
        try:
            if os.getpgid(process.pid) == pgid and process.status() != psutil.STATUS_ZOMBIE:
                members.append(process)
        except (OSError, psutil.Error):
            pass  # ended while we looked
    return members


def _describe(process: psutil.Process) -> str:
    try:
        return f"{process.pid} {' '.join(process.cmdline()[-3:])}"
    except psutil.Error:
        return f"{process.pid} (ended)"


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One instance folder for every repetition: the first run migrates and seeds it."""
    folder = tmp_path_factory.mktemp("demo")
    yield folder
    stop_embedded_redis(folder)  # in case a failed run left it


def _demo_env(instance: Path) -> dict[str, str]:
    # Only this run's instance folder: no test database, queue or storage of the suite.
    dropped = ("COACHREEL_", "DATABASE_URL", "REDIS_URL", "STORAGE_", "MEDIA_DIR", "AWS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(COACHREEL_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
    for name in ("UPLOAD_DIR", "WORK_DIR", "PORT", "WEB_CONCURRENCY"):
        env.pop(name, None)
    return env


def _keep_busy(url: str, until: threading.Event) -> None:
    while not until.is_set() and _answers(url):
        pass  # until the server stops answering


@pytest.mark.parametrize("run", range(1, 6))
def test_ctrl_c_stops_every_process_of_the_demo_and_frees_the_port(instance, tmp_path, run):
    port = free_port()
    log_path = tmp_path / "demo.log"
    with open(log_path, "w") as log:
        demo = subprocess.Popen(
            [sys.executable, "-m", "web.cli", "demo", "--port", str(port)],
            cwd=REPO,
            env=_demo_env(instance),
            process_group=0,  # a group of its own, like a terminal's foreground job
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}/auth/login"
    done = threading.Event()
    try:
        deadline = time.monotonic() + (180 if run == 1 else 90)  # the first run seeds
        # Up means the page answers and the worker has registered (its speech model loaded).
        workers = Redis(unix_socket_path=str(instance / "redis.sock"))
        while not (_answers(url) and Worker.count(connection=workers)):
            assert demo.poll() is None, log_path.read_text()[-3000:]
            assert time.monotonic() < deadline, "the demo never came up"
            time.sleep(0.2)
        # Requests under way when Ctrl-C comes, as when someone is using the demo.
        clients = [threading.Thread(target=_keep_busy, args=(url, done)) for _ in range(4)]
        for client in clients:
            client.start()
        time.sleep(0.5)
        os.killpg(demo.pid, signal.SIGINT)
        stopped_by = time.monotonic() + STOPPED_WITHIN
        while time.monotonic() < stopped_by and (demo.poll() is None or _group(demo.pid)):
            time.sleep(0.1)
        done.set()
        left = [_describe(p) for p in _group(demo.pid)]
        output = log_path.read_text()
        assert left == [], f"still running {STOPPED_WITHIN:g} s after Ctrl-C: {left}"
        assert demo.returncode == 0, output[-3000:]
        assert "Stopped." in output
        assert "killing it" not in output, output[-3000:]
        assert _port_is_free(port), f"port {port} is still taken after the demo stopped"
    finally:
        done.set()
        try:
            os.killpg(demo.pid, signal.SIGKILL)  # whatever a failed run left behind
        except ProcessLookupError:
            pass
        demo.wait()
