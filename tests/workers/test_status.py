"""``coachreel status``: queue lengths, workers, clips per state and the oldest waiting clip."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta

from click.testing import CliRunner
from rq import Queue, Worker
from rq.worker import WorkerStatus

from service.clips import lifecycle, transcripts, upload
from service.models import BlurStatus, Clip, User
from service.storage import keys, keys as storage_keys
from tests.conftest import worker_env
from web.cli import main
from workers.queues import PROCESS_QUEUE, TRANSCRIBE_QUEUE, enqueue_processing
from workers.runner import PromptSimpleWorker
from workers.status import age_in_words, gather, worker_alive_here

ECT = "ect1@northfield.example"


def _upload(ctx, session, demo, title: str) -> Clip:
    owner = session.get(User, demo[ECT].id)
    details = upload.UploadDetails(upload.ClipKind.LESSON, title, date.today(), "c.mp4")
    return upload.register_upload(
        session, ctx.storage, owner, details, io.BytesIO(b"bytes"), max_bytes=1000
    )


def _waiting_clip_and_a_transcript(ctx, session, demo) -> tuple[Clip, Clip]:
    waiting = _upload(ctx, session, demo, "Waiting")
    enqueue_processing(ctx.redis, waiting.id, stale_after=ctx.stale_after)
    playable = _upload(ctx, session, demo, "Playable")
    lifecycle.mark_ready(
        session, playable.id, video=keys.video_key(playable.id), poster=None, duration=30.0,
        width=320, height=240, method="remux",
    )  # fmt: skip
    transcripts.save_transcript(
        session,
        playable.id,
        [transcripts.SegmentData(0, 1, "Hello")],
        language="en",
        captions=storage_keys.captions_key(playable.id),
    )
    session.get(Clip, playable.id).blur_status = BlurStatus.REQUESTED
    session.commit()
    return waiting, playable


def _failed_transcribe_job(ctx) -> None:
    queue = Queue(TRANSCRIBE_QUEUE, connection=ctx.redis)
    queue.enqueue("builtins.int", "not a number", job_id="status-failed")
    PromptSimpleWorker([queue], connection=ctx.redis).work(burst=True, with_scheduler=False)


def test_status_counts_queues_workers_and_clips(ctx, session, demo):
    waiting, _playable = _waiting_clip_and_a_transcript(ctx, session, demo)
    _failed_transcribe_job(ctx)
    gpu = Worker([Queue(TRANSCRIBE_QUEUE, connection=ctx.redis)], connection=ctx.redis)
    gpu.register_birth()
    gpu.set_state(WorkerStatus.IDLE)
    try:
        created = session.get(Clip, waiting.id).created_at
        report = gather(ctx.redis, session, now=created + timedelta(hours=3, minutes=5))
    finally:
        gpu.register_death()

    queues = {q.name: q for q in report.queues}
    assert (queues[PROCESS_QUEUE].queued, queues[PROCESS_QUEUE].failed) == (1, 0)
    assert (queues[TRANSCRIBE_QUEUE].queued, queues[TRANSCRIBE_QUEUE].failed) == (0, 1)
    assert [(w.name, w.queues, w.state, w.current_job) for w in report.workers] == [
        (gpu.name, [TRANSCRIBE_QUEUE], "idle", None)
    ]
    assert report.clips == {"uploaded": 1, "processing": 0, "ready": 1, "failed": 0}
    assert report.transcripts["ready"] == 1
    assert report.blurs == {"requested": 1, "processing": 0, "review": 0, "ready": 0, "failed": 0}
    oldest = report.oldest_waiting
    assert (oldest.clip_id, oldest.state) == (waiting.id, "uploaded")
    assert oldest.age == "3 hours 5 minutes"


def test_oldest_waiting_clip_includes_transcripts_and_none_when_idle(ctx, session, demo):
    assert gather(ctx.redis, session).oldest_waiting is None
    playable = _upload(ctx, session, demo, "Playable")
    lifecycle.mark_ready(
        session, playable.id, video=keys.video_key(playable.id), poster=None, duration=30.0,
        width=320, height=240, method="remux",
    )  # fmt: skip
    session.expire_all()
    oldest = gather(ctx.redis, session).oldest_waiting
    assert (oldest.clip_id, oldest.state) == (playable.id, "transcript pending")


def test_status_command_prints_text_and_json(ctx, session, demo, settings):
    waiting, _playable = _waiting_clip_and_a_transcript(ctx, session, demo)
    runner = CliRunner()
    env = worker_env(settings)
    result = runner.invoke(main, ["status", "--json"], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    by_name = {queue["name"]: queue for queue in report["queues"]}
    assert by_name[PROCESS_QUEUE] == {
        "name": PROCESS_QUEUE, "queued": 1, "started": 0, "failed": 0, "scheduled": 0,
        "deferred": 0,
    }  # fmt: skip
    assert report["clips"]["uploaded"] == 1
    assert report["oldest_waiting"]["clip_id"] == waiting.id
    assert re.fullmatch(r"\d+ seconds?", report["oldest_waiting"]["age"])
    text = runner.invoke(main, ["status"], env=env, catch_exceptions=False)
    assert text.exit_code == 0
    assert "process     queued    1" in text.output
    assert "Face blurs: requested 1, processing 0, review 0, ready 0, failed 0" in text.output
    assert report["blurs"]["requested"] == 1
    assert f"Oldest waiting clip: {waiting.id} (uploaded), waiting" in text.output


def test_worker_health_sees_a_live_worker_on_this_host(ctx, settings):
    assert not worker_alive_here(ctx.redis)
    runner = CliRunner()
    assert runner.invoke(main, ["worker-health"], env=worker_env(settings)).exit_code == 1
    worker = Worker([Queue(PROCESS_QUEUE, connection=ctx.redis)], connection=ctx.redis)
    worker.register_birth()
    try:
        assert worker_alive_here(ctx.redis)
        assert not worker_alive_here(ctx.redis, "another-host")
        assert runner.invoke(main, ["worker-health"], env=worker_env(settings)).exit_code == 0
    finally:
        worker.register_death()


def test_worker_queue_names_are_checked():
    result = CliRunner().invoke(main, ["worker", "--burst", "--queues", "process,videos"])
    assert result.exit_code == 2
    assert "unknown queue videos" in result.output


def test_age_in_words():
    assert age_in_words(timedelta(seconds=1)) == "1 second"
    assert age_in_words(timedelta(seconds=59)) == "59 seconds"
    assert age_in_words(timedelta(minutes=5, seconds=30)) == "5 minutes"
    assert age_in_words(timedelta(hours=2)) == "2 hours"
    assert age_in_words(timedelta(days=1, minutes=5)) == "1 day"
    assert age_in_words(timedelta(days=3, hours=1, minutes=2)) == "3 days 1 hour"
