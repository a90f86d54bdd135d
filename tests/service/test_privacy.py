"""Privacy use cases: the upload's consent record, a school's settings and classes, the consent
register, and the consent gate on the model library, on the configured backend."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from service import policy
from service.clips import resumable, upload as clips_upload, upload_metadata, visibility
from service.coaching import model_clips
from service.errors import Forbidden, InvalidInput, NotFound
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
from service.privacy import consent, settings as privacy_settings
from tests.factories import demo_class, ready_clip, school_of, user

ECT, MENTOR, OTHER_MENTOR = (
    "ect1@northfield.example",
    "mentor1@northfield.example",
    "mentor2@northfield.example",
)
COORDINATOR, OTHER_COORDINATOR = "coordinator@northfield.example", "coordinator@riverside.example"
TRUST_LEAD = "induction-lead@northfield-trust.example"


def details(**changes) -> clips_upload.UploadDetails:
    base = clips_upload.UploadDetails(
        ClipKind.LESSON, "Year 5 fractions", date.today(), "lesson.mp4"
    )
    return replace(base, **changes)


def register(ctx, session, email: str = ECT, **changes) -> Clip:
    return clips_upload.register_upload(
        session,
        ctx.storage,
        user(session, email),
        details(**changes),
        io.BytesIO(b"video bytes"),
        max_bytes=1000,
    )


def events(session, action: AuditAction) -> list[AuditEvent]:
    query = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(query))


# --- the upload's consent record ---------------------------------------------------------------


def test_upload_records_the_consent_register_and_defaults_who_recorded_it(ctx, session, demo):
    year5 = demo_class(session, "Year 5 Ash")
    clip = register(
        ctx,
        session,
        class_id=year5.id,
        lawful_basis=LawfulBasis.CONSENT,
        consent_state=ConsentState.ALL_CONSENTED,
        recorded_by="  Ms   Patel ",
    )
    assert (clip.class_id, clip.lawful_basis, clip.consent_state, clip.recorded_by) == (
        year5.id,
        LawfulBasis.CONSENT,
        ConsentState.ALL_CONSENTED,
        "Ms Patel",
    )
    assert clip.consent_updated_by_id == user(session, ECT).id
    assert not clip.audio_only and clip.blur_status is None
    plain = register(ctx, session)
    assert plain.recorded_by == "Sam Taylor"  # the uploader, when nobody else is named
    assert plain.consent_state == ConsentState.NOT_RECORDED
    assert plain.lawful_basis == LawfulBasis.PUBLIC_TASK and plain.consent_updated_by_id is None


def test_blur_is_chosen_defaulted_or_forced_by_consent(ctx, session, demo):
    ect = user(session, ECT)
    chosen = register(ctx, session, blur_faces=True)
    assert chosen.blur_status == BlurStatus.REQUESTED and chosen.blur_requested_by_id == ect.id
    forced = register(ctx, session, blur_faces=False, consent_state=ConsentState.SOME_NOT_CONSENTED)
    assert forced.blur_status == BlurStatus.REQUESTED
    assert register(ctx, session, blur_faces=None).blur_status is None
    session.get(School, school_of(session, ECT)).blur_by_default = True
    session.commit()
    assert register(ctx, session, blur_faces=None).blur_status == BlurStatus.REQUESTED
    assert register(ctx, session, blur_faces=False).blur_status is None


def test_a_sound_only_class_makes_a_sound_only_clip_that_is_never_blurred(ctx, session, demo):
    quiet = demo_class(session, "Year 6 Elm")
    clip = register(
        ctx,
        session,
        class_id=quiet.id,
        blur_faces=True,
        consent_state=ConsentState.SOME_NOT_CONSENTED,
    )
    assert clip.audio_only and clip.blur_status is None
    # No picture is kept, so nobody waits for faces to be blurred.
    assert not policy.blur_pending(clip)
    assert not policy.video_withheld(user(session, MENTOR), clip)


def test_a_class_must_be_the_uploaders_schools(ctx, session, demo):
    elsewhere = privacy_settings.add_class(
        session, user(session, OTHER_COORDINATOR), school_of(session, OTHER_COORDINATOR), "8R"
    )
    with pytest.raises(InvalidInput, match="one of your school's classes"):
        register(ctx, session, class_id=elsewhere.id)
    assert session.scalar(select(Clip.id)) is None


def test_resumable_upload_carries_the_consent_record_to_the_clip(ctx, session, demo, tmp_path):
    quiet = demo_class(session, "Year 6 Elm")
    limits = resumable.Limits(1000, 10_000, timedelta(hours=1))
    metadata = {
        "kind": "lesson",
        "title": "Phonics",
        "recorded_on": date.today().isoformat(),
        "filename": "p.mp4",
        "class": str(quiet.id),
        "lawful_basis": "legit_interests",
        "consent_state": "all_consented",
        "recorded_by": "Mr Jones",
        "blur_faces": "0",
    }
    ect = user(session, ECT)
    upload = resumable.create(
        session, tmp_path, ect, upload_metadata.details_from_metadata(metadata), 5, limits
    )
    assert (upload.class_id, upload.recorded_by, upload.blur_faces) == (quiet.id, "Mr Jones", False)
    resumable.append(session, tmp_path, upload, 0, io.BytesIO(b"bytes"), limits)
    clip = resumable.finish(session, ctx.storage, tmp_path, ect, upload, limits)
    assert (clip.class_id, clip.lawful_basis, clip.consent_state, clip.recorded_by) == (
        quiet.id,
        LawfulBasis.LEGITIMATE_INTERESTS,
        ConsentState.ALL_CONSENTED,
        "Mr Jones",
    )
    assert clip.audio_only
    for bad, message in (
        ({"consent_state": "maybe"}, "pupils' consent"),
        ({"lawful_basis": "vibes"}, "lawful basis"),
        ({"class": "x"}, "classes"),
    ):
        with pytest.raises(InvalidInput, match=message):
            upload_metadata.details_from_metadata({**metadata, **bad})


# --- the school's settings and classes ---------------------------------------------------------


def test_settings_are_checked_saved_and_audited(session, demo):
    lead = user(session, TRUST_LEAD)  # a trust's coordinator keeps each of its schools
    school_id = school_of(session, ECT)
    for days in (0, 3651):
        with pytest.raises(InvalidInput, match="between 1 and 3650 days"):
            privacy_settings.update_settings(
                session, lead, school_id, privacy_settings.PrivacySettings(False, days, 90)
            )
    school = privacy_settings.update_settings(
        session, lead, school_id, privacy_settings.PrivacySettings(True, 14, 365), ip="10.0.0.1"
    )
    assert (school.blur_by_default, school.original_retention_days, school.clip_retention_days) == (
        True,
        14,
        365,
    )
    [event] = events(session, AuditAction.PRIVACY_SETTINGS)
    assert event.school_id == school_id and event.actor_id == lead.id
    assert event.detail == (
        "blur faces by default: off -> on; originals kept: 30 -> 14 days; "
        "clips kept after induction: 90 -> 365 days"
    )
    privacy_settings.update_settings(
        session, lead, school_id, privacy_settings.PrivacySettings(True, 14, 365)
    )
    assert len(events(session, AuditAction.PRIVACY_SETTINGS)) == 1  # nothing changed


def test_only_the_schools_coordinators_and_admins_keep_its_settings(session, demo):
    school_id = school_of(session, ECT)
    for email in (ECT, MENTOR, "reviewer@northfield.example"):
        with pytest.raises(Forbidden):
            privacy_settings.privacy_school(session, user(session, email), school_id)
    with pytest.raises(NotFound):
        privacy_settings.privacy_school(session, user(session, OTHER_COORDINATOR), school_id)
    for email in (COORDINATOR, TRUST_LEAD, "admin@coachreel.example"):
        assert (
            privacy_settings.privacy_school(session, user(session, email), school_id).id
            == school_id
        )


def test_classes_are_added_marked_sound_only_and_removed_only_without_clips(ctx, session, demo):
    coordinator, school_id = user(session, COORDINATOR), school_of(session, ECT)
    year4 = privacy_settings.add_class(session, coordinator, school_id, " Year 4  Birch ")
    assert year4.name == "Year 4 Birch" and not year4.audio_only
    with pytest.raises(InvalidInput, match="already a class called year 4 birch"):
        privacy_settings.add_class(session, coordinator, school_id, "year 4 birch")
    with pytest.raises(InvalidInput, match="give the class a name"):
        privacy_settings.add_class(session, coordinator, school_id, "   ")
    assert privacy_settings.set_audio_only(
        session, coordinator, school_id, year4.id, True
    ).audio_only
    register(ctx, session, class_id=year4.id)
    rows = {
        r.school_class.name: r.clips
        for r in privacy_settings.class_rows(session, coordinator, school_id)
    }
    assert rows["Year 4 Birch"] == 1
    with pytest.raises(InvalidInput, match="has 1 clip, so it cannot be removed"):
        privacy_settings.remove_class(session, coordinator, school_id, year4.id)
    empty = privacy_settings.add_class(session, coordinator, school_id, "Nursery")
    assert privacy_settings.remove_class(session, coordinator, school_id, empty.id) == "Nursery"
    other_school = school_of(session, OTHER_COORDINATOR)
    with pytest.raises(NotFound):  # a class is changed only through its own school
        privacy_settings.set_audio_only(
            session, user(session, "admin@coachreel.example"), other_school, year4.id, False
        )
    details_ = [e.detail for e in events(session, AuditAction.PRIVACY_SETTINGS)]
    assert details_ == [
        "added class Year 4 Birch",
        "class Year 4 Birch now recorded as sound only",
        "added class Nursery",
        "removed class Nursery",
    ]


# --- the consent register ----------------------------------------------------------------------


def test_coordinator_records_consent_with_an_audited_old_to_new(ctx, session, demo):
    clip = register(ctx, session)
    coordinator = user(session, COORDINATOR)
    change = consent.record_consent(
        session,
        coordinator,
        clip.id,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_state=ConsentState.ALL_CONSENTED,
        recorded_by="Sam Taylor",
    )
    assert change.changed and not change.blur_requested
    assert clip.consent_updated_by_id == coordinator.id and clip.consent_updated_at is not None
    [event] = events(session, AuditAction.RECORD_CONSENT)
    assert event.clip_id == clip.id and event.subject_id == clip.owner_id
    assert event.detail == (
        "Year 5 fractions: consent: Not recorded yet -> Every pupil shown has consent"
    )
    register_rows = consent.consent_register(
        session, coordinator, clip.school_id, state=ConsentState.ALL_CONSENTED
    )
    assert [c.id for c in register_rows.clips] == [clip.id]
    assert register_rows.counts[ConsentState.ALL_CONSENTED] == 1


def test_some_pupils_not_consenting_asks_for_blurring(ctx, session, demo):
    clip = register(ctx, session)
    coordinator = user(session, COORDINATOR)
    change = consent.record_consent(
        session,
        coordinator,
        clip.id,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_state=ConsentState.SOME_NOT_CONSENTED,
        recorded_by="",
    )
    assert change.blur_requested and clip.blur_status == BlurStatus.REQUESTED
    assert clip.blur_requested_by_id == coordinator.id
    assert clip.recorded_by == "Sam Taylor"  # left blank: kept
    # Only the uploader sees the video until faces are blurred.
    assert policy.video_withheld(user(session, MENTOR), clip)
    assert not policy.video_withheld(user(session, ECT), clip)
    # Already blurred: nothing more to ask for.
    clip.blur_status = BlurStatus.READY
    session.commit()
    consent.record_consent(
        session,
        coordinator,
        clip.id,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_state=ConsentState.ALL_CONSENTED,
        recorded_by="",
    )
    again = consent.record_consent(
        session,
        coordinator,
        clip.id,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_state=ConsentState.SOME_NOT_CONSENTED,
        recorded_by="",
    )
    assert not again.blur_requested and clip.blur_status == BlurStatus.READY


def test_only_the_schools_coordinators_record_consent(ctx, session, demo):
    clip = register(ctx, session)
    kwargs = {
        "lawful_basis": LawfulBasis.CONSENT,
        "consent_state": ConsentState.NO_PUPILS,
        "recorded_by": "",
    }
    for email in (ECT, MENTOR):  # they see the clip, so they are told they may not
        with pytest.raises(Forbidden, match="induction coordinators record consent"):
            consent.record_consent(session, user(session, email), clip.id, **kwargs)
    for email in (OTHER_MENTOR, OTHER_COORDINATOR):  # for them it does not exist
        with pytest.raises(NotFound):
            consent.record_consent(session, user(session, email), clip.id, **kwargs)
    assert session.get(Clip, clip.id).consent_state == ConsentState.NOT_RECORDED
    assert events(session, AuditAction.RECORD_CONSENT) == []


# --- the model library's consent gate ----------------------------------------------------------


def test_a_model_clip_joins_the_library_only_once_consent_allows(ctx, session, demo):
    mentor, other = user(session, MENTOR), user(session, OTHER_MENTOR)
    model = ready_clip(session, ctx.storage, MENTOR, kind=ClipKind.MODEL, title="Cold call")

    def share():
        return model_clips.share_model_clip(
            session, mentor, model.id, shareable=True, strand=None, standard=None, phase=None
        )

    with pytest.raises(InvalidInput) as refused:
        share()
    assert refused.value.message == (
        "This clip can go into the model library only once the school has recorded that every "
        "pupil shown has consented, or that no pupil can be identified."
    )
    # Even if it was shared before consent was known, other mentors cannot see or attach it.
    model.shareable = True
    session.commit()
    assert model_clips.model_library(session, other) == []
    with pytest.raises(NotFound):
        visibility.get_visible_clip(session, other, model.id)
    assert not policy.can_attach_model(other, model)
    assert [c.id for c in model_clips.model_library(session, mentor)] == [model.id]  # own
    consent.record_consent(
        session,
        user(session, COORDINATOR),
        model.id,
        lawful_basis=LawfulBasis.PUBLIC_TASK,
        consent_state=ConsentState.NO_PUPILS,
        recorded_by="",
    )
    assert share().shareable
    assert [c.id for c in model_clips.model_library(session, other)] == [model.id]
    assert visibility.get_visible_clip(session, other, model.id).id == model.id
    assert policy.can_attach_model(other, model)
