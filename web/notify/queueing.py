"""Queue the notification emails after a request commits a notification.

The use cases raise notifications without knowing about queues (service never imports RQ).
Rather than every view remembering to queue the delivery job, the app's session factory
notes when a flush writes a notification, and after that transaction commits queues one
delivery run (a no-op while one is already queued). If Redis is down, the worker's sweeper
queues it: the notifications stay due in the database. The worker's sessions do the same
(workers/context.py), so a clip ready to watch is emailed at once too.
"""

from __future__ import annotations

from flask import Flask, current_app, has_app_context

from service.notify.delivery import after_notifications_commit
from workers.notify_queue import enqueue_delivery_or_leave_to_sweeper
from workers.queues import stale_window


def _queue() -> None:
    if not has_app_context():
        return
    resources = current_app.extensions["coachreel"]
    enqueue_delivery_or_leave_to_sweeper(
        resources.redis, stale_after=stale_window(resources.settings)
    )


def init_app(app: Flask) -> None:
    """Listen on the app's session factory for notifications written and committed."""
    after_notifications_commit(app.extensions["coachreel"].sessions, _queue)
