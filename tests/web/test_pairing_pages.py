"""The pairings, leaver and roll-over pages, as a coordinator uses them."""

from __future__ import annotations

from sqlalchemy import select

from service.models import Mentorship, School, User
from service.people import pairings
from service.privacy.retention import school_today
from tests import factories
from tests.conftest import AuthActions, csrf_token

COORDINATOR = "coordinator@northfield.example"
ECT1, ECT2, ECT3 = (f"ect{n}@northfield.example" for n in (1, 2, 3))
MENTOR1, MENTOR2 = "mentor1@northfield.example", "mentor2@northfield.example"
JSON = {"Accept": "application/json"}


def _token(client) -> str:
    return csrf_token(client.get("/clips/").text)


def test_pairing_page_changes_a_mentor_and_keeps_history(app, client, auth, session, demo):
    school_id = factories.school_of(session, ECT1)
    ect, mentor2 = demo[ECT1], demo[MENTOR2]
    auth.login(COORDINATOR)
    page = client.get(f"/people/schools/{school_id}/pairings")
    assert page.status_code == 200
    assert "Sam Taylor" in page.text and "Daniel Okafor" in page.text
    assert "No pairing has ended yet." in page.text
    response = client.post(
        f"/people/schools/{school_id}/pairings",
        data={
            "csrf_token": _token(client),
            "ect_id": ect.id,
            "mentor_id": mentor2.id,
            "ect_lead_id": "",
            "induction_year": "1",
            "started_on": "",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Sam Taylor: year 1 with Helen Marsh." in page
    assert 'id="pairing-history"' in page
    session.expire_all()
    assert pairings.current_pairing(session, ect.id).mentor_id == mentor2.id


def test_a_refused_pairing_says_why(client, auth, session, demo):
    school_id = factories.school_of(session, ECT1)
    auth.login(COORDINATOR)
    data = {"csrf_token": _token(client), "ect_id": demo[ECT1].id, "induction_year": "1"}
    page = client.post(f"/people/schools/{school_id}/pairings", data=data)
    assert page.status_code == 400 and "Please choose a mentor from the list." in page.text
    data["mentor_id"] = demo["mentor1@riverside.example"].id
    answer = client.post(f"/people/schools/{school_id}/pairings", data=data, headers=JSON)
    assert answer.status_code == 400
    assert "must be an active mentor of the school" in answer.get_json()["error"]


def test_end_pairing_from_the_page(client, auth, session, demo):
    pairing = factories.mentorship_between(session, ECT3, MENTOR2)
    auth.login(COORDINATOR)
    response = client.post(
        f"/people/pairings/{pairing.id}/end", data={"csrf_token": _token(client)}, headers=JSON
    )
    assert response.status_code == 200 and response.get_json()["changed"] is True
    session.expire_all()
    assert session.get(Mentorship, pairing.id).ended_on is not None


def test_a_leavers_open_session_ends_at_once(app, client, auth, session, demo):
    mentor = demo[MENTOR1]
    other = app.test_client()
    AuthActions(other).login(MENTOR1)
    assert other.get("/clips/").status_code == 200
    auth.login(COORDINATOR)
    page = client.get(f"/people/people/{mentor.id}/leaver")
    assert page.status_code == 200
    assert "signs them out everywhere" in page.text and "Sam Taylor with Daniel Okafor" in page.text
    response = client.post(
        f"/people/people/{mentor.id}/deactivate", data={"csrf_token": _token(client)}
    )
    assert response.status_code == 302
    assert "is deactivated" in client.get(response.headers["Location"]).text
    assert other.get("/clips/").status_code == 302  # sent to sign in
    assert AuthActions(other).login(MENTOR1).status_code == 401
    session.expire_all()
    assert not session.get(User, mentor.id).active
    open_pairings = select(Mentorship).where(
        Mentorship.mentor_id == mentor.id, Mentorship.ended_on.is_(None)
    )
    assert session.scalars(open_pairings).all() == []
    answer = client.post(
        f"/people/people/{mentor.id}/reactivate",
        data={"csrf_token": _token(client)},
        headers=JSON,
    )
    body = answer.get_json()
    assert answer.status_code == 200 and body["person"]["active"] is True
    assert "No pairings were restored" in body["message"] and "invitation" in body["message"]
    assert AuthActions(other).login(MENTOR1).status_code == 302


def test_rollover_preview_then_apply(client, auth, session, demo):
    school_id = factories.school_of(session, ECT1)
    today = school_today(session.get(School, school_id)).isoformat()
    auth.login(COORDINATOR)
    # By default the last summer term's end, before the demo's pairings began: nobody moves.
    page = client.get(f"/people/schools/{school_id}/rollover")
    assert page.status_code == 200 and "Stays as they are" in page.text
    page = client.get(f"/people/schools/{school_id}/rollover?last_day={today}")
    assert page.status_code == 200
    assert "Moves on to year 2" in page.text and "Completes induction" in page.text
    day = client.get(f"/people/schools/{school_id}/rollover?last_day=not-a-day")
    assert day.status_code == 400 and "as a date" in day.text
    ticked = [str(demo[ECT1].id), str(demo[ECT2].id)]
    data = {"csrf_token": _token(client), "last_day": today, "ect": ticked}
    answer = client.post(f"/people/schools/{school_id}/rollover", data=data, headers=JSON)
    body = answer.get_json()
    assert answer.status_code == 200
    assert body["to_year_two"] == [demo[ECT1].id] and body["completed"] == [demo[ECT2].id]
    assert body["left_out"] == [demo[ECT3].id]
    again = client.post(f"/people/schools/{school_id}/rollover", data=data, headers=JSON)
    assert again.get_json()["to_year_two"] == [] and again.get_json()["completed"] == []
    page = client.get(f"/people/schools/{school_id}/rollover?last_day={today}").text
    assert "Moved on to year 2" in page


def test_scoping(client, auth, session, demo):
    school_id = factories.school_of(session, ECT1)
    urls = [
        f"/people/schools/{school_id}/pairings",
        f"/people/schools/{school_id}/rollover",
        f"/people/people/{demo[ECT1].id}/leaver",
    ]
    auth.login("coordinator@riverside.example")
    assert [client.get(u).status_code for u in urls] == [404, 404, 404]
    auth.logout()
    auth.login(ECT1)
    assert [client.get(u).status_code for u in urls] == [403, 403, 403]
