"""The people pages: the list of schools, a school's people, adding and editing a person and a
school, and who gets what."""

from __future__ import annotations

from sqlalchemy import select

from service.models import MailMessage, Role, School, Trust, User
from tests import factories
from tests.conftest import csrf_token

COORDINATOR = "coordinator@northfield.example"
TRUST_LEAD = "induction-lead@northfield-trust.example"


def _token(client, url: str) -> str:
    return csrf_token(client.get(url).text)


def test_a_coordinator_sees_their_school_and_its_people(client, auth, session, demo):
    auth.login(COORDINATOR)
    page = client.get("/people/")
    assert page.status_code == 200
    assert "Northfield Primary" in page.text and "Riverside Academy" not in page.text
    assert 'href="/people/"' in client.get("/clips/").text  # the header's People link
    school_id = factories.school_of(session, COORDINATOR)
    page = client.get(f"/people/schools/{school_id}")
    assert page.status_code == 200
    assert "Sam Taylor" in page.text and "Year 1, mentor Daniel Okafor" in page.text
    assert "Lucy Chen" not in page.text
    riverside = factories.school_of(session, "ect1@riverside.example")
    assert client.get(f"/people/schools/{riverside}").status_code == 404
    assert client.get(f"/people/schools/{school_id}/edit").status_code == 403


def test_adding_a_person_invites_them(client, auth, session, demo):
    auth.login(COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    url = f"/people/schools/{school_id}/people/new"
    form = client.get(url)
    assert form.status_code == 200 and 'name="roles"' in form.text
    mentor = factories.user(session, "mentor2@northfield.example")
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(form.text),
            "email": "kim.lee@northfield.example",
            "name": "Kim Lee",
            "roles": ["ect"],
            "induction_started_on": "2026-09-01",
            "induction_year": "1",
            "mentor_id": str(mentor.id),
            "ect_lead_id": "",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/people/schools/{school_id}").text
    assert "Kim Lee" in page and "Invited" in page and "mentor Helen Marsh" in page
    session.expire_all()
    kim = session.scalar(select(User).where(User.email == "kim.lee@northfield.example"))
    assert kim.invited_at is not None
    assert session.scalar(select(MailMessage).where(MailMessage.user_id == kim.id)) is not None


def test_a_refused_person_form_says_why_and_keeps_what_was_typed(client, auth, session, demo):
    auth.login(COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    url = f"/people/schools/{school_id}/people/new"
    data = {
        "csrf_token": _token(client, url),
        "email": "nope",
        "name": "Kim Lee",
        "roles": ["mentor"],
    }
    response = client.post(url, data=data)
    assert response.status_code == 400
    assert "is not an email address" in response.text and 'value="Kim Lee"' in response.text
    data.update(email="kim@northfield.example", roles=["admin"])
    assert "from the list" in client.post(url, data=data).text
    json = client.post(url, data=data, headers={"Accept": "application/json"})
    assert json.status_code == 400 and "from the list" in json.get_json()["error"]


def test_editing_a_person(client, auth, session, demo):
    auth.login(COORDINATOR)
    school_id = factories.school_of(session, COORDINATOR)
    reviewer = factories.user(session, "reviewer@northfield.example")
    url = f"/people/schools/{school_id}/people/{reviewer.id}"
    form = client.get(url)
    assert form.status_code == 200 and "Ruth Evans" in form.text
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token(form.text),
            "name": "Ruth Evans",
            "roles": ["reviewer", "mentor"],
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 200
    assert sorted(response.get_json()["person"]["roles"]) == ["mentor", "reviewer"]
    other = factories.user(session, "ect1@riverside.example")
    assert client.get(f"/people/schools/{school_id}/people/{other.id}").status_code == 404


def test_a_trust_coordinator_adds_and_edits_a_school(client, auth, session, demo):
    auth.login(TRUST_LEAD)
    assert "Add a school" in client.get("/people/").text
    trust = session.scalar(select(Trust))
    form = client.get("/people/schools/new")
    assert form.status_code == 200
    data = {
        "csrf_token": csrf_token(form.text),
        "trust_id": str(trust.id),
        "name": "Hillside Infants",
        "urn": "123456",
        "timezone": "Europe/London",
    }
    response = client.post("/people/schools/new", data=data)
    assert response.status_code == 302
    school = session.scalar(select(School).where(School.urn == "123456"))
    assert school.name == "Hillside Infants"
    northfield = factories.school_of(session, COORDINATOR)
    clash = client.post(
        f"/people/schools/{northfield}/edit", data={**data, "name": "Northfield Primary"}
    )
    assert clash.status_code == 400 and "123456 already belongs to Hillside Infants" in clash.text
    data.update(name="Northfield Primary", urn="654321")
    assert client.post(f"/people/schools/{northfield}/edit", data=data).status_code == 302
    assert "URN 654321" in client.get(f"/people/schools/{northfield}").text


def test_a_mentor_or_ect_is_refused(client, auth, session, demo):
    auth.login("mentor1@northfield.example")
    assert client.get("/people/").status_code == 403
    school_id = factories.school_of(session, COORDINATOR)
    assert client.get(f"/people/schools/{school_id}").status_code == 403
    assert 'href="/people/"' not in client.get("/clips/").text


def test_an_admin_sees_every_school(client, auth, session, demo):
    auth.login("admin@coachreel.example")
    page = client.get("/people/").text
    assert "Northfield Primary" in page and "Riverside Academy" in page
    assert any(
        r.role == Role.ADMIN for r in factories.user(session, "admin@coachreel.example").memberships
    )
