"""Model clips: a mentor shares one into the school's model library (a change to who may see
it, so it goes in the audit log), and mentors browse the library by strand, standard and phase."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput
from service.models import (
    TEACHERS_STANDARDS,
    AuditAction,
    Clip,
    ClipKind,
    ClipStatus,
    Strand,
    User,
)

HELD_BACK = (
    "Some of your model clips are not offered here because the school has not recorded "
    "consent that lets them be shown to an ECT: ask your induction coordinator to record it."
)


@dataclass(frozen=True)
class ModelChoices:
    """The model clips a mentor may attach to a step, and why some of their own are missing."""

    offered: list[Clip]
    held_back: list[Clip]  # the mentor's own, whose consent record does not allow it yet
    reason: str = HELD_BACK


NOT_SHAREABLE = (
    "This clip can go into the model library only once the school has recorded that every "
    "pupil shown has consented, or that no pupil can be identified."
)


def share_model_clip(
    session: Session,
    owner: User,
    clip_id: int,
    *,
    shareable: bool,
    strand: str | None,
    standard: int | None,
    phase: str | None,
    ip: str = "",
) -> Clip:
    """Tag a model clip and say whether it appears in the school's model library.

    Sharing or unsharing changes who may see the clip, so it goes in the audit log.
    """
    clip = get_visible_clip(session, owner, clip_id)
    if clip.owner_id != owner.id or clip.kind != ClipKind.MODEL:
        raise Forbidden("Only the mentor who recorded a model clip can share it.")
    if strand is not None and strand not in {s.value for s in Strand}:
        raise InvalidInput("Please choose the ECF strand: behaviour, instruction or subject.")
    if standard is not None and standard not in TEACHERS_STANDARDS:
        raise InvalidInput("Please choose a Teachers' Standard from 1 to 8.")
    if shareable and not policy.consent_allows_sharing(clip):
        raise InvalidInput(NOT_SHAREABLE)
    if clip.shareable != shareable:
        auditlog.record(
            session,
            owner,
            AuditAction.PERMISSION_CHANGE,
            clip_id=clip.id,
            subject_id=owner.id,
            detail=f"{'shared' if shareable else 'unshared'} model clip {clip.title} in school",
            ip=ip,
        )
    clip.shareable = shareable
    clip.strand, clip.standard = strand, standard
    clip.phase = (phase or "").strip()[:100] or None
    session.commit()
    return clip


def model_library(
    session: Session,
    user: User,
    *,
    strand: str | None = None,
    standard: int | None = None,
    phase: str = "",
) -> list[Clip]:
    """List the shared, playable model clips of the user's schools, and the user's own."""
    query = select(Clip).where(
        Clip.kind == ClipKind.MODEL,
        Clip.status == ClipStatus.READY,
        or_(
            Clip.owner_id == user.id,
            (
                Clip.shareable.is_(True)
                & Clip.consent_state.in_(policy.SHAREABLE_CONSENT)
                & Clip.school_id.in_(policy.library_school_ids(session, user))
            ),
        ),
    )
    if strand:
        query = query.where(Clip.strand == strand)
    if standard:
        query = query.where(Clip.standard == standard)
    if phase.strip():
        query = query.where(Clip.phase.ilike(f"%{phase.strip()}%"))
    return list(session.scalars(query.order_by(Clip.created_at.desc())))


def attachable_models(session: Session, mentor: User) -> ModelChoices:
    """List the model clips the mentor may attach to a step, and their own held back for want
    of consent that allows sharing."""
    clips = model_library(session, mentor)
    return ModelChoices(
        offered=[c for c in clips if policy.can_attach_model(mentor, c)],
        held_back=[
            c for c in clips if c.owner_id == mentor.id and not policy.consent_allows_sharing(c)
        ],
    )
