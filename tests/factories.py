"""Row and file factories for tests, in one place: the demo's people, clips (uploaded, ready,
with a transcript), real videos made with the bundled ffmpeg and real speech, and clips with
known talk figures."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import media_pipeline
from media_pipeline import Transcript, analyse_talk
from service.clips import blur, lifecycle, transcripts, upload as clips_upload
from service.clips.transcripts import SegmentData
from service.coaching import steps
from service.coaching.meetings import SessionInput, record_session
from service.feedback import comments
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ConsentState,
    Mentorship,
    SchoolClass,
    StepStatus,
    User,
)
from service.review import rubrics
from service.storage import keys
from service.storage.base import Storage
from service.talk.figures import save_talk
from tests.talk_transcripts import make
from workers.talk import talk_figures

# --- people (and the demo's classes) -------------------------------------------------------------


def user(session: Session, email: str) -> User:
    """The user with ``email`` (one of the demo's people, or one a test made)."""
    found = session.scalar(select(User).where(User.email == email))
    assert found is not None, email
    return found


def school_of(session: Session, email: str) -> int:
    """The id of the school of the user's first membership."""
    return user(session, email).memberships[0].school_id


def demo_class(session: Session, name: str) -> SchoolClass:
    """One of the demo's Northfield classes (Year 6 Elm is recorded as sound only)."""
    return session.scalar(select(SchoolClass).where(SchoolClass.name == name))


def mentorship_between(session: Session, ect_email: str, mentor_email: str) -> Mentorship:
    """The mentorship pairing the ECT with the mentor."""
    ect, mentor = user(session, ect_email), user(session, mentor_email)
    return session.scalar(
        select(Mentorship).where(Mentorship.ect_id == ect.id, Mentorship.mentor_id == mentor.id)
    )


# --- clips ---------------------------------------------------------------------------------------


def upload(
    session: Session,
    storage: Storage,
    email: str,
    source: Path | bytes,
    *,
    title: str = "Lesson clip",
    kind: ClipKind = ClipKind.LESSON,
    filename: str = "lesson.mp4",
    step_id: int | None = None,
    consent_state: ConsentState = ConsentState.NOT_RECORDED,
) -> Clip:
    """Register an upload by the user with ``email``, as the upload route does."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")
    with stream:
        return clips_upload.register_upload(
            session,
            storage,
            user(session, email),
            clips_upload.UploadDetails(
                kind, title, date.today(), filename, step_id=step_id, consent_state=consent_state
            ),
            stream,
            max_bytes=2 * 1024**3,
        )


def ready_clip(
    session: Session,
    storage: Storage,
    email: str,
    *,
    kind: ClipKind = ClipKind.LESSON,
    title: str = "Lesson clip",
    step_id: int | None = None,
    duration: float = 30.0,
    video: Path | None = None,
    consent_state: ConsentState = ConsentState.NOT_RECORDED,
    consent_after: ConsentState | None = None,
    captions: bytes | None = None,
    transcript: Sequence[SegmentData] | None = None,
) -> Clip:
    """Register an upload and mark it ready, with ``video`` (or stand-in bytes) as its video.

    ``consent_state`` is the upload's own consent record; ``consent_after`` is set straight on
    the ready clip's row instead, as if recorded later (with no record of who recorded it).
    ``captions`` (WebVTT bytes) are stored as its captions file, and ``transcript``'s segments
    saved as its English transcript (with those captions, if any).
    """
    clip = upload(
        session,
        storage,
        email,
        b"original",
        title=title,
        kind=kind,
        step_id=step_id,
        consent_state=consent_state,
    )
    if video is not None:
        storage.put_file(keys.video_key(clip.id), video)
    else:
        storage.put_stream(keys.video_key(clip.id), io.BytesIO(b"video bytes"))
    storage.put_stream(keys.poster_key(clip.id), io.BytesIO(b"poster bytes"))
    lifecycle.mark_ready(
        session,
        clip.id,
        video=keys.video_key(clip.id),
        poster=keys.poster_key(clip.id),
        duration=duration,
        width=320,
        height=240,
        method="remux",
    )
    if consent_after is not None:
        clip.consent_state = consent_after
        session.commit()
    if captions is not None:
        storage.put_stream(keys.captions_key(clip.id), io.BytesIO(captions))
    if transcript is not None:
        transcripts.save_transcript(
            session,
            clip.id,
            transcript,
            language="en",
            captions=keys.captions_key(clip.id) if captions is not None else None,
        )
    return clip


def finish_blur(
    session: Session, storage: Storage, clip_id: int, *, face_strip: Sequence[int] = (1, 0, 2)
) -> Clip:
    """Finish a requested blur as the blur job does, with stand-in bytes as the blurred video.

    The blurred video and poster go beside the ones being shown; the school's setting says
    whether the result waits for the uploader's check.
    """
    session.expire_all()  # as the job's own session would, see what others changed
    clip = blur.mark_blurring(session, clip_id)
    assert clip is not None, "no blur was waiting"
    video = keys.blur_key(clip_id, besides=clip.video_key)
    poster = keys.blurred_poster_key(clip_id, besides=clip.poster_key)
    storage.put_stream(video, io.BytesIO(f"blurred video {video}".encode()))
    storage.put_stream(poster, io.BytesIO(b"blurred poster"))
    done = blur.mark_blurred(session, clip_id, video=video, poster=poster, face_strip=face_strip)
    assert done is not None
    return done


# --- real video and speech -----------------------------------------------------------------------


def generated_clip(path: Path, **kwargs) -> Path:
    """Make a small real video (testsrc2 + a tone) at ``path``."""
    media_pipeline.make_test_clip(path, **kwargs)
    return path


LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def librivox_reference() -> list[tuple[Path, str]]:
    """The LibriVox recordings from Debian's pocketsphinx-testdata, with what is said in each."""
    if not LIBRIVOX.is_dir():
        pytest.fail(
            f"real speech tests need Debian's pocketsphinx-testdata at {LIBRIVOX}: run make "
            "test, which installs it, or: sudo apt-get install -y pocketsphinx-testdata",
            pytrace=False,
        )
    pairs = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        # "<s> words words </s> (file-id)"
        match = re.match(r"\s*(?:<s>)?(.*?)(?:</s>)?\s*\(([^)]+)\)\s*$", line)
        if match:
            wav = LIBRIVOX / f"{match.group(2)}.wav"
            if wav.exists():
                pairs.append((wav, match.group(1).strip().lower()))
    return pairs


def speech_clip(path: Path, wavs: list[Path], *, silence_after: float = 0.5) -> Path:
    """Mux real speech recordings, one after another, under a generated test-pattern video."""
    ffmpeg = media_pipeline.ffmpeg_binary()
    inputs: list[str] = []
    for wav in wavs:
        inputs += ["-i", str(wav)]
    pad = f"apad=pad_dur={silence_after}"
    chain = "".join(f"[{i}:a]aresample=16000,{pad}[a{i}];" for i in range(len(wavs)))
    chain += "".join(f"[a{i}]" for i in range(len(wavs))) + f"concat=n={len(wavs)}:v=0:a=1[aout]"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            *inputs,
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
            "-filter_complex",
            chain,
            "-map",
            f"{len(wavs)}:v",
            "-map",
            "[aout]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            "-movflags",
            "+faststart",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


# --- talk figures --------------------------------------------------------------------------------


def lesson_transcript(duration: float, questions: int, wait: float | None) -> Transcript:
    """``questions`` questions, 10 s apart, each answered after ``wait`` seconds; with no wait,
    one statement and no question (so the clip has no median wait)."""
    if wait is None:
        return make(duration, [(0.0, 0.5, "Good"), (0.6, 1.0, "morning.")])
    segments = []
    for n in range(questions):
        t = n * 10.0
        segments.append([(t, t + 0.5, "Why"), (t + 0.6, t + 1.0, "not?")])
        answer = t + 1.0 + wait
        segments.append([(answer, answer + 0.5, "Because"), (answer + 0.6, answer + 1.0, "so.")])
    return make(duration, *segments)


def talk_clip(
    session: Session,
    storage: Storage,
    email: str,
    recorded_on: date,
    *,
    title: str = "Lesson",
    kind: ClipKind = ClipKind.LESSON,
    duration: float = 60.0,
    questions: int = 1,
    wait: float | None = 1.0,
) -> Clip:
    """A ready clip of the user's, recorded on that day, with its talk figures saved."""
    clip = ready_clip(session, storage, email, title=title, kind=kind, duration=duration)
    clip.recorded_on = recorded_on
    session.commit()
    stats = analyse_talk(lesson_transcript(duration, questions, wait))
    assert save_talk(session, clip.id, talk_figures(stats)) is not None
    return clip


def step_on(session: Session, mentor_email: str, ect_id: int, title: str, day: date) -> ActionStep:
    """An action step the mentor set for the ECT, dated as if set at 9am on ``day`` (the step
    before it, if any, met)."""
    mentor = user(session, mentor_email)
    data = steps.StepInput(title, "", ["Count to three in your head"], "instruction", 4)
    step = steps.set_action_step(session, mentor, ect_id, data, current_outcome=StepStatus.MET)
    step.created_at = datetime.combine(day, time(9, 0), tzinfo=UTC)  # 9 or 10am in England
    session.commit()
    return step


def base_day() -> date:
    return date.today() - timedelta(days=40)


def review_cycle(session: Session, storage: Storage) -> dict[str, int]:
    """Record mentor1's meeting with ect1 on an observed lesson with the mentor's comment, ready
    for a reviewer's notes; return the ids a review test needs."""
    mentor_email, ect_email = "mentor1@northfield.example", "ect1@northfield.example"
    mentor, ect = user(session, mentor_email), user(session, ect_email)
    step = steps.set_action_step(
        session,
        mentor,
        ect.id,
        steps.StepInput(
            "Cold call after a pause", "Everyone thinks", ["Pause 3 s"], "instruction", 2
        ),
    )
    lesson = ready_clip(session, storage, ect_email, title="Tuesday maths", duration=600.0)
    comment = comments.add_comment(session, mentor, lesson.id, at_seconds=75, body="Nice pause")
    record = record_session(
        session,
        mentor,
        ect.id,
        SessionInput(
            held_on=date.today() - timedelta(days=1),
            praise="Good routine",
            step_id=step.id,
            practice_rounds=1,
            observation_clip_ids=[lesson.id],
        ),
    )
    trust_id = rubrics.trust_of_school(session, record.school_id)
    item = rubrics.rubric_for(session, trust_id)[0]
    return {
        "trust": trust_id,
        "session": record.id,
        "step": step.id,
        "clip": lesson.id,
        "comment": comment.id,
        "item": item.id,
        "ect": ect.id,
        "mentor": mentor.id,
    }
