"""Talk analytics: store each clip's figures, show them to whom policy allows, share them.

The transcription job measures a clip (media_pipeline.analyse_talk, with an optional speaker
split) and saves the figures here. They are the teacher's own (service.policy.talk): the
owner sees them, and a mentor the ECT chose to share them with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from media_pipeline import TalkStats
from service import auditlog, policy
from service.clips import get_visible_clip
from service.errors import NotFound
from service.models import (
    AuditAction,
    Clip,
    ClipStatus,
    ClipTalk,
    Mentorship,
    TranscriptStatus,
    User,
    utcnow,
)

if TYPE_CHECKING:
    from media_pipeline import SpeakerSplit

NOT_SHARED = "We could not find those talk figures. They are only shown to the teacher, and "
NOT_SHARED += "to a mentor the teacher has shared them with."


def to_detail(stats: TalkStats, split: SpeakerSplit | None, *, voiced: bool) -> dict[str, Any]:
    """The JSON document kept with a clip's figures (times in seconds, rounded to 10 ms)."""

    def r(value: float) -> float:
        return round(float(value), 2)

    longest = stats.longest_stretch
    return {
        "version": 1,
        "voiced": voiced,  # word timings were cut to the voiced sound (find_voice)
        "duration": r(stats.duration),
        "speech_seconds": r(stats.speech_seconds),
        "silence_seconds": r(stats.silence_seconds),
        "longest_stretch": None if longest is None else [r(longest.start), r(longest.end)],
        "questions": [
            {"start": r(q.start), "end": r(q.end), "text": q.text, "wait": _opt(q.wait)}
            for q in stats.questions
        ],
        "words": stats.words,
        "words_per_minute_overall": r(stats.words_per_minute_overall),
        "timeline": [[r(s.start), r(s.end), s.kind] for s in stats.timeline],
        "speakers": None
        if split is None
        else {
            "method": split.method,
            "reason": split.reason,
            "teacher_seconds": r(split.teacher_seconds),
            "pupil_seconds": r(split.pupil_seconds),
            "spans": [[r(a), r(b), kind] for a, b, kind in split.spans],
        },
    }


def _opt(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def save_talk(
    session: Session,
    clip_id: int,
    stats: TalkStats,
    split: SpeakerSplit | None = None,
    *,
    voiced: bool = False,
) -> ClipTalk | None:
    """Replace a clip's talk figures (re-running gives the same row); None if the clip is gone."""
    if session.get(Clip, clip_id) is None:
        return None
    row = session.get(ClipTalk, clip_id) or ClipTalk(clip_id=clip_id)
    row.computed_at = utcnow()
    row.duration = float(stats.duration)
    row.speech_share = float(stats.speech_share)
    row.longest_stretch = float(stats.longest_stretch.seconds) if stats.longest_stretch else 0.0
    row.questions = len(stats.questions)
    row.median_wait = _opt(stats.median_wait)
    row.words_per_minute = float(stats.words_per_minute_speaking)
    row.teacher_share = None if split is None else split.teacher_share
    row.detail = to_detail(stats, split, voiced=voiced)
    session.add(row)
    session.commit()
    return row


@dataclass(frozen=True)
class TalkPanel:
    """What the clip page's talk panel shows: the figures, or why there are none yet."""

    talk: ClipTalk | None
    shared_with: tuple[str, ...]  # mentors who see the owner's figures (for the owner's eyes)
    viewer_is_owner: bool


def panel_for(session: Session, user: User, clip: Clip) -> TalkPanel | None:
    """Return the clip's talk panel for this viewer, or None when they may not see it."""
    if not policy.can_view_talk(session, user, clip):
        return None
    talk = session.get(ClipTalk, clip.id)
    shared = ()
    if clip.owner_id == user.id:
        shared = tuple(
            m.mentor.name for m in policy.talk_pairings(session, user.id) if m.talk_shared
        )
    return TalkPanel(talk=talk, shared_with=shared, viewer_is_owner=clip.owner_id == user.id)


def get_clip_talk(session: Session, user: User, clip_id: int) -> tuple[Clip, ClipTalk | None]:
    """Return a clip and its figures for a viewer allowed to see them; 404 otherwise."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_view_talk(session, user, clip):
        raise NotFound(NOT_SHARED)
    return clip, session.get(ClipTalk, clip.id)


def share_with_mentor(
    session: Session, ect: User, mentorship_id: int, shared: bool, *, ip: str = ""
) -> Mentorship:
    """Let a current mentor of the ECT see (or stop seeing) the ECT's talk figures."""
    pairing = session.scalar(
        select(Mentorship).where(
            Mentorship.id == mentorship_id,
            Mentorship.ect_id == ect.id,
            Mentorship.ended_on.is_(None),
        )
    )
    if pairing is None:
        raise NotFound("We could not find that mentor among your current mentors.")
    if pairing.talk_shared != shared:
        pairing.talk_shared = shared
        auditlog.record(
            session,
            ect,
            AuditAction.SHARE_TALK,
            subject_id=pairing.mentor_id,
            school_id=pairing.school_id,
            detail=("shared talk figures with " if shared else "stopped sharing talk figures with ")
            + pairing.mentor.name,
            ip=ip,
        )
    session.commit()
    return pairing


def clips_without_figures(session: Session) -> list[Clip]:
    """Transcribed clips with no talk figures (transcribed before figures were measured, or
    whose measuring failed), oldest first."""
    return list(
        session.scalars(
            select(Clip)
            .outerjoin(ClipTalk, ClipTalk.clip_id == Clip.id)
            .where(
                Clip.status == ClipStatus.READY,
                Clip.transcript_status == TranscriptStatus.READY,
                ClipTalk.clip_id.is_(None),
            )
            .order_by(Clip.id)
        )
    )
