"""Time raising and delivering notifications on a generated trust: time per notification and SQL
queries per email, for 1 000 and 10 000 notifications, against a bare baseline.

A trust of 10 schools x 30 ECTs and their 100 mentors, each ECT with a lesson clip. Each round
starts with no notifications and raises ``N`` of them through ``notify()`` (the dedupe check,
the person's email choice, the row in a SAVEPOINT), committing every 100 as the use cases'
transactions would: half "feedback posted" to the ECTs (emailed at once by default), half
"clip waiting" to the mentors (in the daily digest by default). Then:

- **at once**: service.notify.delivery's ``deliver_due`` writes one email per notification due
  at once, in batches of 100, as the delivery job does;
- **digest**: service.notify.digests' ``send_email_digests`` writes each mentor's daily digest
  (one email for all of their notifications), as the schedule's 17:00 run does.

The bare baseline writes the same rows with SQLAlchemy Core ``executemany`` (no ORM, no checks,
no email text): the notifications for raising, and the messages plus the one UPDATE marking
the notifications emailed for each delivery. Queries are counted with a
``before_cursor_execute`` listener on the engine; the queries per email must not grow with
the number of notifications (the last line says whether they did).

    python bench/notify.py                          # a temporary SQLite database
    python bench/notify.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench_db
    python bench/notify.py --counts 1000,10000,30000
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, delete, event, insert, select, update

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from database import empty_database  # bench/ is on sys.path when run

from service.db import make_session_factory
from service.induction.terms import SchoolCalendar
from service.models import (
    Clip,
    ClipKind,
    ClipStatus,
    MailMessage,
    MailStatus,
    Membership,
    Mentorship,
    Notification,
    Role,
    School,
    Trust,
    User,
)
from service.notify import delivery, digests
from service.notify.raising import notify

SCHOOLS, ECTS, ECTS_PER_MENTOR = 10, 30, 3
COMMIT_EVERY = 100
# A Tuesday in term, after the digest hour: the digest sends every kind it may.
NOW = datetime(2027, 2, 9, 17, 5, tzinfo=UTC)
LINKS = delivery.Links("https://coachreel.example", "bench-secret")


def generate(sessions) -> tuple[list[tuple[int, int, int]], dict[int | None, SchoolCalendar]]:
    """Fill an empty database with the trust; return (ECT, mentor, clip) ids and the homes."""
    pairs = []
    with sessions() as db:
        trust = Trust(name="Bench Notify Trust")
        db.add(trust)
        db.flush()
        homes: dict[int | None, SchoolCalendar] = {None: SchoolCalendar()}
        for s in range(SCHOOLS):
            school = School(name=f"School {s:02d}", trust=trust)
            db.add(school)
            db.flush()
            homes[school.id] = SchoolCalendar()
            people = []
            for n in range(ECTS // ECTS_PER_MENTOR + ECTS):
                role = Role.MENTOR if n < ECTS // ECTS_PER_MENTOR else Role.ECT
                person = User(
                    email=f"{role.value}{n}@school{s}.example",
                    name=f"{role.label} {s}-{n:02d}",
                    password_hash="x",
                )
                person.memberships.append(Membership(role=role, school_id=school.id))
                people.append(person)
            db.add_all(people)
            db.flush()
            mentors, ects = people[: ECTS // ECTS_PER_MENTOR], people[ECTS // ECTS_PER_MENTOR :]
            for i, ect in enumerate(ects):
                mentor = mentors[i // ECTS_PER_MENTOR]
                db.add(
                    Mentorship(
                        mentor_id=mentor.id,
                        ect_id=ect.id,
                        school_id=school.id,
                        started_on=date(2026, 9, 1),
                    )
                )
                clip = Clip(
                    owner_id=ect.id,
                    school_id=school.id,
                    kind=ClipKind.LESSON,
                    title="Lesson",
                    recorded_on=date(2027, 2, 1),
                    status=ClipStatus.READY,
                    original_key="k",
                    original_filename="c.mp4",
                    original_size=1,
                )
                db.add(clip)
                db.flush()
                pairs.append((ect.id, mentor.id, clip.id))
        db.commit()
    return pairs, homes


class Counter:
    """Count the statements sent on an engine while enabled."""

    def __init__(self, engine: Engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self) -> Counter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)


def timed(engine: Engine, work: Callable[[], int]) -> tuple[float, int, int]:
    """Run ``work`` (which returns how many items it did); return seconds, queries, items."""
    with Counter(engine) as counter:
        started = time.perf_counter()
        items = work()
        seconds = time.perf_counter() - started
    return seconds, counter.count, items


def plan(pairs: list[tuple[int, int, int]], count: int) -> list[dict[str, object]]:
    """The notifications of a round: alternately to an ECT (at once) and a mentor (digest)."""
    rows = []
    for i in range(count):
        ect, mentor, clip = pairs[(i // 2) % len(pairs)]
        if i % 2 == 0:
            rows.append(
                dict(user_id=ect, kind="feedback_posted", text="Mo left feedback on “Lesson”.",
                     link=f"/clips/{clip}?t={i}", dedupe_key=f"comment:{i}", clip_id=clip)
            )  # fmt: skip
        else:
            rows.append(
                dict(user_id=mentor, kind="clip_waiting", text="“Lesson” has waited 3 days.",
                     link=f"/clips/{clip}", dedupe_key=f"waiting:{i}", clip_id=clip, ect_id=ect)
            )  # fmt: skip
    return rows


def clear(sessions) -> None:
    with sessions() as db:
        db.execute(delete(Notification))
        db.execute(delete(MailMessage))
        db.commit()


def raise_all(sessions, rows: list[dict[str, object]]) -> int:
    with sessions() as db:
        for i, row in enumerate(rows, start=1):
            found = notify(db, **row)  # type: ignore[arg-type]
            assert found is not None
            if i % COMMIT_EVERY == 0:
                db.commit()
        db.commit()
    return len(rows)


def deliver_now(sessions) -> int:
    written = 0
    while True:
        with sessions() as db:
            batch = delivery.deliver_due(db, LINKS)
        written += len(batch)
        if not batch:
            return written


def deliver_digests(sessions, homes) -> int:
    with sessions() as db:
        written = digests.send_email_digests(db, digests.DigestRun(homes, NOW, LINKS))
        db.commit()
    return len(written)


def bare_raise(engine: Engine, rows: list[dict[str, object]]) -> int:
    with engine.connect() as conn:
        for start in range(0, len(rows), COMMIT_EVERY):
            chunk = [
                {**r, "dedupe_key": f"bare-{r['dedupe_key']}", "created_at": NOW, "email_due": True}
                for r in rows[start : start + COMMIT_EVERY]
            ]
            conn.execute(insert(Notification), chunk)
            conn.commit()
    return len(rows)


def bare_deliver(engine: Engine, kind: str, per_person: bool) -> int:
    """Write a message per notification (or per person) and mark them emailed, bare."""
    with engine.connect() as conn:
        due = conn.execute(
            select(Notification.id, Notification.user_id).where(
                Notification.kind == kind, Notification.email_due.is_(True)
            )
        ).all()
        people = sorted({u for _, u in due}) if per_person else [u for _, u in due]
        for start in range(0, len(people), COMMIT_EVERY):
            chunk = people[start : start + COMMIT_EVERY]
            conn.execute(
                insert(MailMessage),
                [
                    dict(to_address=f"{u}@bench.example", user_id=u, template="notify-bench",
                         subject="Coachreel", text_body="x", html_body="x",
                         status=MailStatus.QUEUED, created_at=NOW)
                    for u in chunk
                ],
            )  # fmt: skip
            conn.execute(
                update(Notification)
                .where(Notification.user_id.in_(chunk), Notification.kind == kind)
                .values(email_due=False, emailed_at=NOW)
            )
            conn.commit()
    return len(people)


def round_of(engine: Engine, sessions, pairs, homes, count: int) -> dict[str, tuple]:
    """One round: raise ``count`` notifications, deliver them, and the bare baseline."""
    rows = plan(pairs, count)
    clear(sessions)
    results = {"raise": timed(engine, lambda: raise_all(sessions, rows))}
    notes = {"at once": count - count // 2, "digest": count // 2}
    results["at once"] = timed(engine, lambda: deliver_now(sessions))
    results["digest"] = timed(engine, lambda: deliver_digests(sessions, homes))
    clear(sessions)
    bare = {"raise": timed(engine, lambda: bare_raise(engine, rows))}
    bare["at once"] = timed(engine, lambda: bare_deliver(engine, "feedback_posted", False))
    bare["digest"] = timed(engine, lambda: bare_deliver(engine, "clip_waiting", True))
    return {phase: (*results[phase], notes.get(phase, count), bare[phase]) for phase in results}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: SQLite)")
    parser.add_argument("--counts", default="1000,10000", help="notifications per round")
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    with tempfile.TemporaryDirectory() as folder:
        made = empty_database(folder, args.database_url)
        if made is None:
            return 2
        _settings, engine = made
        sessions = make_session_factory(engine)
        pairs, homes = generate(sessions)
        print(
            f"{engine.dialect.name}: {SCHOOLS} schools x {ECTS} ECTs, "
            f"{SCHOOLS * ECTS // ECTS_PER_MENTOR} mentors; {os.cpu_count()} CPUs"
        )
        print(
            f"\n{'notifications':>13} {'phase':<8} {'emails':>7} {'ms/notif':>9} {'q/email':>8}"
            f" {'q/notif':>8} {'bare ms':>8} {'ratio':>6}"
        )
        per_email: dict[str, list[float]] = {"at once": [], "digest": []}
        for count in counts:
            for phase, (seconds, queries, items, notes, bare) in round_of(
                engine, sessions, pairs, homes, count
            ).items():
                ms = seconds * 1000 / max(notes, 1)
                bare_ms = bare[0] * 1000 / max(notes, 1)
                emails = "" if phase == "raise" else str(items)
                q_email = "" if phase == "raise" else f"{queries / max(items, 1):8.1f}"
                if phase in per_email:
                    per_email[phase].append(queries / max(items, 1))
                print(
                    f"{count:13d} {phase:<8} {emails:>7} {ms:9.3f} {q_email:>8}"
                    f" {queries / max(notes, 1):8.2f} {bare_ms:8.3f} {ms / bare_ms:6.1f}"
                )
        print(
            "\nms/notif: time per notification raised or delivered; q/email: SQL statements per "
            "email written;\nbare ms: the same rows written by Core executemany with no checks; "
            "ratio: ms/notif over it."
        )
        flat = all(max(v) - min(v) <= 0.5 for v in per_email.values())
        print(
            "queries per email "
            + ("stay flat" if flat else "GROW")
            + " with the number of notifications: "
            + ", ".join(f"{k} {' vs '.join(f'{q:.1f}' for q in v)}" for k, v in per_email.items())
        )
        engine.dispose()
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
