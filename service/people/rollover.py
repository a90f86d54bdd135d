"""The year's roll-over for a school: year 1 ECTs move on to year 2, year 2 ECTs complete their
induction. A preview first, then apply what the coordinator confirms.

- A year 1 ECT's pairing ends on the chosen day (the last day of the induction year) and a
  year 2 pairing with the same mentor and ECT lead starts the day after, coaching fortnightly.
- A year 2 ECT's induction is recorded as completed on the chosen day (their ECT membership's
  ``induction_completed_on``, which starts the clock of the school's clip retention) and their
  pairing ends that day.
- The coordinator may leave anyone out (an extended induction, a part-time ECT).

Applying twice moves nobody on twice. A completed induction takes the ECT out of the roll-over.
A year 2 ECT whose year 2 began (a year 1 pairing followed by a year 2 one) less than
``RECENT_DAYS`` before the chosen day was moved on recently, by a roll-over or by hand, and is
not moved on again; a year's roll-over runs once a year, so a real year 2 began long before.
Every move is an audit event (ROLL_OVER), written in the one transaction of the apply.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import auditlog
from service.errors import InvalidInput
from service.induction.scope import school_calendar
from service.models import AuditAction, Membership, Mentorship, Role, School, User
from service.people import pairings
from service.people.pairing_admin import managed_school
from service.privacy.retention import day_text, school_today

RECENT_DAYS = 180  # a year 2 that began this recently is not completed by a roll-over
MAX_DAYS_BACK = 400


class Move(enum.StrEnum):
    TO_YEAR_TWO = "to_year_two"
    COMPLETE = "complete"
    NONE = "none"  # nothing to do for this ECT (the reason says why)

    @property
    def label(self) -> str:
        return {
            "to_year_two": "Moves on to year 2",
            "complete": "Completes induction",
            "none": "Stays as they are",
        }[self.value]


@dataclass(frozen=True)
class RollOverRow:
    ect: User
    membership: Membership
    pairing: Mentorship | None
    move: Move
    reason: str  # in words: what happens, or why nothing does


@dataclass(frozen=True)
class RollOverPlan:
    school: School
    last_day: date  # the last day of the induction year that ends
    today: date
    rows: list[RollOverRow]

    @property
    def movable(self) -> list[RollOverRow]:
        return [r for r in self.rows if r.move != Move.NONE]


@dataclass(frozen=True)
class RollOverResult:
    plan: RollOverPlan
    moved: list[RollOverRow]
    left_out: list[RollOverRow]


def default_last_day(session: Session, school: School, now: datetime | None = None) -> date:
    """The last day of the latest summer term that has ended (or ends today)."""
    calendar = school_calendar(session, school)
    today = school_today(school, now)
    year = calendar.academic_year_of(today)
    last = calendar.year(year)[-1].ends_on
    return last if last <= today else calendar.year(year - 1)[-1].ends_on


def _check_day(last_day: date, today: date) -> None:
    if last_day > today:
        raise InvalidInput(
            "The induction year must have ended: choose a day up to today, and run the "
            "roll-over on or after the last day of the summer term."
        )
    if last_day < today - timedelta(days=MAX_DAYS_BACK):
        raise InvalidInput(
            f"Please choose the last day of the year that has just ended, from "
            f"{day_text(today - timedelta(days=MAX_DAYS_BACK))} to today."
        )


def year_two_began(session: Session, pairing: Mentorship) -> date | None:
    """The day this ECT moved from year 1 to year 2 at the pairing's school, if recorded: the
    start of the year 2 pairings that follow their last year 1 pairing (None: no year 1)."""
    history = session.scalars(
        select(Mentorship)
        .where(Mentorship.ect_id == pairing.ect_id, Mentorship.school_id == pairing.school_id)
        .order_by(Mentorship.started_on.desc(), Mentorship.id.desc())
    )
    began = None
    for earlier in history:
        if earlier.induction_year == 1:
            return began
        began = earlier.started_on
    return None


def _row(session: Session, membership: Membership, last_day: date) -> RollOverRow:
    ect = membership.user
    pairing = pairings.current_pairing(session, ect.id)

    def stays(reason: str) -> RollOverRow:
        return RollOverRow(ect, membership, pairing, Move.NONE, reason)

    if pairing is None:
        return stays(
            "Not paired with a mentor. Pair them first, or record the end of their induction "
            "on the Retention page."
        )
    if pairing.school_id != membership.school_id:
        return stays(f"Paired at {pairing.school.name}: that school rolls them over.")
    began = year_two_began(session, pairing) if pairing.induction_year == 2 else None
    if began is not None and began > last_day - timedelta(days=RECENT_DAYS):
        return stays(
            f"Moved on to year 2 on {day_text(began)}: they complete their induction at the "
            "end of year 2, not now."
        )
    if pairing.started_on > last_day:
        return stays(
            f"Paired with {pairing.mentor.name} from {day_text(pairing.started_on)}, after "
            "the last day of the year."
        )
    if pairing.induction_year == 1:
        return RollOverRow(
            ect,
            membership,
            pairing,
            Move.TO_YEAR_TWO,
            f"Year 2 from {day_text(last_day + timedelta(days=1))} with {pairing.mentor.name}, "
            f"coaching every {pairings.CADENCE_DAYS[2]} days.",
        )
    return RollOverRow(
        ect,
        membership,
        pairing,
        Move.COMPLETE,
        f"Induction completed on {day_text(last_day)}; the pairing with "
        f"{pairing.mentor.name} ends that day.",
    )


def plan(
    session: Session,
    user: User,
    school_id: int,
    last_day: date | None = None,
    *,
    now: datetime | None = None,
) -> RollOverPlan:
    """Preview the roll-over: what would happen to each active ECT still in induction."""
    school = managed_school(session, user, school_id)
    today = school_today(school, now)
    last_day = last_day or default_last_day(session, school, now)
    _check_day(last_day, today)
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(
            Membership.school_id == school.id,
            Membership.role == Role.ECT,
            Membership.induction_completed_on.is_(None),
            User.active.is_(True),
        )
        .order_by(User.name, User.id)
    )
    rows = [_row(session, m, last_day) for m in session.scalars(query)]
    return RollOverPlan(school, last_day, today, rows)


def apply(
    session: Session,
    user: User,
    school_id: int,
    last_day: date | None,
    chosen: Collection[int],
    *,
    ip: str = "",
    now: datetime | None = None,
) -> RollOverResult:
    """Roll over the chosen ECTs (by id), as a fresh preview says, in one transaction."""
    preview = plan(session, user, school_id, last_day, now=now)
    school, day = preview.school, preview.last_day
    moved, left_out = [], []
    for row in preview.movable:
        if row.ect.id not in chosen:
            left_out.append(row)
            continue
        assert row.pairing is not None
        if row.move == Move.TO_YEAR_TWO:
            pairings.move_to_year_two(session, user, row.pairing, last_day=day)
            detail = f"{row.ect.name} moved on to year 2. {row.reason}"
        else:
            row.membership.induction_completed_on = day
            pairings.end_pairing(session, user, row.pairing, on=day)
            deleted_from = day + timedelta(days=school.clip_retention_days)
            detail = (
                f"{row.ect.name} completed induction on {day_text(day)}; the pairing with "
                f"{row.pairing.mentor.name} ended. Lesson and rehearsal clips are deleted from "
                f"{day_text(deleted_from)} unless kept."
            )
        auditlog.record(
            session,
            user,
            AuditAction.ROLL_OVER,
            subject_id=row.ect.id,
            school_id=school.id,
            detail=detail,
            ip=ip,
        )
        moved.append(row)
    try:
        session.commit()
    except IntegrityError:  # the same roll-over, sent twice at once: the other one won
        session.rollback()
        raise InvalidInput(
            "Someone else rolled this school over at the same moment: please look at the "
            "preview again."
        ) from None
    return RollOverResult(preview, moved, left_out)
