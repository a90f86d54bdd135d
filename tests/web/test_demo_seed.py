"""`coachreel seed` / `make demo`: the demo organisation, a processed sample and a history."""

from __future__ import annotations

from datetime import timedelta

from rq import Queue
from sqlalchemy import func, select

from service import policy
from service.coaching.model_clips import model_library
from service.coaching.rehearsals import rehearsal_view
from service.demo.history import GAP_ECT, MISSED_FORMAL_ECT, TALK_SHARING_ECT
from service.induction.terms import SchoolCalendar
from service.models import (
    ActionStep,
    AuditAction,
    AuditEvent,
    Clip,
    ClipKind,
    ClipStatus,
    ClipTalk,
    CoachingSession,
    ConsentState,
    Mentorship,
    Observation,
    ReviewNote,
    School,
    SessionReview,
    StepStatus,
    TranscriptSegment,
    TranscriptStatus,
    User,
)
from web.cli import _seed
from workers.context import use_context
from workers.queues import TRANSCRIBE_QUEUE, job_id


def test_the_demo_has_a_term_of_coaching_with_gaps_to_find(ctx, settings):
    logins = _seed(settings)
    assert len(logins) == 16  # an admin, a trust coordinator, seven people per school
    with ctx.sessions() as session:
        calendar = SchoolCalendar()
        today = calendar.today()
        first_term = calendar.year(calendar.academic_year_of(today))[0]
        ects = session.scalars(select(User).where(User.email.like("ect%"))).all()
        assert len(ects) == 6
        for ect in ects:
            sessions = session.scalars(
                select(CoachingSession.held_on).where(CoachingSession.ect_id == ect.id)
            ).all()
            assert sessions and max(sessions) < today
            active = session.scalars(
                select(ActionStep).where(
                    ActionStep.ect_id == ect.id, ActionStep.status == StepStatus.ACTIVE
                )
            ).all()
            assert len(active) == 1, ect.email
            if ect.email == GAP_ECT:
                assert max(sessions) < today - timedelta(days=21)
            formal = session.scalars(
                select(Observation.observed_on).where(Observation.ect_id == ect.id)
            ).all()
            in_first_term = [d for d in formal if first_term.contains(d)]
            if today >= first_term.starts_on + timedelta(days=21):
                assert (in_first_term == []) == (ect.email == MISSED_FORMAL_ECT), ect.email
        # The coordinator sees why the gaps matter.
        from service.induction import dashboard

        northfield, riverside = session.scalars(select(School).order_by(School.id)).all()
        rows = dashboard.dashboard_rows(session, [northfield, riverside])
        flagged = {r.ect_email: r.reasons for rows_ in rows.values() for r in rows_ if r.reasons}
        assert GAP_ECT in flagged, flagged
        # Each reviewer has annotated each mentor's first sessions; one mentor replied.
        notes = session.scalars(select(ReviewNote)).all()
        assert len(notes) == 4 * 3 and sum(len(n.replies) for n in notes) == 4
        assert session.scalar(select(func.count(SessionReview.id))) == 4 * 2
        # Every demo clip plays from the processed sample's files.
        videos = session.scalars(select(Clip.video_key).where(Clip.status == ClipStatus.READY))
        assert all(ctx.storage.exists(key) for key in set(videos))
        # The sample has no speech, and neither do the lessons that reuse it: no talk figures
        # or transcripts are made up for them. Each waits to be transcribed like any upload.
        assert session.scalars(select(ClipTalk)).all() == []
        assert session.scalars(select(TranscriptSegment)).all() == []
        queued = set(Queue(TRANSCRIBE_QUEUE, connection=ctx.redis).job_ids)
        lessons = session.scalars(select(Clip).where(Clip.title.like("Lesson %"))).all()
        assert len(lessons) == 6 * 4
        for lesson in lessons:
            assert lesson.transcript_status == TranscriptStatus.PENDING
            assert job_id("transcribe-clip", lesson.id) in queued
        # One ECT shares their talk figures with their mentor.
        shared = session.scalars(select(Mentorship).where(Mentorship.talk_shared)).all()
        assert [m.ect.email for m in shared] == [TALK_SHARING_ECT]
        before = session.scalar(select(func.count(CoachingSession.id)))
        clips = session.scalar(select(func.count(Clip.id)))
    _seed(settings)  # a second run adds nothing
    with ctx.sessions() as session:
        assert session.scalar(select(func.count(CoachingSession.id))) == before
        assert session.scalar(select(func.count(Clip.id))) == clips


def test_each_ect_sees_a_model_from_the_library_beside_a_rehearsal(ctx, settings):
    _seed(settings)
    with ctx.sessions() as session:
        steps = session.scalars(
            select(ActionStep).where(ActionStep.status == StepStatus.ACTIVE)
        ).all()
        assert len(steps) == 6
        models = set()
        for step in steps:
            ect, mentor = session.get(User, step.ect_id), session.get(User, step.mentor_id)
            model = session.get(Clip, step.model_clip_id)
            assert model.kind == ClipKind.MODEL and model.status == ClipStatus.READY
            assert model.shareable and model.consent_state == ConsentState.NO_PUPILS
            assert model.school_id == step.school_id and model.strand == step.strand.value
            assert model in model_library(session, mentor)  # in the school's library
            assert policy.can_view_clip(session, ect, model)
            rehearsal = session.scalar(select(Clip).where(Clip.step_id == step.id))
            assert rehearsal.kind == ClipKind.REHEARSAL and rehearsal.attempt == 1
            assert rehearsal.owner_id == ect.id and rehearsal.status == ClipStatus.READY
            view = rehearsal_view(session, ect, rehearsal.id)
            assert view.model == model and view.ticked == {0}
            assert [c.author_id for c in rehearsal.comments] == [mentor.id]
            models.add(model.id)
        # One model per school and step: ECTs working on the same step share it.
        assert 2 <= len(models) <= 6
        # Sharing each into the library went in the audit log, as a mentor's sharing does.
        shared = session.scalars(
            select(AuditEvent).where(AuditEvent.action == AuditAction.PERMISSION_CHANGE)
        ).all()
        assert len(shared) == len(models)
        # They play from the sample's files and wait to be transcribed like every upload.
        queued = set(Queue(TRANSCRIBE_QUEUE, connection=ctx.redis).job_ids)
        rehearsals = set(session.scalars(select(Clip.id).where(Clip.kind == ClipKind.REHEARSAL)))
        for clip_id in models | rehearsals:
            assert job_id("transcribe-clip", clip_id) in queued


def test_the_demo_clips_are_transcribed_and_found_silent(ctx, settings, run_jobs):
    _seed(settings)
    use_context(ctx)  # the seed puts away the context it made; the jobs run in the test's
    run_jobs()  # the worker transcribes the sample and every lesson, as it would any upload
    with ctx.sessions() as session:
        clips = session.scalar(select(func.count(Clip.id)))
        talk = session.scalars(select(ClipTalk)).all()
        models = session.scalar(select(func.count(Clip.id)).where(Clip.kind == ClipKind.MODEL))
        # The sample, four lessons and a rehearsal per ECT, a model per school and step, and
        # a highlight cut from the sample by the sample's ECT's mentor.
        highlights = session.scalar(
            select(func.count(Clip.id)).where(Clip.kind == ClipKind.HIGHLIGHT)
        )
        assert highlights == 1
        assert len(talk) == clips == 1 + 6 * 4 + 6 + models + highlights
        assert not any(t.speech_found for t in talk)  # so no ECT's trends chart a made-up 0
        pending = select(Clip.id).where(Clip.transcript_status != TranscriptStatus.READY)
        assert session.scalars(pending).all() == []
