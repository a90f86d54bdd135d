"""The web server's worker: gunicorn's threaded worker, made safe to stop with Ctrl-C.

A terminal's Ctrl-C sends SIGINT to every process in its group, so each worker gets one stop
signal from the terminal and, a moment later, SIGQUIT from the master that got the same Ctrl-C.
gunicorn's ``gthread`` worker answers either by calling ``ThreadPoolExecutor.shutdown`` inside
the signal handler. That method holds the pool's lock, a plain ``threading.Lock``, and so does
``submit`` while the main thread hands a request to the pool; a signal handler runs on the main
thread between two bytecodes, so when the second signal (or the first, during a ``submit``) lands
inside that lock, the handler waits for a lock its own thread holds: the worker sleeps for ever,
ignores SIGTERM, and keeps the listening socket after the master is gone.
"""

from __future__ import annotations

from types import FrameType

from gunicorn.workers.base import Worker
from gunicorn.workers.gthread import ThreadWorker as GthreadWorker


class ThreadWorker(GthreadWorker):
    """gunicorn's ``gthread`` worker whose quick stop takes no lock and happens once."""

    quitting = False

    def handle_quit(self, sig: int, frame: FrameType | None) -> None:
        """Stop at once on SIGINT or SIGQUIT; a repeat of the request is already being done."""
        if self.quitting:
            return
        self.quitting = True
        # The base worker's quick stop (worker_int hook, then SystemExit) without the pool's
        # shutdown: SystemExit unwinds the main thread out of any lock it held, and the
        # interpreter's exit then shuts the pool down as that call would have, waking idle
        # threads and letting a request under way finish.
        Worker.handle_quit(self, sig, frame)
