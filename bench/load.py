"""Load the web app under gunicorn with uploaders and viewers, beside a bare WSGI baseline.

A throw-away instance (a temporary folder: SQLite or --database-url, the embedded Redis or
--redis-url, local media) gets the demo organisation and three ready clips (a generated
sample processed by ``process_clip``, as ``coachreel seed`` does). gunicorn then serves
``web:create_app()`` on 127.0.0.1 with the project's config (web/gunicorn_conf.py: 2 x cores
+ 1 gthread workers of 4 threads) or, without one, 2 x cores + 1 sync workers, while for
--seconds:

- --uploaders signed-in ECTs post the upload form with a --upload-mb file (the sample clip
  repeated) in a loop; each stored original is deleted once answered, to bound the disk;
- --viewers, signed in as the clips' ECT or mentor, open a clip's watch page and then make
  4 range requests (``Range: bytes=a-b``, 512 KB at random offsets) for its video, in a loop.

The clients are threads in processes of their own (not sharing the server's GIL). Then the
very same load runs against ``bench/bare_wsgi.py`` under gunicorn with the same workers: the
saved watch page as static bytes, the same video file through werkzeug's ``send_file`` with
conditional Range, uploads streamed raw to a file: no Flask, database or access check. The
table gives the p50/p95/p99 of each request kind on both and the ratio of the p95s.

Memory: one --big-upload-gb upload, streamed from a generator, to each server in turn, while
the RSS of every gunicorn worker is sampled every 50 ms; growth = peak - RSS just before.
The goal is <= 64 MB. No RQ worker runs: uploads are stored and queued only.

The machine is shared and small (2 cores, other test runs): figures are noisy, so the load
average is printed beside them. Exit status 1 on any failed request or a missed memory goal.

    python bench/load.py                  # 60 s, 20 uploaders x 20 MB, 50 viewers, a 2 GB upload
    python bench/load.py --seconds 10 --uploaders 2 --viewers 5 --big-upload-gb 0   # smoke run
    python bench/load.py --database-url postgresql+psycopg://postgres@127.0.0.1/load_db
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

import psutil
import requests
from gunicorn_server import Server  # bench/ is on sys.path when run
from loadgen import (  # bench/ is on sys.path when run
    csrf_token,
    post_upload,
    report,
    run_clients,
    sign_in,
    upload_body,
)
from sqlalchemy import inspect, select

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from config import load_settings  # noqa: E402

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
UPLOADERS = [f"ect{n}@{place}.example" for place in ("northfield", "riverside") for n in (1, 2, 3)]
CLIPS = 3
VIEWERS_PER_PROCESS = 25
RSS_GOAL_MB = 64
MB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each load run")
    parser.add_argument("--uploaders", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--upload-mb", type=float, default=20.0, help="size of each upload")
    parser.add_argument("--big-upload-gb", type=float, default=2.0, help="0 skips the RSS part")
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--redis-url", help="a Redis of its own (default: the embedded one)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="coachreel-load-"))
    try:
        return run(args, folder)
    finally:
        if not args.redis_url:
            from workers.connection import stop_embedded_redis

            stop_embedded_redis(folder / "instance")
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace, folder: Path) -> int:
    env = {
        "COACHREEL_ENV": "development",
        "COACHREEL_INSTANCE": str(folder / "instance"),
        "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'instance' / 'load.db'}",
        "MEDIA_DIR": str(folder / "media"),
        "SECRET_KEY": "bench-load",
        "MAX_UPLOAD_SIZE": f"{max(3.0, args.big_upload_gb + 1):g}G",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    settings = load_settings(env)
    config = gunicorn_config()
    workers = 2 * (os.cpu_count() or 1) + 1
    print(
        f"{os.cpu_count()} CPUs, load average {_load()}; {settings.database_url.split(':')[0]}, "
        f"{'Redis ' + args.redis_url if args.redis_url else 'embedded Redis'}; gunicorn "
        + (f"config {config.relative_to(REPO)}" if config else f"{workers} sync workers")
    )
    try:
        clips, payload = prepare(settings, folder)
    except RuntimeError as exc:
        print(exc)
        return 2
    (folder / "tmp").mkdir()
    server_env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COACHREEL_", "BARE_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    server_env |= env | {"PYTHONPATH": str(REPO), "TMPDIR": str(folder / "tmp")}
    big = int(args.big_upload_gb * 1024**3)
    if big and shutil.disk_usage(folder).free < big * 2 + 2 * 1024**3:
        free = shutil.disk_usage(folder).free / 1024**3
        print(f"SKIPPING the {args.big_upload_gb:g} GB upload: {free:.1f} GB free on {folder},")
        print(f"and it needs about {args.big_upload_gb * 2 + 2:g} GB (spooled and stored).")
        big = 0
    videos = {cid: str(settings.media_dir / "clips" / str(cid) / "video.mp4") for cid in clips}
    load = dict(
        seconds=args.seconds, uploaders=args.uploaders, viewers=args.viewers,
        upload_bytes=int(args.upload_mb * MB), payload=str(payload), videos=videos,
    )  # fmt: skip

    results = {}
    server = Server("web:create_app()", server_env, folder / "coachreel.log", config, workers)
    with server:
        (folder / "page.html").write_bytes(watch_page(server.base, clips[0]))
        warm_up(server.base, clips)
        results["ours"] = load_run(server.base, load, signed_in=True, media=settings.media_dir)
        results["ours"]["checks"] = after_load_checks(server.base, settings)
        results["ours"]["memory"] = big_upload(server, big, settings.media_dir)
    bare_env = server_env | {
        "BARE_MEDIA": str(settings.media_dir),
        "BARE_PAGE": str(folder / "page.html"),
        "BARE_SINK": str(folder / "tmp"),
        "PYTHONPATH": f"{REPO / 'bench'}{os.pathsep}{REPO}",
    }
    bare = Server("bare_wsgi:make_app()", bare_env, folder / "bare.log", config, workers)
    with bare:
        warm_up(bare.base, clips)
        results["bare"] = load_run(bare.base, load, signed_in=False, media=None)
        results["bare"]["checks"] = []
        results["bare"]["memory"] = big_upload(bare, big, None)

    how = f"{config.relative_to(REPO)}" if config else "sync"
    servers = f"{how}; worker processes: coachreel {server.workers_seen}, bare {bare.workers_seen}"
    return report(args, results, servers, RSS_GOAL_MB)


def gunicorn_config() -> Path | None:
    """The project's gunicorn config, if one has appeared under deploy/ or web/."""
    for folder in ("deploy", "web", "."):
        found = sorted((REPO / folder).glob("gunicorn*.py"))
        if found:
            return found[0]
    return None


def prepare(settings, folder: Path) -> tuple[list[int], Path]:
    """Migrate, seed the demo organisation, and make CLIPS ready clips; return their ids and
    the sample video (the uploads' payload)."""
    from service.clips import upload
    from service.db import make_engine
    from service.demo.seed import seed_demo
    from service.migrate import upgrade
    from service.models import User
    from workers.context import build_context, use_context
    from workers.process import process_clip
    from workers.samples import make_sample_clip

    engine = make_engine(settings)
    if inspect(engine).get_table_names():
        raise RuntimeError(f"{settings.database_url} is not empty: give the benchmark its own.")
    upgrade(engine)
    engine.dispose()
    started = time.perf_counter()
    sample = make_sample_clip(folder / "sample.mp4", duration=60.0, ffmpeg=settings.ffmpeg_binary)
    ctx = build_context(settings)
    use_context(ctx)
    ids = []
    with ctx.sessions() as session:
        seed_demo(session)
        ect = session.scalar(select(User).where(User.email == ECT))
        for n in range(CLIPS):
            details = upload.UploadDetails(
                kind=upload.ClipKind.LESSON,
                title=f"Load test clip {n + 1}",
                recorded_on=date.today(),
                filename="sample.mp4",
            )
            with open(sample, "rb") as stream:
                clip = upload.register_upload(
                    session, ctx.storage, ect, details, stream, max_bytes=settings.max_upload_bytes
                )
            process_clip(clip.id)
            ids.append(clip.id)
    use_context(None)
    ctx.engine.dispose()
    size = (settings.media_dir / "clips" / str(ids[0]) / "video.mp4").stat().st_size
    print(
        f"seeded the demo organisation and {CLIPS} ready clips of 60 s ({size / MB:.1f} MB each) "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return ids, sample


def _load() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def watch_page(base: str, clip_id: int) -> bytes:
    """Our watch page as the mentor sees it (the bare baseline serves these bytes)."""
    answer = sign_in(base, MENTOR).get(f"{base}/clips/{clip_id}", timeout=60)
    answer.raise_for_status()
    return answer.content


def warm_up(base: str, clip_ids: list[int]) -> None:
    """A few requests in parallel, so every worker has its imports and templates loaded."""

    def hit(_n: int) -> None:
        session = requests.Session()
        for clip_id in clip_ids:
            session.get(f"{base}/clips/{clip_id}/video.mp4", headers={"Range": "bytes=0-1"})

    threads = [threading.Thread(target=hit, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def load_run(base: str, load: dict, *, signed_in: bool, media: Path | None) -> dict:
    """Run the uploaders and viewers for ``load['seconds']``; return the merged tallies."""
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    jobs = []
    if load["uploaders"]:
        emails = [UPLOADERS[n % len(UPLOADERS)] for n in range(load["uploaders"])]
        jobs.append(dict(role="uploader", emails=emails, first=0))
    for start in range(0, load["viewers"], VIEWERS_PER_PROCESS):
        count = min(VIEWERS_PER_PROCESS, load["viewers"] - start)
        jobs.append(dict(role="viewer", emails=[(ECT, MENTOR)[n % 2] for n in range(count)],
                         first=start))  # fmt: skip
    processes = []
    for job in jobs:
        job |= load | dict(base=base, sign_in=signed_in, media=str(media) if media else None)
        processes.append(context.Process(target=run_clients, args=(job, ready, go, results)))
    for process in processes:
        process.start()
    try:
        for _ in processes:
            message = ready.get(timeout=300)
            if message != "ready":
                raise RuntimeError(message)
        print(f"{'coachreel' if signed_in else 'bare'}: load for {load['seconds']:g} s, load "
              f"average {_load()}", flush=True)  # fmt: skip
        started = time.time()
        go.set()
        tallies = [results.get(timeout=load["seconds"] + 900) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.terminate()
    merged: dict = {"times": {}, "bytes": {}, "errors": {}, "examples": {}, "load": _load()}
    for tally in tallies:
        for key in ("times", "bytes", "errors"):
            for kind, value in tally[key].items():
                merged[key][kind] = merged[key].get(kind, 0 if key != "times" else []) + value
        merged["examples"] |= tally["examples"]
    last = max([t["last_done"] for t in tallies] + [started])
    merged["elapsed"] = last - started
    return merged


def after_load_checks(base: str, settings) -> list[str]:
    """With the uploads queued (no worker ran), the clip list and a queued clip's status answer."""
    from service.db import make_engine
    from service.models import Clip, ClipStatus, User

    engine = make_engine(settings)
    with engine.connect() as connection:
        queued = connection.scalar(
            select(Clip.id)
            .join(User, User.id == Clip.owner_id)
            .where(User.email == UPLOADERS[0], Clip.status == ClipStatus.UPLOADED)
            .order_by(Clip.id.desc())
            .limit(1)
        )
    engine.dispose()
    session = sign_in(base, UPLOADERS[0])
    failures = []
    listing = session.get(f"{base}/clips/", timeout=120)
    if listing.status_code != 200:
        failures.append(f"clip list after the load: HTTP {listing.status_code}")
    if queued is not None:
        status = session.get(f"{base}/clips/{queued}/status.json", timeout=60)
        if status.status_code != 200 or status.json().get("status") != "uploaded":
            failures.append(f"status of queued clip {queued}: HTTP {status.status_code}")
        page = session.get(f"{base}/clips/{queued}", timeout=60)
        if page.status_code != 200:
            failures.append(f"watch page of queued clip {queued}: HTTP {page.status_code}")
    return failures


def big_upload(server: Server, size: int, media: Path | None) -> dict | None:
    """Post one ``size`` upload streamed from a generator while sampling every worker's RSS
    every 50 ms; ``media`` None: the bare server, no sign-in."""
    if not size:
        return None
    session = sign_in(server.base, ECT) if media else requests.Session()
    token = csrf_token(session.get(f"{server.base}/clips/upload").text) if media else ""
    payload = os.urandom(MB)  # the file's content does not matter: no worker will open it
    body = upload_body(token, payload, size, "Big upload")
    before = {pid: psutil.Process(pid).memory_info().rss for pid in server.worker_pids()}
    peak = dict(before)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            for pid in list(peak):
                try:
                    peak[pid] = max(peak[pid], psutil.Process(pid).memory_info().rss)
                except psutil.NoSuchProcess:
                    pass
            stop.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        answer, seconds = post_upload(session, server.base, body)
    finally:
        stop.set()
        sampler.join()
    error = None if answer.status_code == 201 else f"HTTP {answer.status_code}: {answer.text}"
    if media is not None and error is None:
        (media / "clips" / str(answer.json()["id"]) / "original").unlink(missing_ok=True)
    if error and server.process and server.process.poll() is None:
        error += f"\n{server.tail(10)}"
    pid = max(before, key=lambda p: peak[p] - before[p])
    return dict(seconds=seconds, size=size, before=before[pid], peak=peak[pid], error=error,
                lost=sorted(set(before) - set(server.worker_pids())))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
