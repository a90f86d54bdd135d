"""Queue the notification emails after a request commits a notification.

The use cases raise notifications without knowing about queues (service never imports RQ).
Rather than every view remembering to queue the delivery job, the app's session factory
notes when a flush writes a notification, and after that transaction commits queues one
delivery run (a no-op while one is already queued). If Redis is down, the worker's sweeper
queues it: the notifications stay due in the database.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from service.models import Notification
from workers.notify import enqueue_delivery_or_leave_to_sweeper
from workers.queues import stale_window

NOTED = "coachreel.notified"


def _note(session: Session, _flush_context: object) -> None:
    if any(isinstance(row, Notification) for row in session.new):
        session.info[NOTED] = True


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(NOTED, None)


def _queue(session: Session) -> None:
    if not session.info.pop(NOTED, False) or not has_app_context():
        return
    resources = current_app.extensions["coachreel"]
    enqueue_delivery_or_leave_to_sweeper(
        resources.redis, stale_after=stale_window(resources.settings)
    )


def init_app(app: Flask) -> None:
    """Listen on the app's session factory for notifications written and committed."""
    factory = app.extensions["coachreel"].sessions
    event.listen(factory, "after_flush", _note)
    event.listen(factory, "after_commit", _queue)
    event.listen(factory, "after_rollback", _forget)
