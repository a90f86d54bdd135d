"""The worker entry point: build the context, sweep, then work the queues."""

from __future__ import annotations

import logging

from rq import Queue, SimpleWorker, Worker

import media_pipeline
from config import Settings
from workers.context import build_context, configure_logging, use_context
from workers.queues import BLUR_QUEUE, QUEUES, TRANSCRIBE_QUEUE
from workers.sweeper import SweeperThread, sweep
from workers.transcribe import whisper_options

log = logging.getLogger(__name__)


class WorkerStartError(RuntimeError):
    """The worker cannot start (its speech model or face detector is missing); says why."""


class PromptStop:
    """Listen for RQ's worker commands in a thread that notices a stop within a second.

    RQ's own listener waits up to 60 s at a time, and when it has already read the reply to
    the unsubscribe a stopping worker sends, it waits those 60 s for a subscription that never
    comes; since redis-py 8 ``PubSubWorkerThread.stop()`` joins the thread without a limit, so
    the worker hung for up to a minute on Ctrl-C.
    """

    def subscribe(self) -> None:
        """Subscribe to this worker's command channel with a listener that wakes every second."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=1, daemon=True, exception_handler=self._pubsub_exception_handler
        )


class PromptWorker(PromptStop, Worker):
    """RQ's forking worker, stopping within seconds."""


class PromptSimpleWorker(PromptStop, SimpleWorker):
    """RQ's in-process worker, stopping within seconds."""


def run_worker(
    settings: Settings,
    *,
    queues: tuple[str, ...] = QUEUES,
    burst: bool = False,
) -> None:
    """Run one RQ worker (with the scheduler, for retries) and the periodic sweeper."""
    configure_logging(settings.log_format)
    transcribes = TRANSCRIBE_QUEUE in queues
    if transcribes:
        # Load the speech model before taking any work: a model that cannot be loaded is this
        # worker's start-up error (raised here), not a failed clip.
        try:
            media_pipeline.load_model(whisper_options(settings))
        except media_pipeline.ModelLoadError as exc:
            raise WorkerStartError(f"The speech model could not be loaded: {exc}") from exc
    if BLUR_QUEUE in queues:
        # Only the weights are read here: the detector itself starts in each job's process
        # (ONNX Runtime's threads do not survive the fork of a work horse).
        try:
            media_pipeline.detector_weights()
        except media_pipeline.DetectorMissing as exc:
            raise WorkerStartError(f"The face detector could not be loaded: {exc}") from exc
    ctx = build_context(settings)
    use_context(ctx)
    requeued = sweep(ctx)
    log.info(
        "worker starting on queues %s; start-up sweep re-queued %d clip(s)",
        ",".join(queues),
        len(requeued),
    )
    sweeper = SweeperThread(ctx, settings.sweep_interval_seconds)
    if not burst:
        sweeper.start()
    # Heartbeats must come well inside the sweeper's staleness window, or live jobs look dead.
    job_monitoring_interval = max(1, min(10, settings.stale_job_seconds // 3))
    # A worker that transcribes runs jobs in its own process, so the model loaded above is
    # reused by every job (a forked work horse would have to load it again each time, and
    # CTranslate2's thread pool does not survive a fork).
    worker_class = PromptSimpleWorker if transcribes else PromptWorker
    worker = worker_class(
        [Queue(name, connection=ctx.redis) for name in queues],
        connection=ctx.redis,
        job_monitoring_interval=job_monitoring_interval,
    )
    try:
        worker.work(burst=burst, with_scheduler=True, logging_level="INFO")
    finally:
        sweeper.stop()
