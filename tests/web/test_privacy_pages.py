"""The privacy pages: the upload form's choices, a school's settings and classes, the consent
register, the clip's consent record on its page, and the model library's reasons."""

from __future__ import annotations

import base64
import io
from datetime import date

from sqlalchemy import select

from service.models import (
    AuditAction,
    AuditEvent,
    BlurStatus,
    Clip,
    ClipKind,
    ConsentState,
    LawfulBasis,
    School,
)
from tests.conftest import csrf_token
from tests.factories import demo_class, ready_clip, school_of
from tests.web.forms import post

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
COORDINATOR, OTHER_COORDINATOR = "coordinator@northfield.example", "coordinator@riverside.example"
SOUND_ONLY_CLASS = "Year 6 Elm"


def events(session, action: AuditAction) -> list[AuditEvent]:
    session.expire_all()
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


def only_clip(session) -> Clip:
    session.expire_all()
    [clip] = session.scalars(select(Clip)).all()
    return clip


# --- the upload form -------------------------------------------------------------------------


def test_upload_form_offers_the_schools_classes_and_consent_choices(client, auth, session, demo):
    auth.login(ECT)
    page = client.get("/clips/upload").text
    assert f">{SOUND_ONLY_CLASS} (sound only)</option>" in page
    assert 'data-sound-only="true"' in page and ">Year 5 Ash</option>" in page
    for state in ConsentState:
        assert state.label in page
    assert (
        'checked id="consent_state-0" name="consent_state" type="radio" value="not_recorded"'
        in (page)
    )
    assert LawfulBasis.PUBLIC_TASK.label.replace("'", "&#39;") in page
    assert 'name="recorded_by" type="text" value="Sam Taylor"' in page
    assert '"blur-hint" id="blur_faces" name="blur_faces"' in page  # not ticked
    assert "8R science" not in page  # another school's class
    session.get(School, school_of(session, ECT)).blur_by_default = True
    session.commit()
    page = client.get("/clips/upload").text
    assert 'checked id="blur_faces" name="blur_faces"' in page


def test_plain_upload_stores_the_consent_record_and_forces_blur(client, auth, session, demo):
    auth.login(ECT)
    year5 = demo_class(session, "Year 5 Ash")
    response = post(
        client,
        "/clips/upload",
        {
            "kind": "lesson",
            "title": "Fractions",
            "recorded_on": date.today().isoformat(),
            "school_class": str(year5.id),
            "lawful_basis": "legit_interests",
            "consent_state": "some_refused",
            "recorded_by": "Ms Patel (TA)",
            "file": (io.BytesIO(b"video bytes"), "lesson.mp4"),
        },  # no blur_faces: the box was left unticked, but consent requires it
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201, response.json
    clip = only_clip(session)
    assert (clip.class_id, clip.lawful_basis, clip.consent_state, clip.recorded_by) == (
        year5.id,
        LawfulBasis.LEGITIMATE_INTERESTS,
        ConsentState.SOME_NOT_CONSENTED,
        "Ms Patel (TA)",
    )
    assert clip.blur_status == BlurStatus.REQUESTED and not clip.audio_only


def test_plain_upload_to_a_sound_only_class(client, auth, session, demo):
    auth.login(ECT)
    quiet = demo_class(session, SOUND_ONLY_CLASS)
    response = post(
        client,
        "/clips/upload",
        {
            "kind": "lesson",
            "title": "Debate",
            "recorded_on": date.today().isoformat(),
            "school_class": str(quiet.id),
            "consent_state": "all_consented",
            "blur_faces": "y",
            "file": (io.BytesIO(b"video bytes"), "lesson.mp4"),
        },
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    clip = only_clip(session)
    assert clip.audio_only and clip.blur_status is None and clip.recorded_by == "Sam Taylor"
    bad = post(
        client,
        "/clips/upload",
        {
            "kind": "lesson",
            "title": "Debate",
            "recorded_on": date.today().isoformat(),
            "school_class": "99999",
            "file": (io.BytesIO(b"video bytes"), "lesson.mp4"),
        },
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400


def test_resumable_upload_carries_the_consent_record(client, auth, session, demo):
    auth.login(ECT)
    headers = {
        "Tus-Resumable": "1.0.0",
        "Accept": "application/json",
        "X-CSRFToken": csrf_token(client.get("/clips/upload").text),
    }
    quiet = demo_class(session, SOUND_ONLY_CLASS)
    fields = {
        "filename": "debate.mp4",
        "kind": "lesson",
        "title": "Debate",
        "recorded_on": date.today().isoformat(),
        "class": str(quiet.id),
        "lawful_basis": "consent",
        "consent_state": "all_consented",
        "recorded_by": "Mr Jones",
        "blur_faces": "1",
    }
    meta = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())
    created = client.post(
        "/uploads/tus", headers={**headers, "Upload-Length": "5", "Upload-Metadata": meta}
    )
    assert created.status_code == 201, created.get_data(as_text=True)
    done = client.patch(
        created.headers["Location"],
        input_stream=io.BytesIO(b"bytes"),
        content_length=5,
        headers={
            **headers,
            "Upload-Offset": "0",
            "Content-Type": "application/offset+octet-stream",
        },
    )
    assert done.status_code == 204
    clip = only_clip(session)
    assert (clip.class_id, clip.lawful_basis, clip.consent_state, clip.recorded_by) == (
        quiet.id,
        LawfulBasis.CONSENT,
        ConsentState.ALL_CONSENTED,
        "Mr Jones",
    )
    assert clip.audio_only and clip.blur_status is None


# --- the school's privacy settings -------------------------------------------------------------


def test_settings_page_saves_and_explains_mistakes(client, auth, session, demo):
    school = school_of(session, ECT)
    auth.login(COORDINATOR)
    page = client.get(f"/privacy/schools/{school}").text
    assert "Privacy: Northfield Primary" in page and 'value="30"' in page and 'value="90"' in page
    assert "Year 6 Elm" in page and "Sound only" in page
    bad = post(
        client,
        f"/privacy/schools/{school}",
        {"original_retention_days": "0", "clip_retention_days": "90"},
    )
    assert bad.status_code == 400
    assert "Please keep original uploads for between 1 and 3650 days" in bad.text
    typo = post(
        client,
        f"/privacy/schools/{school}",
        {"original_retention_days": "thirty", "clip_retention_days": "90"},
    )
    assert typo.status_code == 400 and "as a whole number, e.g. 30" in typo.text
    saved = post(
        client,
        f"/privacy/schools/{school}",
        {"blur_by_default": "y", "original_retention_days": "7", "clip_retention_days": "120"},
        follow_redirects=True,
    )
    assert saved.status_code == 200 and "Privacy settings saved." in saved.text
    session.expire_all()
    row = session.get(School, school)
    assert (row.blur_by_default, row.original_retention_days, row.clip_retention_days) == (
        True,
        7,
        120,
    )
    [event] = events(session, AuditAction.PRIVACY_SETTINGS)
    assert "originals kept: 30 -> 7 days" in event.detail


def test_classes_are_managed_on_the_settings_page(ctx, client, auth, session, demo):
    school = school_of(session, ECT)
    auth.login(COORDINATOR)
    added = post(
        client,
        f"/privacy/schools/{school}/classes",
        {"add": "Year 4 Birch", "audio_only": "1"},
        follow_redirects=True,
    )
    assert "Added Year 4 Birch." in added.text
    birch = demo_class(session, "Year 4 Birch")
    assert birch.audio_only
    again = post(client, f"/privacy/schools/{school}/classes", {"add": "year 4 birch"})
    assert again.status_code == 400 and "already a class called year 4 birch" in again.text
    changed = post(
        client,
        f"/privacy/schools/{school}/classes",
        {"class_id": str(birch.id), "sound_only": "0"},
        follow_redirects=True,
    )
    assert "Year 4 Birch is now recorded with video and sound." in changed.text
    ash = demo_class(session, "Year 5 Ash")
    clip = ready_clip(session, ctx.storage, ECT)
    clip.class_id = ash.id
    session.commit()
    page = client.get(f"/privacy/schools/{school}").text
    assert "Has clips, so it stays" in page and 'aria-label="Remove Year 4 Birch"' in page
    kept = post(
        client, f"/privacy/schools/{school}/classes", {"class_id": str(ash.id), "remove": "1"}
    )
    assert kept.status_code == 400 and "has 1 clip, so it cannot be removed" in kept.text
    removed = post(
        client,
        f"/privacy/schools/{school}/classes",
        {"class_id": str(birch.id), "remove": "1"},
        follow_redirects=True,
    )
    assert "Removed Year 4 Birch." in removed.text
    session.expire_all()
    assert demo_class(session, "Year 4 Birch") is None


def test_the_induction_pages_link_to_privacy(client, auth, session, demo):
    school = school_of(session, ECT)
    auth.login(COORDINATOR)
    page = client.get(f"/induction/schools/{school}").text
    assert f'href="/privacy/schools/{school}"' in page and "Privacy and consent" in page


def test_settings_are_the_schools_coordinators_alone(client, auth, session, demo):
    school = school_of(session, ECT)
    auth.login(OTHER_COORDINATOR)
    assert client.get(f"/privacy/schools/{school}").status_code == 404
    auth.logout()
    auth.login(MENTOR)
    assert client.get(f"/privacy/schools/{school}").status_code == 403


# --- the consent register ----------------------------------------------------------------------


def test_consent_register_lists_filters_and_records(ctx, client, auth, session, demo):
    lesson = ready_clip(session, ctx.storage, ECT, title="Fractions starter")
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Cold call model",
        consent_state=ConsentState.NO_PUPILS,
    )
    school = school_of(session, ECT)
    auth.login(COORDINATOR)
    page = client.get(f"/privacy/schools/{school}/consent").text
    assert "Fractions starter" in page and "Cold call model" in page
    assert "Sam Taylor" in page and "Daniel Okafor" in page
    filtered = client.get(f"/privacy/schools/{school}/consent?state=no_pupils").text
    assert "Cold call model" in filtered and "Fractions starter" not in filtered
    response = post(
        client,
        f"/privacy/clips/{lesson.id}/consent",
        {"lawful_basis": "public_task", "consent_state": "some_refused", "recorded_by": "Sam"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert "the video is hidden from everyone but the teacher who uploaded it" in response.text
    session.expire_all()
    clip = session.get(Clip, lesson.id)
    assert clip.consent_state == ConsentState.SOME_NOT_CONSENTED
    assert clip.blur_status == BlurStatus.REQUESTED and clip.recorded_by == "Sam"
    [event] = events(session, AuditAction.RECORD_CONSENT)
    assert event.detail == (
        "Fractions starter: consent: Not recorded yet -> Some pupils shown have not consented: "
        "faces must be blurred; recorded by: Sam Taylor -> Sam"
    )
    assert model.id  # listed above, untouched
    bad = post(
        client,
        f"/privacy/clips/{lesson.id}/consent",
        {"lawful_basis": "public_task", "consent_state": "who knows"},
    )
    assert bad.status_code == 400 and "Please choose a lawful basis" in bad.text


def test_recording_consent_is_for_coordinators_of_the_clips_school(
    ctx, client, auth, session, demo
):
    lesson = ready_clip(session, ctx.storage, ECT)
    data = {"lawful_basis": "public_task", "consent_state": "all_consented"}
    for email, status in (
        (ECT, 403),
        (MENTOR, 403),
        ("mentor2@northfield.example", 404),
        (OTHER_COORDINATOR, 404),
    ):
        auth.login(email)
        assert post(client, f"/privacy/clips/{lesson.id}/consent", data).status_code == status
        auth.logout()
    assert events(session, AuditAction.RECORD_CONSENT) == []


def test_the_watch_page_shows_the_consent_record(ctx, client, auth, session, demo):
    lesson = ready_clip(session, ctx.storage, ECT, title="Fractions starter")
    auth.login(ECT)
    page = client.get(f"/clips/{lesson.id}").text
    assert 'id="consent-record"' in page and "Not recorded yet" in page
    assert "Change the consent record" not in page
    # The feedback sits right under the player, above the consent and sharing panels.
    assert page.index('class="comments"') < page.index('id="consent-record"')
    auth.logout()
    auth.login(COORDINATOR)
    page = client.get(f"/clips/{lesson.id}").text
    assert "Change the consent record" in page
    saved = post(
        client,
        f"/privacy/clips/{lesson.id}/consent",
        {
            "lawful_basis": "public_task",
            "consent_state": "all_consented",
            "next": f"/clips/{lesson.id}",
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/clips/{lesson.id}")
    assert "Every pupil shown has consent" in client.get(f"/clips/{lesson.id}").text


def test_the_model_library_says_why_a_clip_cannot_be_shared(ctx, client, auth, session, demo):
    model = ready_clip(session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Cold call")
    auth.login(MENTOR)
    page = client.get("/coaching/models").text
    assert "Not in the model library: the school has recorded “Not recorded yet”" in page
    assert 'name="shareable" value="1"' not in page
    refused = post(client, f"/coaching/models/{model.id}/share", {"shareable": "1"})
    assert refused.status_code == 400
    assert "only once the school has recorded that every pupil shown has consented" in (
        refused.text
    )
