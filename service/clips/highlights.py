"""Highlights: a moment cut out of a clip into a clip of its own.

A mentor builds their model library, and an ECT keeps their best moments, from real lessons.
The teacher of a clip and their mentor may cut from it (the two who may comment on it). The
new clip is made by the processing worker: it cuts the part out of the source's playable video
(the blurred one where faces were blurred), then prepares it as any upload. It keeps the
source's privacy record, never more permissive: its consent record, class, lawful basis and
deletion date are the source's, and the teacher whose lesson it shows always sees it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.transcripts import SegmentData, save_transcript, stamp
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput
from service.models import (
    AuditAction,
    BlurStatus,
    Clip,
    ClipKind,
    ClipStatus,
    Comment,
    HighlightCut,
    Role,
    TranscriptSegment,
    TranscriptStatus,
    User,
    utcnow,
)
from service.storage.keys import original_key

SHORTEST = 1.0  # seconds
MAX_TITLE = 200
NOT_YOURS = "Only the clip's teacher and their mentor can cut highlights from it."
NOT_READY = "You can cut highlights from this clip once it is ready to watch."
BLURRING = (
    "Faces in this clip are still being blurred. You can cut highlights from it once the "
    "blurred video is shared."
)


@dataclass(frozen=True)
class HighlightRequest:
    """What the person cutting chose."""

    start: float
    end: float
    title: str
    kind: ClipKind = ClipKind.HIGHLIGHT
    with_comments: bool = True
    with_transcript: bool = True
    exact: bool = False


def highlight_kinds(user: User, source: Clip) -> tuple[ClipKind, ...]:
    """The kinds a cut may be: a highlight, or a model clip for a mentor of the school."""
    if source.school_id in user.school_ids(Role.MENTOR):
        return (ClipKind.HIGHLIGHT, ClipKind.MODEL)
    return (ClipKind.HIGHLIGHT,)


def can_cut(session: Session, user: User, source: Clip) -> bool:
    """Say whether the user may cut highlights from this clip they may see."""
    return policy.can_cut_highlight(session, user, source)


def _check(session: Session, user: User, source: Clip, request: HighlightRequest) -> str:
    if not can_cut(session, user, source):
        raise Forbidden(NOT_YOURS)
    if source.status != ClipStatus.READY or source.video_key is None or not source.duration:
        raise InvalidInput(NOT_READY)
    if source.blur_status in (BlurStatus.REQUESTED, BlurStatus.PROCESSING, BlurStatus.REVIEW):
        raise InvalidInput(BLURRING)
    if policy.video_withheld(user, source):
        raise InvalidInput(BLURRING)
    errors = []
    if not 0 <= request.start < source.duration:
        errors.append(
            f"Please start the highlight within the clip (00:00 to {stamp(source.duration)})."
        )
    elif not request.start < request.end <= source.duration + 0.5:
        errors.append("Please end the highlight after its start and within the clip.")
    elif request.end - request.start < SHORTEST:
        errors.append("Please make the highlight at least a second long.")
    title = " ".join(request.title.split())
    if not title:
        errors.append("Please give the highlight a title.")
    elif len(title) > MAX_TITLE:
        errors.append(f"Please keep the title under {MAX_TITLE} characters.")
    if request.kind not in highlight_kinds(user, source):
        errors.append("You cannot save a highlight as that kind of clip.")
    if errors:
        raise InvalidInput(" ".join(errors))
    return title


def cut_highlight(
    session: Session, user: User, source_id: int, request: HighlightRequest, ip: str = ""
) -> Clip:
    """Record a highlight to be cut from a clip; the worker cuts it. Commit, return it."""
    source = get_visible_clip(session, user, source_id)
    title = _check(session, user, source, request)
    end = min(request.end, source.duration or request.end)
    clip = Clip(
        owner_id=user.id,
        school_id=source.school_id,
        kind=request.kind,
        title=title,
        recorded_on=source.recorded_on,
        status=ClipStatus.UPLOADED,
        original_key="",
        original_filename=f"{source.title[:250]} {stamp(request.start)}-{stamp(end)}.mp4",
        original_size=0,
        # The source's privacy record, as it stands: never more permissive than the source.
        class_id=source.class_id,
        lawful_basis=source.lawful_basis,
        consent_state=source.consent_state,
        recorded_by=source.recorded_by,
        consent_updated_by_id=source.consent_updated_by_id,
        consent_updated_at=source.consent_updated_at,
        audio_only=source.audio_only,
        retain_until=source.retain_until,
        retention_reason=source.retention_reason,
    )
    if source.blur_status == BlurStatus.READY:
        clip.blur_status = BlurStatus.READY  # cut from the blurred video: no unblurred one
    elif source.consent_state.requires_blur and not source.audio_only:
        clip.blur_status, clip.blur_requested_by_id = BlurStatus.REQUESTED, user.id
    session.add(clip)
    session.flush()
    clip.original_key = original_key(clip.id)
    session.add(
        HighlightCut(
            clip_id=clip.id,
            source_clip_id=source.id,
            source_owner_id=source.owner_id,
            source_title=source.title,
            start=request.start,
            end=end,
            exact=request.exact,
            with_comments=request.with_comments,
            with_transcript=request.with_transcript
            and source.transcript_status == TranscriptStatus.READY,
            cut_by_id=user.id,
        )
    )
    auditlog.record(
        session,
        user,
        AuditAction.CUT_HIGHLIGHT,
        clip_id=source.id,
        subject_id=source.owner_id,
        school_id=source.school_id,
        detail=(
            f"{clip.kind.label} “{title}” cut from “{source.title}”, "
            f"{stamp(request.start)}–{stamp(end)}"
        ),
        ip=ip,
    )
    session.commit()
    return clip


# --- what the worker reads and records ----------------------------------------------------------


@dataclass(frozen=True)
class PendingCut:
    """What the worker needs to cut a highlight that is not cut yet."""

    clip_id: int
    source_video_key: str | None  # None: the source was deleted before the cut
    audio_only: bool
    start: float
    end: float
    exact: bool


def pending_cut(session: Session, clip_id: int) -> PendingCut | None:
    """Return the cut still to make for this clip, or None (not a highlight, or already cut)."""
    cut = session.get(HighlightCut, clip_id)
    if cut is None or cut.cut_at is not None:
        return None
    source = cut.source
    usable = source is not None and source.status == ClipStatus.READY
    return PendingCut(
        clip_id=clip_id,
        source_video_key=source.video_key if usable and source else None,
        audio_only=cut.clip.audio_only,
        start=cut.start,
        end=cut.end,
        exact=cut.exact,
    )


def carried_segments(session: Session, clip_id: int, start: float, end: float) -> list[SegmentData]:
    """The source's transcript lines inside the cut, moved to the highlight's time (or none)."""
    cut = session.get(HighlightCut, clip_id)
    if cut is None or not cut.with_transcript or cut.source_clip_id is None:
        return []
    rows = session.scalars(
        select(TranscriptSegment)
        .where(
            TranscriptSegment.clip_id == cut.source_clip_id,
            TranscriptSegment.end > start,
            TranscriptSegment.start < end,
        )
        .order_by(TranscriptSegment.position)
    )
    length = end - start
    return [
        SegmentData(
            start=max(0.0, row.start - start),
            end=min(length, row.end - start),
            text=row.text,
            words=[
                (max(0.0, a - start), min(length, b - start), w)
                for a, b, w in (row.words or [])
                if b > start and a < end
            ],
        )
        for row in rows
    ]


def record_cut(
    session: Session,
    clip_id: int,
    *,
    start: float,
    duration: float,
    size: int,
    segments: Sequence[SegmentData] = (),
    captions: str | None = None,
) -> None:
    """Save a made cut in one commit: where it starts, its size, its comments and transcript."""
    cut = session.get(HighlightCut, clip_id)
    clip = session.get(Clip, clip_id)
    if cut is None or clip is None or cut.cut_at is not None:
        return
    end = start + duration
    if cut.with_comments and cut.source_clip_id is not None:
        _carry_comments(session, cut.source_clip_id, clip_id, start, end)
    cut.start, cut.end, cut.cut_at = start, end, utcnow()
    clip.original_size = size
    if cut.with_transcript:
        # Saved now, so the transcript stage finds it ready and the words are never lost.
        language = cut.source.transcript_language if cut.source is not None else None
        save_transcript(session, clip_id, segments, language=language, captions=captions)
    session.commit()


def _carry_comments(session: Session, source_id: int, clip_id: int, start: float, end: float):
    """Copy the source's comments inside the cut (with their replies), moved to its time."""
    top = session.scalars(
        select(Comment)
        .where(
            Comment.clip_id == source_id,
            Comment.parent_id.is_(None),
            Comment.deleted_at.is_(None),
            Comment.at_seconds >= start,
            Comment.at_seconds <= end,
        )
        .order_by(Comment.at_seconds, Comment.id)
    )
    for comment in list(top):
        copy = _copy(comment, clip_id, at=comment.at_seconds - start)
        if comment.end_seconds is not None:
            copy.end_seconds = min(comment.end_seconds, end) - start
        session.add(copy)
        session.flush()
        for reply in comment.replies:
            if reply.deleted_at is None:
                session.add(_copy(reply, clip_id, at=copy.at_seconds, parent_id=copy.id))


def _copy(comment: Comment, clip_id: int, *, at: float, parent_id: int | None = None) -> Comment:
    return Comment(
        clip_id=clip_id,
        author_id=comment.author_id,
        parent_id=parent_id,
        kind=comment.kind,
        at_seconds=at,
        body=comment.body,
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        seen_at=comment.seen_at,
        seen_by_id=comment.seen_by_id,
    )


# --- what the pages show -------------------------------------------------------------------------


@dataclass(frozen=True)
class CutFrom:
    """Where a highlight came from, as its page says it."""

    source_clip_id: int | None  # None when the viewer may not open the source, or it is gone
    title: str
    start: float
    end: float
    deleted: bool


def cut_from(session: Session, user: User, clip: Clip) -> CutFrom | None:
    """Say where a highlight came from, linking the source only for those who may see it."""
    return cuts_from(session, user, [clip]).get(clip.id)


def cuts_from(session: Session, user: User, clips: Sequence[Clip]) -> dict[int, CutFrom]:
    """Say where each of these clips that is a cut came from, in two queries for them all."""
    cuts = list(
        session.scalars(select(HighlightCut).where(HighlightCut.clip_id.in_([c.id for c in clips])))
    )
    sources = {cut.source_clip_id for cut in cuts if cut.source_clip_id is not None}
    visible = set(
        session.scalars(select(Clip.id).where(Clip.id.in_(sources), policy.clip_visibility(user)))
        if sources
        else ()
    )
    return {
        cut.clip_id: CutFrom(
            source_clip_id=cut.source_clip_id if cut.source_clip_id in visible else None,
            title=cut.source_title,
            start=cut.start,
            end=cut.end,
            deleted=cut.source_clip_id is None,
        )
        for cut in cuts
    }


def highlights_of(session: Session, clip: Clip) -> list[Clip]:
    """The clips cut from this one, oldest first."""
    return list(
        session.scalars(
            select(Clip)
            .join(HighlightCut, HighlightCut.clip_id == Clip.id)
            .where(HighlightCut.source_clip_id == clip.id)
            .order_by(Clip.id)
        )
    )
