"""The ``coachreel`` command: migrate, seed, run the web server and workers, or all at once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import click
from sqlalchemy import select

from config import ConfigError, Settings, load_settings


def _settings() -> Settings:
    try:
        return load_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
def main() -> None:
    """Coachreel: video observation and feedback for instructional coaching."""


@main.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    from service.db import make_engine
    from service.migrate import upgrade

    settings = _settings()
    engine = make_engine(settings)
    upgrade(engine)
    engine.dispose()
    click.echo("Database is up to date.")


def _seed(settings: Settings) -> list:
    """Seed the demo organisation, one processed sample clip and a term of coaching history."""
    from service import clips
    from service.demo_history import seed_history
    from service.models import Clip, User
    from service.seed import seed_demo
    from workers.context import build_context, use_context
    from workers.jobs import process_clip
    from workers.samples import make_sample_clip

    ctx = build_context(settings)
    use_context(ctx)
    with ctx.sessions() as session:
        logins = seed_demo(session)
        if session.scalar(select(Clip.id).limit(1)) is None:
            click.echo("Making a sample clip…")
            ect = session.scalar(select(User).where(User.email == "ect1@northfield.example"))
            with tempfile.TemporaryDirectory() as tmp:
                sample = make_sample_clip(Path(tmp) / "sample.mp4", ffmpeg=settings.ffmpeg_binary)
                with open(sample, "rb") as stream:
                    clip = clips.register_upload(
                        session,
                        ctx.storage,
                        ect,
                        clips.UploadDetails(
                            kind=clips.ClipKind.LESSON,
                            title="Sample: settling the class (demo clip)",
                            recorded_on=date.today(),
                            filename="sample.mp4",
                        ),
                        stream,
                        max_bytes=settings.max_upload_bytes,
                    )
            # Process it right here, so the demo opens with a clip ready to watch.
            process_clip(clip.id)
            session.expire_all()
            seed_history(session, session.get(Clip, clip.id))
    use_context(None)
    ctx.engine.dispose()
    return logins


@main.command()
def seed() -> None:
    """Add the demo trust, schools, users and a sample clip (once)."""
    logins = _seed(_settings())
    click.echo(f"Seeded {len(logins)} demo users.")


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option("--queue", "queues", multiple=True, help="Queue to work (repeatable).")
def worker(burst: bool, queues: tuple[str, ...]) -> None:
    """Run a background worker (with the retry scheduler and the sweeper)."""
    from media_pipeline import ModelLoadError
    from workers.queues import QUEUES
    from workers.runner import run_worker

    try:
        run_worker(_settings(), queues=queues or QUEUES, burst=burst)
    except ModelLoadError as exc:
        raise click.ClickException(f"The speech model could not be loaded: {exc}") from exc


@main.command()
def sweep() -> None:
    """Re-queue clips stuck without a live job, once."""
    from workers.context import build_context
    from workers.sweeper import sweep as run_sweep

    requeued = run_sweep(build_context(_settings()))
    click.echo(f"Re-queued {len(requeued)} clip(s).")


def _gunicorn_args(host: str, port: int, workers: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        "4",
        "--timeout",
        "600",
        "--access-logfile",
        "-",
        "web:create_app()",
    ]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
def web(host: str, port: int, workers: int) -> None:
    """Run the web server (gunicorn)."""
    _settings()
    os.execv(sys.executable, _gunicorn_args(host, port, workers))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    default=lambda: int(os.environ.get("PORT", "5000")),
    type=int,
    help="Port for the web server (default 5000, or $PORT).",
)
def demo(host: str, port: int) -> None:
    """Migrate, seed demo data, and run the web server and one worker until Ctrl-C."""
    from service.seed import DEMO_PASSWORD
    from workers.connection import ensure_embedded_redis, stop_embedded_redis

    settings = _settings()
    click.echo("Preparing the database…")
    from service.db import make_engine
    from service.migrate import upgrade

    engine = make_engine(settings)
    upgrade(engine)
    engine.dispose()
    if settings.embedded_redis:
        ensure_embedded_redis(settings.instance_dir)
    logins = _seed(settings)

    children = [
        subprocess.Popen(_gunicorn_args(host, port, 2)),
        subprocess.Popen([sys.executable, "-m", "web.cli", "worker"]),
    ]
    url = f"http://{host}:{port}/"
    click.echo("")
    click.secho(f"Coachreel is running at {url}", bold=True)
    click.echo(f"Every demo login uses the password: {DEMO_PASSWORD}")
    for login in logins:
        click.echo(f"  {login.role.label:<24} {login.email:<42} {login.name} ({login.school})")
    click.echo("Press Ctrl-C to stop.")

    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
    finally:
        click.echo("\nStopping…")
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        if settings.embedded_redis:
            stop_embedded_redis(settings.instance_dir)
        click.echo("Stopped.")


if __name__ == "__main__":
    main()
