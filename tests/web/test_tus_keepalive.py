"""A refused resumable chunk leaves its keep-alive connection ready for the next request.

Run against gunicorn with the production settings (web/gunicorn_conf.py), the server that
keeps connections open: werkzeug's development server closes every connection after one
answer, so it cannot show what happens to the next request on the same one.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import worker_env
from tests.ports import free_port
from tests.web.test_resumable_uploads import OFFSET_STREAM, Tus

ECT = "ect1@northfield.example"
REPO = Path(__file__).resolve().parents[2]
CHUNK = 1024 * 1024  # far more than the 64 KB gunicorn reads past on its own before closing


def _answers(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@pytest.fixture
def gunicorn(settings, tmp_path) -> int:
    """Serve the app with gunicorn as deployed, on this test's database; give its port."""
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
         "--no-control-socket", "web:create_app()"],
        cwd=REPO,
        env=worker_env(settings),
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not _answers(port):
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


def test_after_a_wrong_offset_the_same_connection_answers_the_next_request(
    gunicorn, app, client, auth, demo
):
    tus = Tus(client, auth, ECT)  # signed in through the test client; its cookie is reused
    url = tus.start(2 * CHUNK)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    headers = {**tus.headers, "Cookie": f"{cookie.key}={cookie.value}"}
    chunk = {**headers, "Content-Type": OFFSET_STREAM}
    conn = http.client.HTTPConnection("127.0.0.1", gunicorn, timeout=30)
    try:
        conn.request("PATCH", url, body=b"x" * CHUNK, headers={**chunk, "Upload-Offset": "500"})
        refused = conn.getresponse()
        assert refused.status == 409
        assert json.loads(refused.read())["error"] == (
            "The upload is at byte 0, not 500; resume from there."
        )
        first = conn.sock
        assert first is not None  # the server kept the connection open

        conn.request("HEAD", url, headers=headers)
        head = conn.getresponse()
        head.read()
        assert (head.status, head.getheader("Upload-Offset")) == (200, "0")

        conn.request("PATCH", url, body=b"x" * CHUNK, headers={**chunk, "Upload-Offset": "0"})
        resumed = conn.getresponse()
        resumed.read()
        assert (resumed.status, resumed.getheader("Upload-Offset")) == (204, str(CHUNK))
        assert conn.sock is first  # all three on the one connection
    finally:
        conn.close()
