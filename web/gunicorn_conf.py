"""Gunicorn settings for the web app: ``gunicorn -c python:web.gunicorn_conf 'web:create_app()'``.

Read by gunicorn's master before the app is imported. Command-line flags (``--bind``,
``--workers``) override these, which is how ``coachreel web`` sets a laptop's address.
"""

from __future__ import annotations

import os

from config import load_settings


def _workers() -> int:
    # gunicorn's own advice: (2 x cores) + 1 processes; WEB_CONCURRENCY wins when set (as on
    # hosts that size their containers by it).
    raw = os.environ.get("WEB_CONCURRENCY", "").strip()
    if raw:
        return max(1, int(raw))
    return 2 * (os.cpu_count() or 1) + 1


def _log_config(log_format: str) -> dict[str, object]:
    # gunicorn's own messages go through the app's formatter, so a JSON deployment's lines
    # are all JSON; the access log is off because the app logs each request itself.
    formatter: dict[str, object] = (
        {"()": "workers.context.JsonFormatter"}
        if log_format == "json"
        else {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"app": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "app",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": "INFO", "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
            "gunicorn.access": {"level": "WARNING", "handlers": [], "propagate": False},
        },
    }


_settings = load_settings()  # fails here, before any worker starts, on a bad setting

bind = [f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = _workers()
# Threads let a process serve page views while some of its requests stream an upload; gunicorn's
# gthread worker, safe to stop with Ctrl-C (see web/gunicorn_worker.py).
worker_class = "web.gunicorn_worker.ThreadWorker"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A large upload on a slow school connection takes minutes; a request is never cut off before
# ten (uploads also come in resumable pieces, each far smaller than that).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "600"))
graceful_timeout = 60  # on a restart, let uploads under way finish their current piece
keepalive = 5
# Heartbeat files on shared memory: a container's overlay disk can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = None
# gunicorn's control socket (gunicornc) lives at one path per user, ~/.gunicorn/gunicorn.ctl, so
# two instances on one host would take each other's; nothing here uses it.
control_socket_disable = True
logconfig_dict = _log_config(_settings.log_format)
