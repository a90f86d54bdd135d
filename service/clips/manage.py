"""An owner manages their clip: renames it, changes its kind or the step it rehearses, and
deletes it (after a page that says what goes with it), or removes a failed upload at once.

Only the clip's owner does any of this: others who may see the clip are refused (403), and
for everyone else it does not exist (404). Deleting goes the one way clips are deleted
(service.clips.removal, which retention uses too): every storage object, then the row with
what follows it, and an audit event.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service import policy
from service.clips import highlights, removal, upload as clips_upload
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, Unavailable
from service.models import (
    ActionStep,
    AuditAction,
    BlurStatus,
    Clip,
    ClipKind,
    ClipShare,
    ClipStatus,
    ClipTalk,
    Comment,
    CriterionCheck,
    Observation,
    TranscriptSegment,
    TranscriptStatus,
    User,
    utcnow,
)
from service.models.coaching import session_clips
from service.storage.base import Storage

NOT_YOURS = "Only the teacher who uploaded this clip can change or delete it."
STORAGE_FAILED = (
    "We could not remove all of this clip's files from storage just now, so the clip is still "
    "here. Please try again in a few minutes."
)


def managed_clip(session: Session, user: User, clip_id: int) -> Clip:
    """Return the clip if the user owns it: 404 if they may not see it, 403 if not theirs."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_manage_clip(user, clip):
        raise Forbidden(NOT_YOURS)
    return clip


# --- renaming, kind and step ------------------------------------------------------------------


@dataclass(frozen=True)
class ClipEdit:
    """What the owner asks to change: a rehearsal's step is None for "not linked"."""

    title: str
    kind: ClipKind
    step_id: int | None = None


def kinds_for(user: User, clip: Clip) -> tuple[ClipKind, ...]:
    """Return the kinds this clip may become: those its owner uploads into its school.

    A highlight stays one, or becomes a model clip where its owner is a mentor of the school.
    """
    if clip.kind == ClipKind.HIGHLIGHT:
        return highlights.highlight_kinds(user, clip)
    return tuple(
        kind
        for kind in policy.upload_kinds(user)
        if clip.school_id in user.school_ids(clips_upload.uploader_role(kind))
    )


def update_clip(session: Session, owner: User, clip_id: int, edit: ClipEdit) -> Clip:
    """Rename the owner's clip, change its kind or the step it rehearses; commit.

    A rehearsal moved to another step becomes that step's next attempt; the ticks its mentor
    gave against the old step's criteria go, since they were about another step.
    """
    clip = managed_clip(session, owner, clip_id)
    if edit.kind not in kinds_for(owner, clip):
        raise InvalidInput(f"This clip cannot become a {edit.kind.label.lower()}.")
    step_id = edit.step_id if edit.kind == ClipKind.REHEARSAL else None
    keep_step = clip.kind == ClipKind.REHEARSAL and step_id == clip.step_id
    # The upload's own checks: a title, and a new step that is the owner's current one.
    details = clips_upload.UploadDetails(
        kind=edit.kind,
        title=edit.title,
        recorded_on=clip.recorded_on,
        filename=clip.original_filename,
        step_id=None if keep_step else step_id,
    )
    title, new_step, attempt = clips_upload.check_details(
        session, owner, details, kinds_for(owner, clip)
    )
    if not keep_step:
        if clip.step_id is not None:
            session.execute(delete(CriterionCheck).where(CriterionCheck.clip_id == clip.id))
        clip.step_id, clip.attempt = new_step, attempt
    clip.title, clip.kind = title, edit.kind
    session.commit()
    return clip


# --- deleting ---------------------------------------------------------------------------------

# The words for each stored object, by the start of its file name under the clip's prefix.
_OBJECT_WORDS = (
    ("original", "the original upload"),
    ("video", "the playable video"),
    ("audio", "the sound recording"),
    ("poster", "the poster image"),
    ("blurred-poster", "the blurred poster"),
    ("blurred", "the blurred video"),
    ("captions", "the captions"),
)


@dataclass(frozen=True)
class DeletionSummary:
    """What deleting a clip takes with it, for the page that asks the owner to confirm."""

    clip: Clip
    comments: int  # feedback and replies
    transcript_segments: int
    captions: bool
    running_shares: int
    talk_figures: bool
    criterion_ticks: int
    meetings: int  # coaching meeting records that list it (they stay, without it)
    observations: int  # observations logged from it (they stay, without the video)
    model_for_steps: int  # action steps that show it as their model clip (they lose it)
    highlights: list[Clip]  # clips cut from it: the owner chooses to keep or delete them
    objects: list[str]  # every storage key that goes
    object_words: list[str]  # those objects in words, each once
    size: int  # their bytes
    busy: str | None  # why it cannot be deleted right now, if it cannot

    @property
    def failed_upload(self) -> bool:
        return self.clip.status == ClipStatus.FAILED


def linked_step(session: Session, clip: Clip) -> ActionStep | None:
    """Return the step a rehearsal is linked to, if any (open or closed)."""
    return session.get(ActionStep, clip.step_id) if clip.step_id is not None else None


def busy_reason(clip: Clip) -> str | None:
    """Say why the clip cannot be deleted right now: a job is writing its files."""
    if clip.status == ClipStatus.PROCESSING:
        return "This clip is being prepared right now. You can delete it once that finishes."
    if clip.transcript_status == TranscriptStatus.PROCESSING:
        return "Its transcript is being made right now. You can delete it once that finishes."
    if clip.blur_status == BlurStatus.PROCESSING:
        return "Faces are being blurred right now. You can delete it once that finishes."
    return None


def _count(session: Session, query) -> int:
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _words(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    for start, words in _OBJECT_WORDS:
        if name.startswith(start):
            return words
    return "other stored files"


def deletion_summary(
    session: Session, storage: Storage, owner: User, clip_id: int
) -> DeletionSummary:
    """Say what deleting the owner's clip would take with it."""
    clip = managed_clip(session, owner, clip_id)
    objects = [key for key in removal.clip_keys(storage, clip) if storage.exists(key)]
    words: list[str] = []
    for key in objects:
        if _words(key) not in words:
            words.append(_words(key))
    return DeletionSummary(
        clip=clip,
        comments=_count(session, select(Comment.id).where(Comment.clip_id == clip.id)),
        transcript_segments=_count(
            session, select(TranscriptSegment.id).where(TranscriptSegment.clip_id == clip.id)
        ),
        captions=clip.captions_key is not None,
        running_shares=_count(
            session,
            select(ClipShare.id).where(
                ClipShare.clip_id == clip.id,
                ClipShare.revoked_at.is_(None),
                ClipShare.expires_at > utcnow(),
            ),
        ),
        talk_figures=session.get(ClipTalk, clip.id) is not None,
        criterion_ticks=_count(
            session, select(CriterionCheck.id).where(CriterionCheck.clip_id == clip.id)
        ),
        meetings=_count(
            session,
            select(session_clips.c.session_id).where(session_clips.c.clip_id == clip.id),
        ),
        observations=_count(session, select(Observation.id).where(Observation.clip_id == clip.id)),
        model_for_steps=_count(
            session, select(ActionStep.id).where(ActionStep.model_clip_id == clip.id)
        ),
        highlights=highlights.highlights_of(session, clip),
        objects=objects,
        object_words=words,
        size=sum(storage.size(key) for key in objects),
        busy=busy_reason(clip),
    )


@dataclass(frozen=True)
class DeletedClip:
    """What was deleted, for the message that says so."""

    clip_id: int
    title: str
    failed_upload: bool
    files: int


def delete_own_clip(
    session: Session,
    storage: Storage,
    owner: User,
    clip_id: int,
    ip: str = "",
    *,
    with_highlights: bool = False,
) -> DeletedClip:
    """Delete the owner's clip with everything that follows it, and record who did; commit.

    ``with_highlights``: the clips cut from it go too (they show the owner's lesson, so its
    owner may remove them whoever cut them); otherwise they stay, saying their source is gone.
    """
    clip = managed_clip(session, owner, clip_id)
    cut_from_it = highlights.highlights_of(session, clip) if with_highlights else []
    for busy in (busy_reason(c) for c in (clip, *cut_from_it)):
        if busy is not None:
            raise InvalidInput(busy)
    files = sum(_delete_highlight(session, storage, owner, c, clip, ip) for c in cut_from_it)
    title = clip.title if len(clip.title) <= 120 else clip.title[:119] + "…"
    gone = DeletedClip(clip.id, clip.title, clip.status == ClipStatus.FAILED, 0)
    what = "Failed upload" if gone.failed_upload else "Clip"
    detail = (
        f"{what} {clip.id} deleted by its owner: “{title}” ({clip.kind.label}, recorded "
        f"{clip.recorded_on.day} {clip.recorded_on:%B %Y}), with its feedback, transcript, "
        "shares and talk figures, and every stored file."
    )
    done = removal.delete_clip(
        session, storage, clip, actor=owner, action=AuditAction.DELETE_CLIP, detail=detail, ip=ip
    )
    if not done.done:
        session.rollback()
        raise Unavailable(STORAGE_FAILED)
    return DeletedClip(gone.clip_id, gone.title, gone.failed_upload, files + len(done.deleted_keys))


def _delete_highlight(
    session: Session, storage: Storage, owner: User, clip: Clip, source: Clip, ip: str
) -> int:
    detail = (
        f"{clip.kind.label} {clip.id} “{clip.title}” deleted with the clip it was cut from, "
        f"“{source.title}”, by that clip's owner."
    )
    done = removal.delete_clip(
        session, storage, clip, actor=owner, action=AuditAction.DELETE_CLIP, detail=detail, ip=ip
    )
    if not done.done:
        session.rollback()
        raise Unavailable(STORAGE_FAILED)
    return len(done.deleted_keys)
