"""Leavers: deactivation ends sessions and pairings and keeps clips; reactivation; who may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.errors import Forbidden, NotFound
from service.models import AuditAction, AuditEvent, Clip, Membership, Role
from service.people import leavers, pairings
from tests import factories

ECT = "ect1@northfield.example"
MENTOR1 = "mentor1@northfield.example"
COORDINATOR = "coordinator@northfield.example"


def test_deactivating_a_mentor_ends_their_pairings_and_keeps_clips(ctx, session, demo):
    clip = factories.ready_clip(session, ctx.storage, ECT, title="Stays")
    mentor = factories.user(session, MENTOR1)
    token = mentor.session_token
    mentees = [p.ect_id for p in leavers.current_pairings(session, mentor.id)]
    assert len(mentees) == 2
    coordinator = factories.user(session, COORDINATOR)
    assert leavers.leaver(session, coordinator, mentor.id).refusal is None
    change = leavers.deactivate(session, coordinator, mentor.id)
    assert change.changed and len(change.ended) == 2
    session.expire_all()
    assert not mentor.active and mentor.session_token != token
    assert all(pairings.current_pairing(session, e) is None for e in mentees)
    assert session.get(Clip, clip.id) is not None
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.subject_id == mentor.id)))
    assert [e.action for e in events if e.action == AuditAction.DEACTIVATE] == [
        AuditAction.DEACTIVATE
    ]
    # Again: nothing more happens.
    assert not leavers.deactivate(session, coordinator, mentor.id).changed


def test_reactivation_restores_no_pairing(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    ect = factories.user(session, ECT)
    leavers.deactivate(session, coordinator, ect.id)
    change = leavers.reactivate(session, coordinator, ect.id)
    assert change.changed and ect.active
    assert pairings.current_pairing(session, ect.id) is None
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == ect.id))
    assert AuditAction.REACTIVATE in set(actions)
    assert not leavers.reactivate(session, coordinator, ect.id).changed


def test_who_may_deactivate(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    ect = factories.user(session, ECT)
    with pytest.raises(Forbidden, match="your own account"):
        leavers.deactivate(session, coordinator, coordinator.id)
    with pytest.raises(NotFound):
        leavers.leaver(session, factories.user(session, "coordinator@riverside.example"), ect.id)
    with pytest.raises(Forbidden):
        leavers.leaver(session, factories.user(session, MENTOR1), ect.id)
    # Someone who also works at a school the coordinator does not manage: account-wide, so no.
    riverside = factories.school_of(session, "ect1@riverside.example")
    ect.memberships.append(Membership(role=Role.MENTOR, school_id=riverside))
    session.commit()
    with pytest.raises(Forbidden, match="Riverside Academy"):
        leavers.deactivate(session, coordinator, ect.id)
    assert ect.active
    # The trust's coordinator manages both schools; an admin anyone.
    trust = factories.user(session, "induction-lead@northfield-trust.example")
    assert leavers.leaver(session, trust, ect.id).refusal is None
    admin = factories.user(session, "admin@coachreel.example")
    with pytest.raises(NotFound):  # an admin is in no school the trust's coordinator manages
        leavers.leaver(session, trust, admin.id)
    # A trust-wide coordinator who also mentors at the school: only an admin may close them.
    trust.memberships.append(Membership(role=Role.MENTOR, school_id=ect.school_ids()[0]))
    session.commit()
    with pytest.raises(Forbidden, match="only an admin"):
        leavers.deactivate(session, coordinator, trust.id)
    admin = factories.user(session, "admin@coachreel.example")
    assert leavers.deactivate(session, admin, trust.id).changed
