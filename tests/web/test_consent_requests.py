"""Asking for consent: where sharing waits for a consent record the ECT asks the coordinators
from that spot (one click, an optional message, one open request per clip, audited); the
coordinators see open requests on the consent register and close them by recording consent
or marking them done."""

from __future__ import annotations

from sqlalchemy import func, select

from service.models import AuditAction, AuditEvent, ConsentRequest, ConsentState, User
from tests.factories import ready_clip, school_of
from tests.web.forms import JSON, post

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
COORDINATOR, OTHER_COORDINATOR = "coordinator@northfield.example", "coordinator@riverside.example"


def _requests(session) -> list[ConsentRequest]:
    session.expire_all()
    return list(session.scalars(select(ConsentRequest).order_by(ConsentRequest.id)))


def _audited(session, action: AuditAction) -> int:
    return session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


def test_the_ect_asks_once_from_the_share_panel(client, auth, session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Year 8 fractions")
    auth.login(ECT)
    page = client.get(f"/clips/{clip.id}").text
    assert "Ask for consent to be recorded" in page
    url = f"/privacy/clips/{clip.id}/consent-request"
    sent = post(client, url, {"message": "Every form came back for 8C"})
    assert sent.status_code == 302 and sent.headers["Location"].endswith(
        f"/clips/{clip.id}#sharing"
    )
    page = client.get(sent.headers["Location"]).text
    assert "your induction coordinator will see your request" in page
    assert "You asked your induction coordinator to record consent on" in page
    assert "Ask for consent to be recorded" not in page  # no second request from here
    again = post(client, url, {"message": "Again"}, headers=JSON)
    assert again.status_code == 200 and "already asked" in again.json["message"]
    [asked] = _requests(session)
    assert asked.message == "Every form came back for 8C" and asked.closed_at is None
    assert _audited(session, AuditAction.ASK_CONSENT) == 1

    # Not the owner: the mentor who sees the clip is refused, a stranger finds nothing.
    auth.login(MENTOR)
    assert post(client, url, headers=JSON).status_code == 403
    auth.login("ect1@riverside.example")
    assert post(client, url, headers=JSON).status_code == 404


def test_a_clip_that_may_be_shared_needs_no_request(client, auth, session, ctx, demo):
    clip = ready_clip(session, ctx.storage, ECT, consent_after=ConsentState.ALL_CONSENTED)
    auth.login(ECT)
    assert "Ask for consent to be recorded" not in client.get(f"/clips/{clip.id}").text
    refused = post(client, f"/privacy/clips/{clip.id}/consent-request", headers=JSON)
    assert refused.status_code == 400 and "already allows" in refused.json["error"]
    assert _requests(session) == []


def test_the_coordinator_sees_requests_and_closes_them(client, auth, session, ctx, demo):
    first = ready_clip(session, ctx.storage, ECT, title="Lesson one")
    second = ready_clip(session, ctx.storage, ECT, title="Lesson two")
    auth.login(ECT)
    for clip in (first, second):
        post(client, f"/privacy/clips/{clip.id}/consent-request", {"message": f"Re {clip.title}"})
    school = school_of(session, ECT)

    auth.login(COORDINATOR)
    register = client.get(f"/privacy/schools/{school}/consent").text
    assert "Asked to record consent (2)" in register
    assert "Re Lesson one" in register and "asked by Sam Taylor" in register

    # Recording consent for the clip closes its request.
    recorded = post(
        client,
        f"/privacy/clips/{first.id}/consent",
        {"lawful_basis": "public_task", "consent_state": "all_consented", "recorded_by": "Jo"},
    )
    assert recorded.status_code == 302
    one, two = _requests(session)
    assert one.closed_at is not None and two.closed_at is None
    register = client.get(f"/privacy/schools/{school}/consent").text
    assert "Asked to record consent (1)" in register and "Re Lesson one" not in register

    # Another school's coordinator cannot see it; the ECT cannot close it.
    done_url = f"/privacy/consent-requests/{two.id}/done"
    auth.login(OTHER_COORDINATOR)
    assert post(client, done_url, headers=JSON).status_code == 404
    auth.login(ECT)
    assert post(client, done_url, headers=JSON).status_code == 403

    auth.login(COORDINATOR)
    done = post(client, done_url)
    assert done.status_code == 302
    assert "request marked done" in client.get(done.headers["Location"]).text
    assert all(r.closed_at is not None for r in _requests(session))
    assert "Asked to record consent" not in client.get(f"/privacy/schools/{school}/consent").text
    assert _audited(session, AuditAction.CLOSE_CONSENT_ASK) == 2

    # Closed, the teacher may ask again (say, consent was recorded as not given).
    auth.login(ECT)
    again = post(client, f"/privacy/clips/{second.id}/consent-request", headers=JSON)
    assert again.status_code == 201


def test_a_mentor_asks_from_the_model_library_and_comes_back(client, auth, session, ctx, demo):
    from service.models import ClipKind

    clip = ready_clip(session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Cold call model")
    ect = session.scalar(select(User).where(User.email == ECT))
    auth.login(MENTOR)
    step_form = client.get(f"/coaching/ects/{ect.id}/steps/new").text
    assert f'/coaching/models#consent-ask-{clip.id}">Ask for consent' in step_form
    library = client.get("/coaching/models").text
    assert f'id="consent-ask-{clip.id}"' in library
    sent = post(
        client,
        f"/privacy/clips/{clip.id}/consent-request",
        {"next": f"/coaching/models#consent-ask-{clip.id}"},
    )
    assert sent.headers["Location"].endswith(f"/coaching/models#consent-ask-{clip.id}")
    assert "You asked your induction coordinator" in client.get("/coaching/models").text
    assert len(_requests(session)) == 1
