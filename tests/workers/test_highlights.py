"""Highlights cut from a clip: real ffmpeg on a generated lesson, real workers, real Redis.

A mentor or the teacher cuts a part out; the worker cuts it (from a keyframe without
re-encoding, or exactly), carries the comments and transcript lines inside it moved to its
time, and prepares it as any upload. It keeps its source's privacy record and follows it.
"""

from __future__ import annotations

import subprocess

import pytest
from sqlalchemy import select

import media_pipeline
from service.clips import highlights, manage
from service.clips.highlights import HighlightRequest
from service.clips.transcripts import SegmentData
from service.errors import Forbidden, InvalidInput, NotFound
from service.feedback import comments
from service.models import (
    BlurStatus,
    Clip,
    ClipKind,
    ClipStatus,
    Comment,
    ConsentState,
    HighlightCut,
    TranscriptSegment,
    TranscriptStatus,
)
from service.policy import can_view_clip
from service.privacy import consent
from tests.factories import generated_clip, ready_clip, user
from workers.queues import enqueue_processing

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
COORDINATOR, OTHER = "coordinator@northfield.example", "coordinator@riverside.example"
LINES = [
    SegmentData(1.0, 3.0, "Eyes on me, everyone."),
    SegmentData(5.0, 7.5, "Who can tell me why?"),
    SegmentData(8.0, 9.5, "Good, Sam."),
    SegmentData(10.5, 11.5, "Pens down."),
]


@pytest.fixture
def lesson(ctx, session, demo, tmp_path):
    """A ready 12-second lesson with a keyframe every two seconds, feedback and a transcript."""
    raw = generated_clip(tmp_path / "raw.mp4", duration=12)
    video = tmp_path / "lesson.mp4"
    subprocess.run(
        [media_pipeline.ffmpeg_binary(), "-v", "error", "-i", str(raw), "-c:v", "libx264"]
        + ["-g", "50", "-keyint_min", "50", "-sc_threshold", "0", "-c:a", "copy", str(video)],
        check=True,
    )
    clip = ready_clip(
        session,
        ctx.storage,
        ECT,
        title="Y8 fractions",
        duration=12.0,
        video=video,
        transcript=LINES,
    )
    mentor = user(session, MENTOR)
    comments.add_comment(
        session,
        mentor,
        clip.id,
        at_seconds=5.5,
        end_seconds=8.0,
        body="Lovely wait time here",
        kind="praise",
    )
    early = comments.add_comment(session, mentor, clip.id, at_seconds=1.0, body="Before the cut")
    inside = comments.add_comment(
        session, user(session, ECT), clip.id, at_seconds=7.0, body="I was nervous"
    )
    comments.reply_to_comment(session, mentor, clip.id, inside.id, body="It did not show")
    assert early.id
    return clip


def _cut(session, email, clip_id, **kwargs) -> Clip:
    request = HighlightRequest(**{"start": 5.2, "end": 9.0, "title": "Wait time", **kwargs})
    return highlights.cut_highlight(session, user(session, email), clip_id, request)


def _done(ctx, run_jobs, clip: Clip) -> Clip:
    enqueue_processing(ctx.redis, clip.id, stale_after=ctx.stale_after)
    run_jobs()
    with ctx.sessions() as fresh:
        return fresh.get(Clip, clip.id)


def test_a_mentor_cuts_a_model_from_a_lesson_with_its_feedback_and_transcript(
    ctx, session, lesson, run_jobs, tmp_path
):
    clip = _cut(session, MENTOR, lesson.id, kind=ClipKind.MODEL, title="Wait time, modelled")
    assert clip.status == ClipStatus.UPLOADED and clip.owner_id == user(session, MENTOR).id
    done = _done(ctx, run_jobs, clip)
    assert done.status == ClipStatus.READY, done.failure_reason
    with ctx.sessions() as s:
        cut = s.get(HighlightCut, clip.id)
        # No re-encode: it starts on the keyframe at or before 5.2 s, the one at 4 s.
        assert cut.start == pytest.approx(4.0, abs=0.05) and cut.cut_at is not None
        assert done.duration == pytest.approx(5.0, abs=0.3)
        carried = list(
            s.scalars(select(Comment).where(Comment.clip_id == clip.id).order_by(Comment.id))
        )
        bodies = [(c.body, round(c.at_seconds, 2), c.end_seconds) for c in carried]
        assert ("Lovely wait time here", 1.5, pytest.approx(4.0)) in bodies
        assert ("I was nervous", 3.0, None) in bodies
        assert "Before the cut" not in {c.body for c in carried}
        reply = next(c for c in carried if c.body == "It did not show")
        assert reply.parent_id == next(c.id for c in carried if c.body == "I was nervous")
        lines = list(
            s.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.clip_id == clip.id)
                .order_by(TranscriptSegment.position)
            )
        )
        assert [(line.text, round(line.start, 2)) for line in lines] == [
            ("Who can tell me why?", 1.0),
            ("Good, Sam.", 4.0),
        ]
        assert done.transcript_status == TranscriptStatus.READY and done.transcript_language == "en"
    captions = tmp_path / "captions.vtt"
    ctx.storage.download(done.captions_key, captions)
    assert "Who can tell me why?" in captions.read_text()
    video = tmp_path / "cut.mp4"
    ctx.storage.download(done.video_key, video)
    assert media_pipeline.probe(video).video.codec == "h264"
    # The teacher whose lesson it shows sees it; another school does not.
    with ctx.sessions() as s:
        model = s.get(Clip, clip.id)
        assert can_view_clip(s, user(s, ECT), model)
        assert not can_view_clip(s, user(s, OTHER), model)
        where = highlights.cut_from(s, user(s, ECT), model)
        shown = (where.source_clip_id, where.title, where.deleted)
        assert shown == (lesson.id, "Y8 fractions", False)


def test_an_exact_cut_starts_on_the_chosen_frame_and_can_leave_comments_behind(
    ctx, session, lesson, run_jobs
):
    clip = _cut(session, ECT, lesson.id, exact=True, with_comments=False, with_transcript=False)
    assert clip.kind == ClipKind.HIGHLIGHT
    done = _done(ctx, run_jobs, clip)
    assert done.status == ClipStatus.READY, done.failure_reason
    assert done.duration == pytest.approx(3.8, abs=0.15)
    with ctx.sessions() as s:
        assert s.get(HighlightCut, clip.id).start == pytest.approx(5.2)
        assert s.scalars(select(Comment).where(Comment.clip_id == clip.id)).first() is None
    # Transcribed afresh by the transcript stage (the tone has no words in it).
    assert done.transcript_status in (TranscriptStatus.READY, TranscriptStatus.FAILED)


def test_only_the_teacher_and_their_mentor_cut_and_only_sensible_parts(ctx, session, lesson):
    with pytest.raises(Forbidden):
        _cut(session, COORDINATOR, lesson.id)
    with pytest.raises(NotFound):
        _cut(session, OTHER, lesson.id)
    with pytest.raises(InvalidInput, match="after its start"):
        _cut(session, ECT, lesson.id, start=6.0, end=5.0)
    with pytest.raises(InvalidInput, match="at least a second"):
        _cut(session, ECT, lesson.id, start=6.0, end=6.5)
    with pytest.raises(InvalidInput, match="within the clip"):
        _cut(session, ECT, lesson.id, start=30.0, end=31.0)
    with pytest.raises(InvalidInput, match="kind of clip"):
        _cut(session, ECT, lesson.id, kind=ClipKind.MODEL)  # an ECT saves highlights only
    with pytest.raises(InvalidInput, match="title"):
        _cut(session, ECT, lesson.id, title="   ")
    lesson.blur_status = BlurStatus.REVIEW
    session.commit()
    with pytest.raises(InvalidInput, match="being blurred"):
        _cut(session, ECT, lesson.id)
    assert session.scalars(select(HighlightCut)).first() is None  # nothing half made


def test_a_source_deleted_before_the_cut_fails_the_highlight_with_a_reason(
    ctx, session, lesson, run_jobs
):
    clip = _cut(session, MENTOR, lesson.id)
    manage.delete_own_clip(session, ctx.storage, user(session, ECT), lesson.id)
    done = _done(ctx, run_jobs, clip)
    assert done.status == ClipStatus.FAILED
    assert "deleted before it could be cut" in done.failure_reason


def test_deleting_the_source_keeps_its_highlights_or_takes_them_too(ctx, session, lesson, run_jobs):
    kept = _done(ctx, run_jobs, _cut(session, MENTOR, lesson.id, title="Kept"))
    summary = manage.deletion_summary(session, ctx.storage, user(session, ECT), lesson.id)
    assert [h.id for h in summary.highlights] == [kept.id]
    manage.delete_own_clip(session, ctx.storage, user(session, ECT), lesson.id)
    with ctx.sessions() as s:
        still = s.get(Clip, kept.id)
        assert still is not None and ctx.storage.exists(still.video_key)
        where = highlights.cut_from(s, user(s, ECT), still)
        assert where.deleted and where.source_clip_id is None and where.title == "Y8 fractions"
        assert can_view_clip(s, user(s, ECT), still)  # still their lesson's moment


def test_the_owner_deletes_the_highlights_with_the_source(ctx, session, lesson, run_jobs):
    cut = _done(ctx, run_jobs, _cut(session, MENTOR, lesson.id, title="Goes too"))
    gone = manage.delete_own_clip(
        session, ctx.storage, user(session, ECT), lesson.id, with_highlights=True
    )
    assert gone.files > 0
    with ctx.sessions() as s:
        assert s.get(Clip, cut.id) is None and s.get(HighlightCut, cut.id) is None
    assert not ctx.storage.exists(cut.video_key)


def test_a_highlight_keeps_and_follows_its_sources_consent(ctx, session, lesson, run_jobs):
    lesson.consent_state = ConsentState.ALL_CONSENTED
    session.commit()
    cut = _done(ctx, run_jobs, _cut(session, MENTOR, lesson.id))
    assert cut.consent_state == ConsentState.ALL_CONSENTED
    consent.record_consent(
        session,
        user(session, COORDINATOR),
        lesson.id,
        lawful_basis=lesson.lawful_basis,
        consent_state=ConsentState.SOME_NOT_CONSENTED,
        recorded_by="Office",
    )
    with ctx.sessions() as s:
        now = s.get(Clip, cut.id)
        assert now.consent_state == ConsentState.SOME_NOT_CONSENTED
        assert now.blur_status == BlurStatus.REQUESTED  # its faces are blurred too


def test_a_cut_from_a_blurred_clip_is_blurred(ctx, session, lesson):
    lesson.blur_status = BlurStatus.READY
    lesson.consent_state = ConsentState.SOME_NOT_CONSENTED
    session.commit()
    clip = _cut(session, MENTOR, lesson.id)
    assert clip.blur_status == BlurStatus.READY
    assert clip.consent_state == ConsentState.SOME_NOT_CONSENTED


def test_the_owner_renames_a_highlight_and_it_stays_one(ctx, session, lesson):
    clip = _cut(session, ECT, lesson.id)
    edit = manage.ClipEdit(title="My best wait time", kind=ClipKind.HIGHLIGHT, step_id=None)
    renamed = manage.update_clip(session, user(session, ECT), clip.id, edit)
    assert (renamed.title, renamed.kind) == ("My best wait time", ClipKind.HIGHLIGHT)
    with pytest.raises(InvalidInput, match="cannot become"):
        manage.update_clip(
            session, user(session, ECT), clip.id, manage.ClipEdit("x", ClipKind.LESSON, None)
        )
