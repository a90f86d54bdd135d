"""The uploader's check of a finished blur through the web app: what the mentor sees while it
waits, the blurred video to check, areas to blur added and removed, blurring again, sharing,
and the school's two blur settings on its privacy page."""

from __future__ import annotations

import pytest
from rq import Queue
from sqlalchemy import select

from service.models import AuditAction, AuditEvent, BlurRegion, BlurStatus, Clip, School
from service.storage import keys
from tests.conftest import AuthActions, csrf_token
from tests.factories import finish_blur, ready_clip
from workers.queues import BLUR_QUEUE, job_id

OWNER, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
COORDINATOR = "coordinator@northfield.example"
WAITING = "Waiting for Sam Taylor to check the blurred video: it appears here once they share it."
JSON = {"Accept": "application/json"}
AREA = {"from": "0:01", "to": "0:04.5", "x0": "0.2", "y0": "0.1", "x1": "0.45", "y1": "0.5"}


def as_user(app, email: str):
    """Return a client signed in as ``email``, and a CSRF token for its posts."""
    client = app.test_client()
    AuthActions(client).login(email)
    return client, csrf_token(client.get("/clips/").text)


def get_bytes(client, url: str) -> tuple[int, bytes]:
    response = client.get(url)
    try:
        return response.status_code, response.get_data()
    finally:
        response.close()


def stored(ctx, key: str) -> bytes:
    with ctx.storage.open(key) as handle:
        return handle.read()


def row(ctx, clip_id: int) -> Clip:
    with ctx.sessions() as session:
        return session.get(Clip, clip_id)


@pytest.fixture
def clip_id(ctx, session, demo, app) -> int:
    """The owner's 30 s clip; the mentor asked for a blur, which now waits for the check."""
    clip = ready_clip(session, ctx.storage, OWNER, title="Phonics carpet time")
    client, token = as_user(app, MENTOR)
    response = client.post(f"/clips/{clip.id}/blur", data={"csrf_token": token}, headers=JSON)
    assert response.status_code == 202
    finish_blur(session, ctx.storage, clip.id, face_strip=[1, 2, 0, 0, 1])
    return clip.id


def test_while_the_uploader_checks_the_blur_the_mentor_waits_and_sees_nothing(ctx, app, clip_id):
    for email in (MENTOR, COORDINATOR):
        client, _ = as_user(app, email)
        page = client.get(f"/clips/{clip_id}").text
        assert WAITING in page and 'data-withheld="true"' in page
        assert "blur-review" not in page and "blur-strip" not in page
        for media in ("video.mp4", "poster.jpg", "original", "blur/review.mp4"):
            assert get_bytes(client, f"/clips/{clip_id}/{media}")[0] == 404, media
        state = client.get(f"/clips/{clip_id}/status.json").json["blur"]
        assert (state["status"], state["withheld"]) == ("review", True)
        assert state["stage_label"] == "Waiting for Sam Taylor's check"
        assert "review_url" not in state and "face_strip" not in state
    assert "Blurred, waiting for the teacher to check it" in client.get("/clips/").text


def test_the_uploader_watches_the_blur_to_check_with_where_faces_were_found(ctx, app, clip_id):
    client, _ = as_user(app, OWNER)
    page = client.get(f"/clips/{clip_id}").text
    assert "The blurred video is ready for you to check" in page
    assert (
        'id="blur-review"' in page
        and 'id="blur-review" class="blur-review"\n     hidden' not in page
    )
    assert "Looks right: share the blurred video" in page
    assert "Blur again with these additions" in page
    assert '<script id="blur-strip-data" type="application/json">[1, 2, 0, 0, 1]</script>' in page
    state = client.get(f"/clips/{clip_id}/status.json").json["blur"]
    assert state["status"] == "review" and state["withheld"] is False
    assert state["review_url"] == f"/clips/{clip_id}/blur/review.mp4"
    assert state["face_strip"] == [1, 2, 0, 0, 1]
    status, body = get_bytes(client, state["review_url"])
    assert status == 200 and body == stored(ctx, keys.blur_key(clip_id))
    # Still the unblurred video under the clip's own address, for the uploader alone.
    assert get_bytes(client, f"/clips/{clip_id}/video.mp4")[1] == stored(
        ctx, keys.video_key(clip_id)
    )
    get_bytes(client, state["review_url"])  # the player's next range: the same viewing
    with ctx.sessions() as session:
        viewed = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.VIEW_BLUR_REVIEW)
        ).all()
        assert [(e.clip_id, e.actor.email) for e in viewed] == [(clip_id, OWNER)]
        assert viewed[0].detail == "blurred video to check of Phonics carpet time"


def test_areas_to_blur_are_added_checked_and_removed(ctx, app, clip_id):
    client, token = as_user(app, OWNER)
    added = client.post(
        f"/clips/{clip_id}/blur/regions", data={"csrf_token": token, **AREA}, headers=JSON
    )
    assert added.status_code == 201
    assert added.json["message"] == (
        "Added an area to blur from 0:01 to 0:04.5. Blur again to apply it."
    )
    [area] = added.json["regions"]
    assert (area["start"], area["end"], area["from"], area["to"]) == (1.0, 4.5, "0:01", "0:04.5")
    assert (area["x0"], area["y0"], area["x1"], area["y1"]) == (0.2, 0.1, 0.45, 0.5)

    for field, value, message in [
        ("from", "one minute", "give the times it starts and ends as minutes and seconds"),
        ("to", "0:00.5", "the “to” time must be later than the “from” time"),
        ("to", "0:40", "Please end the area by 0:30, when the clip ends."),
        ("x1", "1.5", "part of it is outside"),
        ("x1", "0.205", "too small to blur"),
    ]:
        response = client.post(
            f"/clips/{clip_id}/blur/regions",
            data={"csrf_token": token, **AREA, field: value},
            headers=JSON,
        )
        assert response.status_code == 400 and message in response.json["error"], field
    page = client.get(f"/clips/{clip_id}").text
    assert f"/clips/{clip_id}/blur/regions/{area['id']}/remove" in page  # in the page's data

    # Another viewer can neither add nor remove; someone who cannot see the clip finds nothing.
    mentor, mentor_token = as_user(app, MENTOR)
    refused = mentor.post(area["remove_url"], data={"csrf_token": mentor_token}, headers=JSON)
    assert refused.status_code == 403
    assert "Only the teacher who recorded this clip" in refused.json["error"]
    stranger, stranger_token = as_user(app, "ect1@riverside.example")
    assert (
        stranger.post(
            area["remove_url"], data={"csrf_token": stranger_token}, headers=JSON
        ).status_code
        == 404
    )

    removed = client.post(area["remove_url"], data={"csrf_token": token}, headers=JSON)
    assert removed.status_code == 200 and removed.json["regions"] == []
    assert removed.json["message"] == "Removed the area from 0:01 to 0:04.5."
    with ctx.sessions() as session:
        assert session.scalars(select(BlurRegion)).all() == []
        touch_ups = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.BLUR_TOUCH_UP)
        ).all()
        assert [e.detail.split(": ")[1].split(",")[0] for e in touch_ups] == [
            "added an area to blur",
            "removed an area to blur",
        ]


def test_blurring_again_then_sharing_shows_the_mentor_the_blurred_video(ctx, session, app, clip_id):
    client, token = as_user(app, OWNER)
    client.post(f"/clips/{clip_id}/blur/regions", data={"csrf_token": token, **AREA})
    again = client.post(f"/clips/{clip_id}/blur/again", data={"csrf_token": token}, headers=JSON)
    assert again.status_code == 202 and again.json["blur"]["status"] == "requested"
    assert Queue(BLUR_QUEUE, connection=ctx.redis).job_ids == [job_id("blur-clip", clip_id)]
    refused = client.post(
        f"/clips/{clip_id}/blur/confirm", data={"csrf_token": token}, headers=JSON
    )
    assert refused.status_code == 400 and "being blurred again" in refused.json["error"]
    finish_blur(session, ctx.storage, clip_id)

    mentor, _ = as_user(app, MENTOR)
    assert get_bytes(mentor, f"/clips/{clip_id}/video.mp4")[0] == 404
    # Without JavaScript: a plain form post, back to the clip with a message.
    shared = client.post(f"/clips/{clip_id}/blur/confirm", data={"csrf_token": token})
    assert shared.status_code == 302 and shared.location.endswith(f"/clips/{clip_id}")
    assert "The blurred video is shared" in client.get(f"/clips/{clip_id}").text
    assert row(ctx, clip_id).blur_status == BlurStatus.READY

    status, body = get_bytes(mentor, f"/clips/{clip_id}/video.mp4")
    assert status == 200 and body == stored(ctx, keys.blur_key(clip_id))
    assert get_bytes(mentor, f"/clips/{clip_id}/poster.jpg")[0] == 200
    page = mentor.get(f"/clips/{clip_id}").text
    assert 'data-withheld="false"' in page and WAITING not in page
    # The uploader may still touch it up; the blurred video to check is gone.
    page = client.get(f"/clips/{clip_id}").text
    assert "Spotted a face the blur missed?" in page
    assert get_bytes(client, f"/clips/{clip_id}/blur/review.mp4")[0] == 404


def test_the_schools_blur_settings_are_kept_on_its_privacy_page(ctx, session, app, demo):
    school_id = demo[COORDINATOR].memberships[0].school_id
    client, token = as_user(app, COORDINATOR)
    page = client.get(f"/privacy/schools/{school_id}").text
    assert "Blur everything except the teacher" in page
    assert "Blurred videos may be shared without the uploader&#39;s check" in page
    response = client.post(
        f"/privacy/schools/{school_id}",
        data={
            "csrf_token": token,
            "original_retention_days": "30",
            "clip_retention_days": "90",
            "blur_outside_teacher": "y",
            "blur_without_review": "y",
        },
        headers=JSON,
    )
    assert response.status_code == 200
    answer = response.json["school"]
    assert (answer["blur_outside_teacher"], answer["blur_without_review"]) == (True, True)
    session.expire_all()
    school = session.get(School, school_id)
    assert (school.blur_outside_teacher, school.blur_without_review) == (True, True)
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.PRIVACY_SETTINGS)
    ).all()[-1]
    assert "blur everything but the teacher: off -> on" in event.detail
    page = client.get(f"/privacy/schools/{school_id}").text
    assert 'id="blur_outside_teacher" name="blur_outside_teacher" type="checkbox" value="y"' in page

    # Unticked in the form: off again.
    client.post(
        f"/privacy/schools/{school_id}",
        data={"csrf_token": token, "original_retention_days": "30", "clip_retention_days": "90"},
    )
    session.expire_all()
    school = session.get(School, school_id)
    assert (school.blur_outside_teacher, school.blur_without_review) == (False, False)
