"""The coordinator's retention page: what goes in the next 30 days, keeping a clip for longer,
and recording when an ECT's induction ended."""

from __future__ import annotations

import html
from datetime import timedelta

from sqlalchemy import select

from service.models import (
    AuditAction,
    AuditEvent,
    Clip,
    ClipKind,
    Membership,
    Role,
    utcnow,
)
from service.privacy.retention import school_today
from tests.conftest import csrf_token
from tests.factories import ready_clip, user

ECT, OTHER_ECT = "ect1@northfield.example", "ect2@northfield.example"
COORDINATOR = "coordinator@northfield.example"


def _day(value) -> str:
    return f"{value.day} {value:%b %Y}"


def _setup(ctx, session):
    """A lesson whose ECT finished induction 80 days ago (so it goes in 10 days), and a clip
    processed 25 days ago (its original goes in 5 days)."""
    ect = user(session, ECT)
    membership = next(m for m in ect.memberships if m.role == Role.ECT)
    today = school_today(membership.school)
    membership.induction_completed_on = today - timedelta(days=80)
    lesson = ready_clip(session, ctx.storage, ECT, title="Fractions starter")
    recent = ready_clip(session, ctx.storage, OTHER_ECT, title="Group work")
    session.get(Clip, recent.id).ready_at = utcnow() - timedelta(days=25)
    session.commit()
    return membership.school_id, lesson, recent, today


def _page(client, school_id: int) -> str:
    response = client.get(f"/retention/schools/{school_id}")
    assert response.status_code == 200
    return html.unescape(response.text)


def test_the_page_lists_what_goes_in_the_next_thirty_days(ctx, session, demo, client, auth):
    school_id, lesson, recent, today = _setup(ctx, session)
    auth.login(COORDINATOR)
    page = _page(client, school_id)
    assert "Deleted in the next 30 days" in page
    assert f'data-clip="{recent.id}" data-what="original"' in page
    assert f'data-clip="{lesson.id}" data-what="clip"' in page
    assert page.index(f'data-clip="{recent.id}"') < page.index(f'data-clip="{lesson.id}"')
    assert _day(today + timedelta(days=5)) in page and _day(today + timedelta(days=10)) in page
    assert "Aisha Begum" in page and "Sam Taylor" in page  # the owners
    assert "90 days after Sam Taylor's induction ended" in page
    assert "30 days after processing (" in page
    # The settings, read-only, and where to change them.
    assert "removed <strong>30 days</strong> after processing" in page
    assert f'href="/privacy/schools/{school_id}"' in page
    # Induction dates: who has finished, and the form to record one.
    assert (
        f"Induction recorded as complete: Sam Taylor ({_day(today - timedelta(days=80))})" in page
    )
    assert f'action="/retention/schools/{school_id}/ects/' in page
    # The induction dashboard links here.
    dashboard = client.get(f"/induction/schools/{school_id}").text
    assert f'href="/retention/schools/{school_id}"' in dashboard


def test_keeping_a_clip_needs_a_reason_and_a_sensible_date(ctx, session, demo, client, auth):
    school_id, lesson, _recent, today = _setup(ctx, session)
    auth.login(COORDINATOR)
    token = csrf_token(client.get(f"/retention/schools/{school_id}").text)
    url = f"/retention/clips/{lesson.id}/extend"

    def post(until: str, reason: str):
        return client.post(url, data={"csrf_token": token, "until": until, "reason": reason})

    cases = [
        ((today + timedelta(days=60)).isoformat(), "", "Please say why the clip is being kept"),
        ("next week", "Appeal", "Please give the date to keep the clip until."),
        ("", "Appeal", "Please give the date to keep the clip until."),
        (today.isoformat(), "Appeal", "The date to keep the clip until must be in the future."),
        ((today + timedelta(days=4 * 365)).isoformat(), "Appeal", "at most 3 years at a time"),
    ]
    for until, reason, message in cases:
        response = post(until, reason)
        assert response.status_code == 400, (until, reason)
        text = html.unescape(response.text)
        assert message in text, (until, reason)
        assert 'role="alert"' in text
        assert f'value="{until}"' in text  # what was typed is kept
    session.expire_all()
    assert session.get(Clip, lesson.id).retain_until is None

    keep = today + timedelta(days=60)
    response = post(keep.isoformat(), "Evidence for a capability review")
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).text)
    assert f"“Fractions starter” is kept until {keep.day} {keep:%B %Y}." in page
    assert f'data-clip="{lesson.id}" data-what="clip"' not in page  # no longer due soon
    assert "Kept past their deletion date" in page and "Evidence for a capability review" in page
    session.expire_all()
    clip = session.get(Clip, lesson.id)
    assert clip.retain_until == keep and clip.retention_extended_by_id == demo[COORDINATOR].id
    event = session.scalar(
        select(AuditEvent).where(AuditEvent.action == AuditAction.EXTEND_RETENTION)
    )
    assert event.clip_id == lesson.id and event.actor_id == demo[COORDINATOR].id


def test_recording_the_end_of_an_induction(ctx, session, demo, client, auth):
    school_id, _lesson, _recent, today = _setup(ctx, session)
    ect2 = demo[OTHER_ECT]
    auth.login(COORDINATOR)
    token = csrf_token(client.get(f"/retention/schools/{school_id}").text)
    url = f"/retention/schools/{school_id}/ects/{ect2.id}/completed"
    refused = client.post(url, data={"csrf_token": token, "completed_on": "July"})
    assert refused.status_code == 400
    assert "Please give the day the induction ended as a date." in html.unescape(refused.text)
    too_late = (today + timedelta(days=400)).isoformat()
    refused = client.post(url, data={"csrf_token": token, "completed_on": too_late})
    assert refused.status_code == 400
    assert "at most a year from today" in refused.text

    ended = today - timedelta(days=70)
    response = client.post(url, data={"csrf_token": token, "completed_on": ended.isoformat()})
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).text)
    assert f"Aisha Begum's induction is recorded as completed on {ended:%-d %B %Y}." in page
    assert f"Aisha Begum ({_day(ended)})" in page
    session.expire_all()
    membership = session.scalar(
        select(Membership).where(Membership.user_id == ect2.id, Membership.role == Role.ECT)
    )
    assert membership.induction_completed_on == ended
    # Cleared again: the induction is not over, and the clips are kept.
    response = client.post(url, data={"csrf_token": token, "completed_on": ""})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Membership, membership.id).induction_completed_on is None


def test_other_schools_and_other_roles_are_refused(ctx, session, demo, client, auth):
    school_id, lesson, _recent, _today = _setup(ctx, session)
    auth.login("coordinator@riverside.example")
    assert client.get(f"/retention/schools/{school_id}").status_code == 404
    auth.logout()
    auth.login("mentor1@northfield.example")  # sees the clip, may not keep it
    assert client.get(f"/retention/schools/{school_id}").status_code == 403
    token = csrf_token(client.get("/clips/").text)
    response = client.post(
        f"/retention/clips/{lesson.id}/extend",
        data={"csrf_token": token, "until": "2030-01-01", "reason": "x"},
    )
    assert response.status_code == 403
    model = ready_clip(session, ctx.storage, "mentor1@northfield.example", kind=ClipKind.MODEL)
    auth.logout()
    auth.login(COORDINATOR)
    token = csrf_token(client.get("/clips/").text)
    response = client.post(
        f"/retention/clips/{model.id}/extend",
        data={"csrf_token": token, "until": "2027-01-01", "reason": "x"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.get_json()["error"] == "Model clips are not deleted by the retention policy."
