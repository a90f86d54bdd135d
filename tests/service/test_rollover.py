"""The year's roll-over: preview, apply, leaving someone out, and applying twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, Membership, Role
from service.people import pairings, rollover
from service.people.rollover import Move
from service.privacy.retention import school_today
from tests import factories

COORDINATOR = "coordinator@northfield.example"
ECT1, ECT2, ECT3 = (f"ect{n}@northfield.example" for n in (1, 2, 3))


def _rolls(session) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == AuditAction.ROLL_OVER)
    return session.scalar(query)


def _membership(session, email: str) -> Membership:
    user = factories.user(session, email)
    return next(m for m in user.memberships if m.role == Role.ECT)


def test_preview_apply_leave_out_and_apply_twice(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, ECT1)
    ect1, ect2, ect3 = (factories.user(session, e) for e in (ECT1, ECT2, ECT3))
    day = school_today(_membership(session, ECT1).school)
    plan = rollover.plan(session, coordinator, school_id, day)
    moves = {r.ect.email: r.move for r in plan.rows}
    assert moves == {ECT1: Move.TO_YEAR_TWO, ECT2: Move.COMPLETE, ECT3: Move.TO_YEAR_TWO}
    year_one = pairings.current_pairing(session, ect1.id)

    # Tom Wright (ECT3) has an extended induction: left out.
    result = rollover.apply(session, coordinator, school_id, day, {ect1.id, ect2.id})
    assert [r.ect.email for r in result.moved] == [ECT2, ECT1]  # by name: Aisha, Sam
    assert [r.ect.email for r in result.left_out] == [ECT3]
    session.expire_all()
    year_two = pairings.current_pairing(session, ect1.id)
    assert year_two.id != year_one.id and year_two.induction_year == 2
    assert year_two.cadence_days == 14 and year_two.mentor_id == year_one.mentor_id
    assert year_two.started_on == day + timedelta(days=1)
    assert session.get(type(year_one), year_one.id).ended_on == day
    assert _membership(session, ECT2).induction_completed_on == day
    assert pairings.current_pairing(session, ect2.id) is None
    assert pairings.current_pairing(session, ect3.id).induction_year == 1
    assert _rolls(session) == 2

    # The same again: nobody moves on twice, and nothing is written.
    again = rollover.plan(session, coordinator, school_id, day)
    rows = {r.ect.email: r for r in again.rows}
    assert ECT2 not in rows  # induction completed
    assert rows[ECT1].move == Move.NONE and "Moved on to year 2" in rows[ECT1].reason
    result = rollover.apply(session, coordinator, school_id, day, {ect1.id, ect2.id})
    assert result.moved == [] and _rolls(session) == 2
    assert pairings.current_pairing(session, ect1.id).id == year_two.id
    # Nor a week later, with another day.
    later = datetime.now(UTC) + timedelta(days=7)
    result = rollover.apply(
        session, coordinator, school_id, day + timedelta(days=7), {ect1.id}, now=later
    )
    assert result.moved == [] and _rolls(session) == 2

    # A year on, year 2 is over: Sam Taylor completes.
    next_year = datetime.now(UTC) + timedelta(days=365)
    plan = rollover.plan(session, coordinator, school_id, day + timedelta(days=364), now=next_year)
    assert {r.ect.email: r.move for r in plan.rows}[ECT1] == Move.COMPLETE


def test_a_year_two_ect_without_a_recorded_year_one_completes(session, demo):
    # The demo's year 2 ECT was imported as year 2: no year 1 pairing, so the roll-over
    # completes them (see the preview above); a pairing changed by hand to year 2 recently
    # does not count as a move on (it keeps one row).
    pairing = pairings.current_pairing(session, factories.user(session, ECT2).id)
    assert rollover.year_two_began(session, pairing) is None


def test_the_day_must_have_come(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, ECT1)
    day = school_today(_membership(session, ECT1).school)
    with pytest.raises(InvalidInput, match="must have ended"):
        rollover.plan(session, coordinator, school_id, day + timedelta(days=2))
    with pytest.raises(InvalidInput, match="last day of the year"):
        rollover.plan(session, coordinator, school_id, day - timedelta(days=800))
    assert rollover.plan(session, coordinator, school_id).last_day <= day


def test_scoping(session, demo):
    school_id = factories.school_of(session, ECT1)
    with pytest.raises(NotFound):
        rollover.plan(session, factories.user(session, "coordinator@riverside.example"), school_id)
    with pytest.raises(Forbidden):
        rollover.apply(session, factories.user(session, ECT1), school_id, None, set())
