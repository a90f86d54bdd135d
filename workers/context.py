"""What a job needs (settings, database, storage, Redis), built in the worker, never at import."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, replace
from datetime import timedelta

from redis import Redis
from rq import get_current_job
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config import Settings, load_settings
from service.db import make_engine, make_session_factory
from service.storage import Storage, make_storage
from workers.connection import connect


@dataclass(frozen=True)
class WorkerContext:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    storage: Storage
    redis: Redis
    pid: int

    @property
    def stale_after(self) -> timedelta:
        return timedelta(seconds=self.settings.stale_job_seconds)


_current: WorkerContext | None = None


def build_context(settings: Settings) -> WorkerContext:
    """Open the database, storage and Redis named by the settings."""
    engine = make_engine(settings)
    return WorkerContext(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        storage=make_storage(settings.media_dir),
        redis=connect(settings),
        pid=os.getpid(),
    )


def use_context(context: WorkerContext | None) -> None:
    """Make ``context`` the one jobs in this process use."""
    global _current
    _current = context


def current_context() -> WorkerContext:
    """Return this process's context, building it from the environment on first use."""
    global _current
    if _current is None:
        _current = build_context(load_settings())
    elif _current.pid != os.getpid():
        # RQ forks a work horse per job: a forked child must not reuse the parent's pooled
        # database connections, so it drops them (without closing the parent's sockets).
        _current.engine.dispose(close=False)
        _current = replace(_current, pid=os.getpid())
    return _current


class JobContextFilter(logging.Filter):
    """Add the RQ job id and clip id to every log record made inside a job."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = get_current_job()
        record.job_id = job.id if job is not None else "-"
        record.clip_id = job.meta.get("clip_id", "-") if job is not None else "-"
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s [job %(job_id)s clip %(clip_id)s] %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    """Log to stderr with the job and clip on every line."""
    handler = logging.StreamHandler()
    handler.addFilter(JobContextFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
