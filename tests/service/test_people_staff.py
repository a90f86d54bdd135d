"""A school's people: the list, adding one person (an ECT with their pairing), and changing a
person's name and roles in one school without touching another."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from service import accounts
from service.errors import InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, Role
from service.people import pairings, staff
from service.people.staff import PersonDetails, PersonStatus
from tests import factories

COORDINATOR = "coordinator@northfield.example"


def _events(session, action: AuditAction) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_the_list_shows_roles_pairings_and_status(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    school, people = staff.school_people(session, coordinator, school_id)
    rows = {row.user.email: row for row in people}
    assert "ect1@riverside.example" not in rows
    assert rows["ect1@northfield.example"].roles == [Role.ECT]
    assert rows["ect1@northfield.example"].pairing.mentor.email == "mentor1@northfield.example"
    assert rows["ect2@northfield.example"].pairing.induction_year == 2
    assert rows["mentor1@northfield.example"].status == PersonStatus.ACTIVE
    added = staff.add_person(
        session,
        coordinator,
        school_id,
        PersonDetails("New Reviewer", frozenset({Role.REVIEWER}), "new@northfield.example"),
    )
    assert staff.person_status(added.user) == PersonStatus.NOT_INVITED
    assert added.user.password_hash == accounts.NO_PASSWORD
    assert accounts.authenticate(session, "new@northfield.example", "!") is None


def test_adding_an_ect_with_a_mentor_pairs_them(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    mentor = factories.user(session, "mentor2@northfield.example")
    lead = factories.user(session, COORDINATOR)
    details = PersonDetails(
        name=" Zoë   Brontë ",
        roles=frozenset({Role.ECT}),
        email=" Zoe.Bronte@Northfield.example ",
        induction_started_on=date(2026, 9, 1),
        induction_year=1,
        mentor_id=mentor.id,
        ect_lead_id=lead.id,
    )
    added = staff.add_person(session, coordinator, school_id, details, today=date(2026, 9, 10))
    user = added.user
    assert (
        added.created
        and user.email == "zoe.bronte@northfield.example"
        and user.name == "Zoë Brontë"
    )
    assert user.memberships[0].induction_started_on == date(2026, 9, 1)
    pairing = pairings.current_pairing(session, user.id)
    assert (pairing.mentor_id, pairing.ect_lead_id, pairing.started_on) == (
        mentor.id,
        lead.id,
        date(2026, 9, 1),
    )
    assert [e.subject_id for e in _events(session, AuditAction.ADD_PERSON)] == [user.id]
    with pytest.raises(InvalidInput, match="already one of Northfield Primary's people"):
        staff.add_person(session, coordinator, school_id, details)


def test_an_email_known_elsewhere_gets_a_membership_not_a_second_account(session, demo):
    lead = factories.user(session, "induction-lead@northfield-trust.example")
    riverside = factories.school_of(session, "ect1@riverside.example")
    mentor = factories.user(session, "mentor1@northfield.example")
    added = staff.add_person(
        session,
        lead,
        riverside,
        PersonDetails("Someone Else", frozenset({Role.REVIEWER}), "MENTOR1@northfield.example"),
    )
    assert not added.created and added.user.id == mentor.id
    assert added.user.name == "Daniel Okafor"  # their name stays theirs
    assert set(added.user.school_ids()) == {factories.school_of(session, COORDINATOR), riverside}


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (PersonDetails("Jo", frozenset({Role.MENTOR}), "not-an-email"), "not an email address"),
        (PersonDetails("Jo", frozenset({Role.MENTOR}), ""), "email address"),
        (PersonDetails("", frozenset({Role.MENTOR}), "jo@x.example"), "full name"),
        (PersonDetails("Jo", frozenset(), "jo@x.example"), "at least one role"),
        (PersonDetails("Jo", frozenset({Role.ADMIN}), "jo@x.example"), "from the list"),
        (PersonDetails("Jo", frozenset({Role.ECT}), "jo@x.example", induction_year=3), "1 or 2"),
    ],
)
def test_bad_details_are_refused_and_nothing_is_added(session, demo, details, message):
    coordinator = factories.user(session, COORDINATOR)
    with pytest.raises(InvalidInput, match=message):
        staff.add_person(session, coordinator, factories.school_of(session, COORDINATOR), details)
    assert staff.find_by_email(session, "jo@x.example") is None


def test_another_schools_coordinator_finds_no_school(session, demo):
    other = factories.user(session, "coordinator@riverside.example")
    school_id = factories.school_of(session, COORDINATOR)
    with pytest.raises(NotFound):
        staff.add_person(
            session, other, school_id, PersonDetails("Jo", frozenset({Role.MENTOR}), "jo@x.example")
        )
    ect = factories.user(session, "ect1@northfield.example")
    with pytest.raises(NotFound):
        staff.school_person(session, other, school_id, ect.id)
    # A person of another school is not found through this one.
    with pytest.raises(NotFound):
        staff.school_person(
            session, other, factories.school_of(session, "ect1@riverside.example"), ect.id
        )


def test_editing_changes_roles_here_only_and_audits_once(session, demo):
    lead = factories.user(session, "induction-lead@northfield-trust.example")
    northfield = factories.school_of(session, COORDINATOR)
    riverside = factories.school_of(session, "ect1@riverside.example")
    reviewer = factories.user(session, "reviewer@northfield.example")
    staff.add_person(
        session, lead, riverside, PersonDetails("x", frozenset({Role.REVIEWER}), reviewer.email)
    )
    details = PersonDetails("Ruth Evans-Smith", frozenset({Role.MENTOR}))
    staff.edit_person(session, lead, northfield, reviewer.id, details)
    staff.edit_person(session, lead, northfield, reviewer.id, details)  # the same again
    session.refresh(reviewer)
    assert reviewer.name == "Ruth Evans-Smith"
    assert {(m.role, m.school_id) for m in reviewer.memberships} == {
        (Role.MENTOR, northfield),
        (Role.REVIEWER, riverside),
    }
    [event] = _events(session, AuditAction.CHANGE_PERSON)
    assert "now mentor" in event.detail and "no longer reviewer" in event.detail


def test_a_mentor_with_ects_keeps_the_role_and_a_coordinator_keeps_their_own(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    mentor = factories.user(session, "mentor1@northfield.example")
    with pytest.raises(InvalidInput, match="Pair them with another mentor first"):
        staff.edit_person(
            session,
            coordinator,
            school_id,
            mentor.id,
            PersonDetails(mentor.name, frozenset({Role.REVIEWER})),
        )
    with pytest.raises(InvalidInput, match="your own coordinator role"):
        staff.edit_person(
            session,
            coordinator,
            school_id,
            coordinator.id,
            PersonDetails("P", frozenset({Role.MENTOR})),
        )


def test_editing_an_ect_changes_their_mentor_and_start(session, demo):
    coordinator = factories.user(session, COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    ect = factories.user(session, "ect1@northfield.example")
    old = pairings.current_pairing(session, ect.id)
    mentor2 = factories.user(session, "mentor2@northfield.example")
    details = PersonDetails(
        ect.name,
        frozenset({Role.ECT}),
        induction_started_on=date(2025, 9, 1),
        induction_year=1,
        mentor_id=mentor2.id,
    )
    staff.edit_person(session, coordinator, school_id, ect.id, details)
    now = pairings.current_pairing(session, ect.id)
    assert now.mentor_id == mentor2.id and now.id != old.id
    session.refresh(old)
    assert old.ended_on is not None
    assert staff.school_person(
        session, coordinator, school_id, ect.id
    ).induction_started_on == date(2025, 9, 1)
