"""An S3 endpoint for tests: moto's server on 127.0.0.1, spoken to over real HTTP by boto3.

A pytest plugin (listed in ``tests/conftest.py``), so any test can ask for ``s3_server`` (one
per run, one bucket) or ``s3_url`` (a fresh prefix in that bucket for one test).

The server runs in a child process of its own: memory measured in the tests is then only the
client's, and the server's threads never compete with the app's for this process's GIL. The
child reads its stdin until the test run closes it, so it never outlives the run.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

BUCKET = "coachreel-test"

_SERVER = """
import sys
from moto.server import ThreadedMotoServer

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
"""


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    bucket: str
    client: Any  # a boto3 S3 client for assertions the storage interface cannot make

    def url(self) -> str:
        """Return a STORAGE_URL with a prefix no other test uses."""
        return f"s3://{self.bucket}/test-{uuid.uuid4().hex[:12]}"


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    process = subprocess.Popen(
        [sys.executable, "-c", _SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    port = int(process.stdout.readline())  # type: ignore[union-attr]
    endpoint = f"http://127.0.0.1:{port}"
    # boto3 reads these wherever a storage is built, worker processes started by tests included.
    # No profile or config file of this machine's user may point it anywhere else.
    env = {
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ACCESS_KEY_ID": "coachreel-test",
        "AWS_SECRET_ACCESS_KEY": "coachreel-test-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path_factory.mktemp("aws") / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path_factory.mktemp("aws") / "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    unset = ("AWS_ENDPOINT_URL", "AWS_PROFILE", "AWS_SESSION_TOKEN")
    saved = {name: os.environ.get(name) for name in (*env, *unset)}
    os.environ.update(env)
    for name in unset:
        os.environ.pop(name, None)
    from service.storage.s3 import make_client

    client = make_client()
    client.create_bucket(Bucket=BUCKET)
    try:
        yield S3Server(endpoint, BUCKET, client)
    finally:
        client.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        process.stdin.close()  # type: ignore[union-attr]
        process.stdout.close()  # type: ignore[union-attr]
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def s3_url(s3_server: S3Server) -> str:
    """A STORAGE_URL for one test: the shared bucket, a prefix of its own."""
    return s3_server.url()
