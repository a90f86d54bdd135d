"""gunicorn on a free port of 127.0.0.1 for the load benchmark (bench/load.py): started and
stopped as a context manager, never left running."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil
import requests


class Server:
    """gunicorn on a free port of 127.0.0.1, started and stopped as a context manager."""

    def __init__(self, app: str, env: dict, log: Path, config: Path | None, workers: int):
        self.app, self.env, self.log, self.config, self.workers = app, env, log, config, workers
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.workers_seen = 0

    def __enter__(self) -> Server:
        command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}"]
        if self.config:
            command += ["--config", str(self.config)]
        else:
            # The CLI's timeout (web/cli.py): a sync worker is busy for a whole big upload.
            command += ["--workers", str(self.workers), "--worker-class", "sync"]
            command += ["--timeout", "600"]
        command.append(self.app)
        # From the temporary folder, so no gunicorn.conf.py in the cwd is picked up; the log
        # (gunicorn's and the app's, on stderr) is shown if the server fails.
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                command, env=self.env, cwd=self.log.parent, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        try:
            self._wait_until_serving()
        except BaseException:
            self.__exit__()  # never leave a server behind
            raise
        self.workers_seen = len(self.worker_pids())
        return self

    def _wait_until_serving(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + 120
        while True:
            try:
                if requests.get(f"{self.base}/auth/login", timeout=10).status_code < 500:
                    break
            except requests.RequestException:
                pass  # not listening yet, or the workers are still booting
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{self.tail()}")
            time.sleep(0.2)
        time.sleep(1.0)  # let every worker finish booting

    def __exit__(self, *_exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        return [child.pid for child in psutil.Process(self.process.pid).children()]

    def tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
