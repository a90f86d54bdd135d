"""When the scheduled checks and digests run: once a day in each school's own time zone, once
however many workers ask.

The worker's sweeper queues the schedule job once an hour (workers.queues
``enqueue_notify_schedule``); the job calls ``run_due``, which works out each school's local
date and hour and runs what has come due and not yet run:

- ``reminders:<school id>:<local date>`` from REMINDER_HOUR: the day's checks of
  service.notify.checks, and on a Monday the coordinators' summary (service.notify.digests);
- ``email-digest:<school id>:<local date>`` from DIGEST_HOUR: the daily email digest of the
  people whose home is that school, and ``email-digest:none:<date>`` (London time) for
  people of no school (admins).

A run is claimed by inserting its ``ScheduledRun`` row in a transaction of its own: the key is
unique, so a second worker's insert fails and that worker leaves the run alone. A claim left
unfinished for STALE_CLAIM (its worker died mid-run) is taken over by one conditional UPDATE,
which only one worker can win. Running a check again is harmless anyway: every notification
has a dedupe key, and a digest claims each notification by an UPDATE that only one run wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.induction.scope import calendars
from service.induction.terms import SchoolCalendar
from service.models import ScheduledRun, School, utcnow
from service.notify import checks, digests
from service.notify.delivery import Links

REMINDER_HOUR = 7  # local time: the reminders are there when the school day starts
DIGEST_HOUR = 17  # local time: the day's digest once the teaching day is over
# A claim unfinished this long was left by a worker that died: another may take it over.
STALE_CLAIM = timedelta(hours=1)
NO_SCHOOL = "none"


def claim(session: Session, key: str, now: datetime) -> bool:
    """Claim a scheduled run (commits); say whether this caller is the one to do it."""
    session.add(ScheduledRun(key=key, started_at=now))
    try:
        session.commit()
        return True
    except IntegrityError:  # another worker claimed it first
        session.rollback()
    taken = session.execute(
        update(ScheduledRun)
        .where(
            ScheduledRun.key == key,
            ScheduledRun.finished_at.is_(None),
            ScheduledRun.started_at < now - STALE_CLAIM,
        )
        .values(started_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return bool(taken.rowcount)  # type: ignore[attr-defined]


def finish(session: Session, keys: list[str], now: datetime) -> None:
    """Mark claimed runs done, in the transaction of their work (commits)."""
    if keys:
        session.execute(
            update(ScheduledRun)
            .where(ScheduledRun.key.in_(keys))
            .values(finished_at=now)
            .execution_options(synchronize_session=False)
        )
    session.commit()


def finished(session: Session, keys: list[str]) -> set[str]:
    """Return which of these scheduled runs have finished."""
    return set(
        session.scalars(
            select(ScheduledRun.key).where(
                ScheduledRun.key.in_(keys), ScheduledRun.finished_at.is_not(None)
            )
        )
    )


@dataclass
class ScheduleReport:
    """What one call of ``run_due`` did."""

    runs: list[str] = field(default_factory=list)  # the keys this call ran
    raised: dict[str, int] = field(default_factory=dict)  # notifications raised, by kind
    messages: list[int] = field(default_factory=list)  # digest emails written, to be queued

    def add(self, result: checks.CheckResult) -> None:
        for kind, count in result.raised.items():
            self.raised[kind] = self.raised.get(kind, 0) + count

    def to_dict(self) -> dict[str, object]:
        return {"runs": self.runs, "raised": self.raised, "messages": self.messages}


def reminders_key(school_id: int, local: datetime) -> str:
    return f"reminders:{school_id}:{local.date().isoformat()}"


def digest_key(school_id: int | None, local: datetime) -> str:
    return f"email-digest:{NO_SCHOOL if school_id is None else school_id}:{local.date()}"


def run_due(session: Session, links: Links, *, now: datetime | None = None) -> ScheduleReport:
    """Run every school's reminders and digests that have come due and not yet run."""
    now = now or utcnow()
    report = ScheduleReport()
    schools = list(session.scalars(select(School).order_by(School.id)))
    cals = calendars(session, schools)
    homes: dict[int | None, SchoolCalendar] = {s.id: cals[s.id] for s in schools}
    homes[None] = SchoolCalendar()
    local = {school_id: now.astimezone(calendar.zone) for school_id, calendar in homes.items()}
    due = {
        s.id: reminders_key(s.id, local[s.id]) for s in schools if local[s.id].hour >= REMINDER_HOUR
    }
    digest_due = {i: digest_key(i, local[i]) for i in homes if local[i].hour >= DIGEST_HOUR}
    done = finished(session, [*due.values(), *digest_due.values()])
    for school in schools:
        key = due.get(school.id)
        if key is None or key in done or not claim(session, key, now):
            continue
        today = checks.Today(school, cals[school.id], now)
        result = checks.run_school_checks(session, school, cals[school.id], now=now)
        digests.coordinator_digests(session, today, result)
        finish(session, [key], now)
        report.runs.append(key)
        report.add(result)
    claimed: dict[int | None, SchoolCalendar] = {}
    keys = []
    for school_id, key in digest_due.items():
        if key in done or not claim(session, key, now):
            continue
        claimed[school_id] = homes[school_id]
        keys.append(key)
    if claimed:
        run = digests.DigestRun(claimed, now, links)
        report.messages = digests.send_email_digests(session, run)
        finish(session, keys, now)  # with the digests' emails and claims, in one commit
        report.runs += keys
    return report
