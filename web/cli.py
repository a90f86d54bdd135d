"""The ``coachreel`` command: migrate, seed, run the web server and workers, or all at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

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
    from workers.demo import seed_demo_trust

    return seed_demo_trust(settings, echo=click.echo)


@main.command()
def seed() -> None:
    """Add the demo trust, schools, users and a sample clip (once)."""
    logins = _seed(_settings())
    click.echo(f"Seeded {len(logins)} demo users.")


def _queue_names(single: tuple[str, ...], listed: str | None) -> tuple[str, ...]:
    from workers.queues import QUEUES

    names = list(single)
    if listed:
        names += [name.strip() for name in listed.split(",") if name.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if unknown:
        raise click.BadParameter(
            f"unknown queue {', '.join(unknown)}; the queues are {', '.join(QUEUES)}",
            param_hint="--queues",
        )
    # Keep the policy's order (process before transcribe), each queue once.
    return tuple(name for name in QUEUES if name in names) or QUEUES


@main.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queues",
    "listed",
    metavar="NAMES",
    help="Comma-separated queues to work, e.g. process,blur (default: all).",
)
@click.option("--queue", "queues", multiple=True, help="One queue to work (repeatable).")
def worker(burst: bool, listed: str | None, queues: tuple[str, ...]) -> None:
    """Run a background worker (with the retry scheduler and the sweeper)."""
    from workers.runner import WorkerStartError, run_worker

    names = _queue_names(queues, listed)
    try:
        run_worker(_settings(), queues=names, burst=burst)
    except WorkerStartError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object, for machines.")
def status(as_json: bool) -> None:
    """Show queue lengths, workers, clips per state and the oldest waiting clip."""
    from redis.exceptions import RedisError
    from sqlalchemy.exc import SQLAlchemyError

    from service.db import make_engine, make_session_factory
    from workers.connection import connect
    from workers.status import format_status, gather

    settings = _settings()
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as session:
            report = gather(connect(settings), session)
    except RedisError as exc:
        raise click.ClickException(f"Redis cannot be reached: {exc}") from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"The database cannot be reached: {exc}") from exc
    finally:
        engine.dispose()
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2))
    else:
        click.echo(format_status(report))


@main.command("worker-health")
def worker_health() -> None:
    """Exit 0 if a live worker on this host is registered in Redis (for health checks)."""
    from redis.exceptions import RedisError

    from workers.connection import connect
    from workers.status import worker_alive_here

    try:
        alive = worker_alive_here(connect(_settings()))
    except RedisError as exc:
        raise click.ClickException(f"Redis cannot be reached: {exc}") from exc
    if not alive:
        raise click.ClickException("no live worker on this host")
    click.echo("worker alive")


@main.command("create-admin")
@click.argument("email")
@click.option("--name", help="Display name (default: the part of the email before @).")
@click.password_option(help="Prompted for (twice) unless given.")
def create_admin(email: str, name: str | None, password: str) -> None:
    """Create an admin account (for the first sign-in to a new deployment)."""
    from service import accounts
    from service.db import make_engine, make_session_factory
    from service.models import Role, User

    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("that is not an email address", param_hint="EMAIL")
    problem = accounts.password_problem(password, email)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="password")
    engine = make_engine(_settings())
    try:
        with make_session_factory(engine)() as session:
            if session.scalar(select(User.id).where(User.email == email)) is not None:
                raise click.ClickException(f"{email} already has an account.")
            accounts.create_user(
                session,
                email=email,
                name=name or email.split("@", 1)[0],
                password=password,
                role=Role.ADMIN,
            )
            session.commit()
    finally:
        engine.dispose()
    click.echo(f"Created admin {email}.")


@main.command()
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate an account: it cannot sign in, and its open sessions end at once."""
    from service.db import make_engine, make_session_factory
    from service.models import User
    from service.people import leavers

    email = email.strip().lower()
    engine = make_engine(_settings())
    try:
        with make_session_factory(engine)() as session:
            user_id = session.scalar(select(User.id).where(User.email == email))
            if user_id is None:
                raise click.ClickException(f"{email} has no account.")
            # The leaver's use case, with no actor: their current pairings end today too.
            change = leavers.deactivate(session, None, user_id)
    finally:
        engine.dispose()
    ended = f" and {len(change.ended)} pairing(s)" if change.ended else ""
    click.echo(f"Deactivated {email}; its sessions{ended} have ended.")


@main.command()
def sweep() -> None:
    """Re-queue clips stuck without a live job, once."""
    from workers.context import build_context
    from workers.sweeper import sweep as run_sweep

    requeued = run_sweep(build_context(_settings()))
    click.echo(f"Re-queued {len(requeued)} clip(s).")


@main.command()
@click.option("--dry-run", is_flag=True, help="List what would be deleted; delete nothing.")
def retention(dry_run: bool) -> None:
    """Apply the schools' retention policies now: remove old originals and clips."""
    from service.privacy.retention import apply_retention
    from workers.context import build_context

    ctx = build_context(_settings())
    try:
        with ctx.sessions() as session:
            report = apply_retention(session, ctx.storage, dry_run=dry_run)
    finally:
        ctx.engine.dispose()
    done = {*report.originals_removed, *report.clips_deleted}
    for due in report.items:
        if dry_run or due.clip_id in done:
            verb = "would delete" if dry_run else "deleted"
            what = "the original of" if due.what == "original" else "clip"
            click.echo(
                f"{verb} {what} {due.clip_id} “{due.title}” ({due.kind.label}, "
                f"{due.owner_name}), due {due.due_on.isoformat()}: {due.why}"
            )
    for clip_id, problem in sorted(report.failed.items()):
        click.echo(f"left clip {clip_id} for the next run: {problem}", err=True)
    if dry_run:
        click.echo(f"Dry run: {len(report.items)} deletion(s) due; nothing was deleted.")
    else:
        click.echo(
            f"Removed {len(report.originals_removed)} original(s) and deleted "
            f"{len(report.clips_deleted)} clip(s); {len(report.failed)} left for the next run."
        )


@main.command("measure-talk")
@click.option("--dry-run", is_flag=True, help="List the clips; queue nothing.")
def measure_talk(dry_run: bool) -> None:
    """Queue transcription again for transcribed clips that have no talk figures yet."""
    from service.talk.figures import clips_without_figures
    from workers.context import build_context
    from workers.queues import enqueue_transcription

    ctx = build_context(_settings())
    try:
        with ctx.sessions() as session:
            waiting = [(c.id, c.title, c.duration) for c in clips_without_figures(session)]
        for clip_id, title, duration in waiting:
            if not dry_run:
                enqueue_transcription(ctx.redis, clip_id, duration, stale_after=ctx.stale_after)
            click.echo(f"{'would queue' if dry_run else 'queued'} clip {clip_id} “{title}”")
    finally:
        ctx.engine.dispose()
    if dry_run:
        click.echo(f"Dry run: {len(waiting)} clip(s) have no talk figures; nothing was queued.")
    else:
        click.echo(f"Queued {len(waiting)} clip(s); workers will transcribe and measure them.")


def _gunicorn_args(host: str, port: int, workers: int | None) -> list[str]:
    # Timeouts, threads and logging come from web/gunicorn_conf.py; the address from here.
    args = [sys.executable, "-m", "gunicorn", "-c", "python:web.gunicorn_conf"]
    args += ["--bind", f"{host}:{port}"]
    if workers is not None:
        args += ["--workers", str(workers)]
    return [*args, "web:create_app()"]


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    type=int,
    help="Processes (default: $WEB_CONCURRENCY, else 2 x CPU cores + 1).",
)
def web(host: str, port: int, workers: int | None) -> None:
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
    from service.demo.seed import DEMO_PASSWORD
    from web.children import stop_children
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

    stopping = False

    def _stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    # Ctrl-C reaches the children too (they share the terminal's process group); here it only
    # starts the stop below, which waits for them and kills any that do not end in time.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    children = {
        "web server": subprocess.Popen(_gunicorn_args(host, port, 2)),
        "worker": subprocess.Popen([sys.executable, "-m", "web.cli", "worker"]),
    }
    try:
        url = f"http://{host}:{port}/"
        click.echo("")
        click.secho(f"Coachreel is running at {url}", bold=True)
        click.echo(f"Every demo login uses the password: {DEMO_PASSWORD}")
        for login in logins:
            click.echo(f"  {login.role.label:<24} {login.email:<42} {login.name} ({login.school})")
        if settings.smtp_url:
            click.echo("Emails (invitations, password resets) are sent through SMTP_URL.")
        else:
            # No mail server: the worker writes each email (its link too) into the outbox.
            click.echo(f"Emails are not sent but written to {settings.outbox_path}")
            click.echo(f"  (admins read them at {url}admin/outbox)")
        click.echo("Press Ctrl-C to stop.")
        while not stopping and all(child.poll() is None for child in children.values()):
            time.sleep(0.3)
    finally:
        click.echo("\nStopping…")
        stop_children(children, echo=click.echo)
        if settings.embedded_redis:
            stop_embedded_redis(settings.instance_dir)
        click.echo("Stopped.")


if __name__ == "__main__":
    main()
