"""Talk analytics: store each clip's figures, show them to whom policy allows, share them.

The transcription job measures a clip (media_pipeline.analyse_talk, with an optional speaker
split), turns what it measured into plain TalkFigures (workers.talk) and saves them here.
They are the teacher's own (service.policy.talk): the owner sees them, and a mentor the ECT
chose to share them with. A clip in which no speech was found has no figures (TalkFigures.silent):
it says so on its page and is left out of trends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import NotFound
from service.models import (
    AuditAction,
    Clip,
    ClipKind,
    ClipStatus,
    ClipTalk,
    Mentorship,
    TranscriptStatus,
    User,
    utcnow,
)

NOT_SHARED = "We could not find those talk figures. They are only shown to the teacher, and "
NOT_SHARED += "to a mentor the teacher has shared them with."


# The kinds of clip whose figures are charted across weeks (service.talk.trends): a teacher's
# own teaching. A mentor's model clips have figures on their page but no trends.
CHARTED_KINDS = (ClipKind.LESSON, ClipKind.REHEARSAL)


@dataclass(frozen=True)
class TalkFigures:
    """A clip's talk figures as plain values (workers.talk.talk_figures makes them); every
    figure is None when no speech was found (``silent``)."""

    duration: float  # seconds
    speech_share: float | None  # of the clip's time, 0 to 1
    longest_stretch: float | None  # seconds of the longest run of talk
    questions: int | None
    median_wait: float | None  # seconds; None when no question was followed by speech
    words_per_minute: float | None  # while speaking
    teacher_share: float | None  # of the talk; None when the speakers were not told apart
    detail: dict[str, Any]  # the JSON document kept with the figures (ClipTalk.detail)

    @classmethod
    def silent(cls, duration: float, detail: dict[str, Any]) -> TalkFigures:
        """The record of a clip measured with no speech found: no figures at all."""
        return cls(duration, None, None, None, None, None, None, detail)


def save_talk(session: Session, clip_id: int, figures: TalkFigures) -> ClipTalk | None:
    """Replace a clip's talk figures (re-running gives the same row); None if the clip is gone."""
    if session.get(Clip, clip_id) is None:
        return None
    row = session.get(ClipTalk, clip_id) or ClipTalk(clip_id=clip_id)
    row.computed_at = utcnow()
    row.duration = figures.duration
    row.speech_share = figures.speech_share
    row.longest_stretch = figures.longest_stretch
    row.questions = figures.questions
    row.median_wait = figures.median_wait
    row.words_per_minute = figures.words_per_minute
    row.teacher_share = figures.teacher_share
    row.detail = figures.detail
    session.add(row)
    session.commit()
    return row


@dataclass(frozen=True)
class TalkPanel:
    """What the clip page's talk panel shows: the figures, or why there are none yet."""

    talk: ClipTalk | None
    shared_with: tuple[str, ...]  # mentors who see the owner's figures (for the owner's eyes)
    viewer_is_owner: bool
    charted: bool = True  # the clip is one of the points of its teacher's trends
    shares: bool = True  # the owner is an ECT, who may share figures with a mentor


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
    return TalkPanel(
        talk=talk,
        shared_with=shared,
        viewer_is_owner=clip.owner_id == user.id,
        charted=clip.kind in CHARTED_KINDS,
        shares=policy.can_share_talk(clip.owner),
    )


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
