"""What a job needs (settings, database, storage, Redis), built in the worker, never at import."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import TextIO

from redis import Redis
from rq import get_current_job
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from config import Settings, load_settings
from service.db import make_engine, make_session_factory
from service.notify.delivery import after_notifications_commit
from service.storage import make_storage
from service.storage.base import Storage
from workers.connection import connect
from workers.notify_queue import enqueue_delivery_or_leave_to_sweeper
from workers.queues import stale_window


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
        return stale_window(self.settings)


_current: WorkerContext | None = None


def build_context(settings: Settings) -> WorkerContext:
    """Open the database, storage and Redis named by the settings."""
    engine = make_engine(settings)
    sessions, redis = make_session_factory(engine), connect(settings)
    # A job that raises a notification (a clip ready to watch) queues its email at once.
    after_notifications_commit(
        sessions,
        lambda: enqueue_delivery_or_leave_to_sweeper(redis, stale_after=stale_window(settings)),
    )
    return WorkerContext(
        settings=settings,
        engine=engine,
        sessions=sessions,
        storage=make_storage(settings),
        redis=redis,
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
# Context a filter may have put on a record, copied into JSON lines when known ("-" is unknown).
CONTEXT_FIELDS = (
    "job_id",
    "clip_id",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "ip",
)


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, None)
            if value is not None and value != "-":
                entry[field] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # json.dumps escapes newlines, so a traceback stays on its one line.
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(
    log_format: str = "text",
    level: int = logging.INFO,
    *,
    filters: Sequence[logging.Filter] = (),
    text_format: str = LOG_FORMAT,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Log to stderr: one JSON object a line (``json``) or readable text, with job and clip."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(JobContextFilter())
    for extra in filters:
        handler.addFilter(extra)
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(text_format))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    return handler
