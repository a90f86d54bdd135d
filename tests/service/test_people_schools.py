"""Schools: adding one to a trust, changing its name, URN and time zone, and who may."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, AuditEvent, School, Trust
from service.people import schools
from tests import factories

TRUST_LEAD = "induction-lead@northfield-trust.example"


def _trust(session) -> Trust:
    return session.scalar(select(Trust))


def test_a_trust_coordinator_adds_a_school_to_their_trust(session, demo):
    lead = factories.user(session, TRUST_LEAD)
    data = schools.SchoolInput(
        "  Hillside   Infants ", "100234", "Europe/London", _trust(session).id
    )
    school = schools.create_school(session, lead, data)
    assert (school.name, school.urn, school.timezone) == (
        "Hillside Infants",
        "100234",
        "Europe/London",
    )
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == AuditAction.MANAGE_SCHOOL))
    assert event.school_id == school.id and "Hillside Infants" in event.detail
    assert school in schools.managed_schools(session, lead)


def test_a_school_coordinator_adds_no_school_and_another_trust_is_refused(session, demo):
    coordinator = factories.user(session, "coordinator@northfield.example")
    with pytest.raises(Forbidden):
        schools.create_school(session, coordinator, schools.SchoolInput("X", trust_id=1))
    other = Trust(name="Other trust")
    session.add(other)
    session.commit()
    lead = factories.user(session, TRUST_LEAD)
    with pytest.raises(InvalidInput, match="trust"):
        schools.create_school(session, lead, schools.SchoolInput("X", trust_id=other.id))
    admin = factories.user(session, "admin@coachreel.example")
    assert schools.create_school(session, admin, schools.SchoolInput("X", trust_id=other.id))


@pytest.mark.parametrize(
    ("name", "urn", "zone", "message"),
    [
        ("", "", "Europe/London", "name"),
        ("x" * 201, "", "Europe/London", "under 200"),
        ("A school", "12345", "Europe/London", "six-digit"),
        ("A school", "12345a", "Europe/London", "six-digit"),
        ("A school", "", "Mars/Olympus", "not a time zone"),
    ],
)
def test_bad_details_are_refused_in_words(session, demo, name, urn, zone, message):
    lead = factories.user(session, TRUST_LEAD)
    with pytest.raises(InvalidInput, match=message):
        schools.create_school(
            session, lead, schools.SchoolInput(name, urn, zone, _trust(session).id)
        )


def test_a_urn_belongs_to_one_school_and_the_error_names_it(session, demo):
    lead = factories.user(session, TRUST_LEAD)
    northfield = session.scalar(select(School).where(School.name == "Northfield Primary"))
    riverside = session.scalar(select(School).where(School.name == "Riverside Academy"))
    schools.update_school(
        session, lead, northfield.id, schools.SchoolInput("Northfield Primary", "111111")
    )
    with pytest.raises(InvalidInput, match="already belongs to Northfield Primary"):
        schools.update_school(
            session, lead, riverside.id, schools.SchoolInput("Riverside Academy", "111111")
        )
    # Saving a school with its own URN is no clash.
    schools.update_school(
        session, lead, northfield.id, schools.SchoolInput("Northfield Primary", "111111")
    )


def test_editing_audits_what_changed_and_nothing_when_nothing_did(session, demo):
    lead = factories.user(session, TRUST_LEAD)
    school_id = factories.school_of(session, "ect1@northfield.example")
    data = schools.SchoolInput("Northfield Primary School", "222222", "Europe/London")
    schools.update_school(session, lead, school_id, data)
    schools.update_school(session, lead, school_id, data)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.MANAGE_SCHOOL)
    ).all()
    assert len(events) == 1
    assert "Northfield Primary -> Northfield Primary School" in events[0].detail
    assert "URN: 990001 -> 222222" in events[0].detail


def test_who_edits_a_school(session, demo):
    school_id = factories.school_of(session, "ect1@northfield.example")
    with pytest.raises(Forbidden):
        schools.editable_school(
            session, factories.user(session, "coordinator@northfield.example"), school_id
        )
    with pytest.raises(Forbidden):
        schools.editable_school(
            session, factories.user(session, "ect1@northfield.example"), school_id
        )
    with pytest.raises(NotFound):
        schools.editable_school(session, factories.user(session, TRUST_LEAD), 999999)
    other = School(name="Elsewhere", trust=Trust(name="Another trust"))
    session.add(other)
    session.commit()
    with pytest.raises(NotFound):
        schools.editable_school(session, factories.user(session, TRUST_LEAD), other.id)
    assert schools.editable_school(
        session, factories.user(session, "admin@coachreel.example"), other.id
    )


def test_people_school_hides_schools_a_coordinator_does_not_manage(session, demo):
    coordinator = factories.user(session, "coordinator@riverside.example")
    northfield = factories.school_of(session, "ect1@northfield.example")
    with pytest.raises(NotFound):
        schools.people_school(session, coordinator, northfield)
    with pytest.raises(Forbidden):
        schools.people_school(
            session, factories.user(session, "mentor1@northfield.example"), northfield
        )
    names = [s.name for s in schools.managed_schools(session, coordinator)]
    assert names == ["Riverside Academy"]
