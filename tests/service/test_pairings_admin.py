"""Pairings for coordinators: pairing, a mid-year change of mentor that keeps history and
moves access, ending a pairing, and who may do it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service import policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, Clip, Mentorship
from service.people import pairing_admin, pairings
from service.people.pairings import PairingInput
from tests import factories

ECT = "ect1@northfield.example"
MENTOR1 = "mentor1@northfield.example"
MENTOR2 = "mentor2@northfield.example"
COORDINATOR = "coordinator@northfield.example"


def _sees(session, email: str, clip_id: int) -> bool:
    viewer = factories.user(session, email)
    return (
        session.scalar(select(Clip.id).where(Clip.id == clip_id, policy.clip_visibility(viewer)))
        == clip_id
    )


def test_a_change_of_mentor_keeps_history_and_moves_access(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT, title="Before the change")
    ect, coordinator = factories.user(session, ECT), factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, ECT)
    old = pairings.current_pairing(session, ect.id)
    assert old.mentor.email == MENTOR1
    assert _sees(session, MENTOR1, clip.id) and not _sees(session, MENTOR2, clip.id)
    assert policy.can_view_coaching(session, factories.user(session, MENTOR1), ect)

    mentor2 = factories.user(session, MENTOR2)
    new, changed = pairing_admin.pair_ect(
        session, coordinator, school_id, PairingInput(ect.id, mentor2.id, 1)
    )
    assert changed and new.id != old.id and new.mentor_id == mentor2.id
    session.expire_all()
    old = session.get(Mentorship, old.id)
    # The old pairing ends the day before the new one starts (never before it began).
    assert old.ended_on == max(old.started_on, new.started_on - timedelta(days=1))
    assert pairings.current_pairing(session, ect.id).id == new.id
    # The clip stays the ECT's; the old mentor no longer sees it or the coaching record.
    assert session.get(Clip, clip.id).owner_id == ect.id
    assert not _sees(session, MENTOR1, clip.id) and _sees(session, MENTOR2, clip.id)
    assert not policy.can_view_coaching(session, factories.user(session, MENTOR1), ect)
    assert policy.can_view_coaching(session, factories.user(session, MENTOR2), ect)
    page = pairing_admin.pairings_page(session, coordinator, school_id)
    assert old.id in [p.id for p in page.history]
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.PAIR))
    assert any("was Daniel Okafor" in e.detail for e in events)


def test_the_same_pairing_twice_changes_nothing_and_a_new_year_changes_cadence(session, demo):
    ect, coordinator = factories.user(session, ECT), factories.user(session, COORDINATOR)
    mentor = factories.user(session, MENTOR1)
    school_id = factories.school_of(session, ECT)
    first, changed = pairing_admin.pair_ect(
        session, coordinator, school_id, PairingInput(ect.id, mentor.id, 1)
    )
    assert not changed
    second, changed = pairing_admin.pair_ect(
        session, coordinator, school_id, PairingInput(ect.id, mentor.id, 2)
    )
    assert changed and second.id == first.id and second.cadence_days == 14


def test_end_pairing_ends_it_today_and_twice_is_harmless(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT, title="Kept")
    coordinator = factories.user(session, COORDINATOR)
    pairing = factories.mentorship_between(session, ECT, MENTOR1)
    ended, changed = pairing_admin.end_pairing(session, coordinator, pairing.id)
    assert changed and ended.ended_on is not None
    assert pairings.current_pairing(session, ended.ect_id) is None
    assert not _sees(session, MENTOR1, clip.id) and _sees(session, ECT, clip.id)
    _, changed = pairing_admin.end_pairing(session, coordinator, pairing.id)
    assert not changed


def test_scoping(session, demo):
    school_id = factories.school_of(session, ECT)
    pairing = factories.mentorship_between(session, ECT, MENTOR1)
    other = factories.user(session, "coordinator@riverside.example")
    with pytest.raises(NotFound):
        pairing_admin.pairings_page(session, other, school_id)
    with pytest.raises(NotFound):
        pairing_admin.end_pairing(session, other, pairing.id)
    for teacher in (ECT, MENTOR1):
        with pytest.raises(Forbidden):
            pairing_admin.pairings_page(session, factories.user(session, teacher), school_id)
    trust = factories.user(session, "induction-lead@northfield-trust.example")
    assert pairing_admin.pairings_page(session, trust, school_id).school.id == school_id


def test_bad_pairings_are_refused_in_words(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, ECT)
    ect, mentor = factories.user(session, ECT), factories.user(session, MENTOR2)
    riverside_mentor = factories.user(session, "mentor1@riverside.example")
    cases = [
        (PairingInput(ect.id, riverside_mentor.id, 1), "mentor"),
        (PairingInput(ect.id, mentor.id, 3), "year"),
        (PairingInput(ect.id, mentor.id, 1, ect_lead_id=ect.id), "own ECT lead"),
        (PairingInput(ect.id, mentor.id, 1, started_on=date.today() + timedelta(days=5)), "day"),
        (PairingInput(ect.id, mentor.id, 1, started_on=date(2000, 1, 3)), "cannot start before"),
    ]
    for data, words in cases:
        with pytest.raises(InvalidInput, match=words):
            pairing_admin.pair_ect(session, coordinator, school_id, data)
    assert pairings.current_pairing(session, ect.id).mentor.email == MENTOR1
