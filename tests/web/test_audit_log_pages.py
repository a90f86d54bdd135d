"""What writes audit events through the web app, and the coordinator's audit log page."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.models import AuditAction, AuditEvent, ClipKind, ConsentState
from tests.conftest import csrf_token
from tests.factories import ready_clip

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
MENTOR_COORD = "coordinator@northfield.example"


def events(session, action: AuditAction | None = None) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action is not None:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query))


def test_watching_a_clip_records_one_view(ctx, session, demo, client, auth):
    clip = ready_clip(session, ctx.storage, ECT, title="Fractions starter")
    auth.login(MENTOR)
    assert client.get(f"/clips/{clip.id}").status_code == 200
    with client.get(f"/clips/{clip.id}/video.mp4", headers={"Range": "bytes=0-"}) as response:
        assert response.status_code == 206
    [view] = events(session, AuditAction.VIEW_CLIP)
    assert view.actor_id == demo[MENTOR].id and view.clip_id == clip.id
    assert view.subject_id == demo[ECT].id and view.ip == "127.0.0.1"
    assert "watch page: Fractions starter" == view.detail


@pytest.mark.parametrize("first_range", ["bytes=-4", "bytes=4-", "bytes=4-9", None])
def test_any_request_for_the_video_is_one_view_per_window(
    ctx, session, demo, client, auth, first_range
):
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login("coordinator@northfield.example")
    headers = {"Range": first_range} if first_range else {}
    with client.get(f"/clips/{clip.id}/video.mp4", headers=headers) as response:
        assert response.status_code in (200, 206)
    [view] = events(session, AuditAction.VIEW_CLIP)
    assert view.detail.startswith("video") and view.actor_id == demo[MENTOR_COORD].id
    # The player's other requests, of any shape, are the same viewing.
    for more in ({"Range": "bytes=0-"}, {"Range": "bytes=-4"}, {}):
        with client.get(f"/clips/{clip.id}/video.mp4", headers=more) as response:
            assert response.status_code in (200, 206)
    with client.get(f"/clips/{clip.id}/poster.jpg") as response:
        assert response.status_code == 200
    assert len(events(session, AuditAction.VIEW_CLIP)) == 1
    # Someone else's view is their own event.
    auth.login(MENTOR)
    with client.get(f"/clips/{clip.id}/video.mp4", headers={"Range": "bytes=-4"}) as response:
        assert response.status_code == 206
    assert len(events(session, AuditAction.VIEW_CLIP)) == 2


def test_a_poster_is_a_view(ctx, session, demo, client, auth):
    clip = ready_clip(session, ctx.storage, ECT, title="Fractions starter")
    auth.login(MENTOR)
    with client.get(f"/clips/{clip.id}/poster.jpg") as response:
        assert response.status_code == 200
    [view] = events(session, AuditAction.VIEW_CLIP)
    assert view.detail == "poster: Fractions starter"


def test_reading_the_transcript_in_any_form_is_recorded_once_per_window(
    ctx, session, demo, client, auth
):
    from service.clips import transcripts

    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Plenary",
        captions=b"WEBVTT\n\n00:00.000 --> 00:02.000\nHands down\n",
        transcript=[transcripts.SegmentData(0, 2, "Hands down")],
    )
    auth.login(MENTOR)
    assert "Hands down" in client.get(f"/clips/{clip.id}/transcript.json").text
    [read] = events(session, AuditAction.DOWNLOAD_TRANSCRIPT)
    assert read.actor_id == demo[MENTOR].id and read.clip_id == clip.id
    assert read.detail == "json of Plenary"
    for url in ("captions.vtt", "transcript.txt", "transcript.vtt", "transcript.json"):
        with client.get(f"/clips/{clip.id}/{url}") as response:
            assert response.status_code == 200
    assert len(events(session, AuditAction.DOWNLOAD_TRANSCRIPT)) == 1
    # The captions alone are a read of the words too.
    auth.login("coordinator@northfield.example")
    with client.get(f"/clips/{clip.id}/captions.vtt") as response:
        assert b"Hands down" in response.data
    assert [e.detail for e in events(session, AuditAction.DOWNLOAD_TRANSCRIPT)] == [
        "json of Plenary",
        "captions of Plenary",
    ]


def test_a_clip_nobody_may_see_records_nothing(ctx, session, demo, client, auth):
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login("mentor1@riverside.example")
    assert client.get(f"/clips/{clip.id}").status_code == 404
    assert events(session) == []


def test_transcript_downloads_are_recorded(ctx, session, demo, client, auth):
    from service.clips import transcripts

    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Plenary",
        transcript=[transcripts.SegmentData(0, 2, "Hands down")],
    )
    auth.login(ECT)
    with client.get(f"/clips/{clip.id}/transcript.txt") as response:
        assert response.status_code == 200
    [download] = events(session, AuditAction.DOWNLOAD_TRANSCRIPT)
    assert download.clip_id == clip.id and download.detail == "txt of Plenary"


def test_sharing_a_model_clip_is_a_permission_change(ctx, session, demo, client, auth):
    clip = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Cold call model",
        consent_state=ConsentState.NO_PUPILS,
    )
    auth.login(MENTOR)
    token = csrf_token(client.get("/coaching/models").text)
    url = f"/coaching/models/{clip.id}/share"
    assert client.post(url, data={"csrf_token": token, "shareable": "1"}).status_code == 302
    assert client.post(url, data={"csrf_token": token, "shareable": "1"}).status_code == 302
    [change] = events(session, AuditAction.PERMISSION_CHANGE)
    assert change.clip_id == clip.id and change.detail.startswith("shared model clip")
    client.post(url, data={"csrf_token": token})
    assert [e.detail.split()[0] for e in events(session, AuditAction.PERMISSION_CHANGE)] == [
        "shared",
        "unshared",
    ]


def test_the_log_page_lists_and_filters_events(ctx, session, demo, client, auth):
    north = ready_clip(session, ctx.storage, ECT, title="North lesson")
    river = ready_clip(session, ctx.storage, "ect1@riverside.example", title="River lesson")
    auth.login("admin@coachreel.example")
    client.get(f"/clips/{north.id}")
    client.get(f"/clips/{river.id}")
    auth.login("coordinator@northfield.example")
    page = client.get("/audit-log/").text
    assert "watch page: North lesson" in page and "River lesson" not in page
    assert "Coachreel Admin" in page
    filtered = client.get(f"/audit-log/?clip={north.id}&action=export").text
    assert "No entries match these filters" in filtered
    assert client.get("/audit-log/?person=abc").status_code == 400
    assert client.get("/audit-log/?action=delete").status_code == 400
    # Nothing in the app changes an entry.
    token = csrf_token(page)
    assert client.post("/audit-log/", data={"csrf_token": token}).status_code == 405


def test_filters_show_only_titles_and_names_the_log_may_show(ctx, session, demo, client, auth):
    north = ready_clip(session, ctx.storage, ECT, title="North lesson")
    river = ready_clip(session, ctx.storage, "ect1@riverside.example", title="River lesson")
    auth.login("admin@coachreel.example")
    client.get(f"/clips/{north.id}")
    client.get(f"/clips/{river.id}")
    river_ect = demo["ect1@riverside.example"]
    auth.login("coordinator@northfield.example")
    in_scope = client.get(f"/audit-log/?clip={north.id}&person={demo[ECT].id}").text
    assert "Clip: <strong>North lesson</strong>" in in_scope
    assert f"Person: <strong>{demo[ECT].name}</strong>" in in_scope
    for query in (f"clip={river.id}", f"person={river_ect.id}", "clip=999999", "person=999999"):
        page = client.get(f"/audit-log/?{query}").text
        assert "River lesson" not in page and river_ect.name not in page
        assert "No entries match these filters" in page
