"""Clips, comments and the coaching record: who may see and do what."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    Comment,
    HighlightCut,
    Mentorship,
    Role,
    School,
    User,
)
from service.policy.privacy import SHAREABLE_CONSENT, consent_allows_sharing, shared_with
from service.policy.roles import (
    audited_school_ids,
    mentors,
    reviewed_mentor_ids,
    reviews_ect,
    teaching_school_ids,
)

# Which kinds of clip each role may upload.
UPLOAD_KINDS: dict[Role, tuple[ClipKind, ...]] = {
    Role.ECT: (ClipKind.LESSON, ClipKind.REHEARSAL),
    Role.MENTOR: (ClipKind.MODEL,),
}


def upload_kinds(user: User) -> tuple[ClipKind, ...]:
    """Return the kinds of clip the user may upload (empty if none)."""
    kinds: list[ClipKind] = []
    for role in user.roles:
        kinds.extend(k for k in UPLOAD_KINDS.get(role, ()) if k not in kinds)
    return tuple(kinds)


def can_upload(user: User) -> bool:
    """Say whether the user may upload clips at all."""
    return bool(upload_kinds(user))


def _mentors_owner(user: User) -> ColumnElement[bool]:
    return exists(
        select(Mentorship.id).where(
            Mentorship.mentor_id == user.id,
            Mentorship.ect_id == Clip.owner_id,
            Mentorship.school_id == Clip.school_id,
            Mentorship.ended_on.is_(None),
        )
    )


def clip_visibility(user: User, *, shares: bool = True) -> ColumnElement[bool]:
    """Return a WHERE clause selecting exactly the clips the user may see.

    ``shares=False`` leaves out the clips lent to the user: what their role alone shows them.
    """
    if not user.is_active:
        return false()
    if user.has_role(Role.ADMIN):
        return true()
    conditions: list[ColumnElement[bool]] = [Clip.owner_id == user.id]
    # A highlight shows the lesson it was cut from: that lesson's teacher always sees it.
    conditions.append(
        Clip.id.in_(select(HighlightCut.clip_id).where(HighlightCut.source_owner_id == user.id))
    )
    if user.has_role(Role.MENTOR):
        conditions.append(_mentors_owner(user))
    school_ids = user.school_ids(Role.COORDINATOR)
    trust_ids = user.trust_ids(Role.COORDINATOR)
    if school_ids:
        conditions.append(Clip.school_id.in_(school_ids))
    if trust_ids:
        conditions.append(
            Clip.school_id.in_(select(School.id).where(School.trust_id.in_(trust_ids)))
        )
    # Model clips show a mentor teaching: one its owner shared is visible to the school's
    # teachers (once the school has recorded consent that allows it), and one attached to an
    # ECT's step to that ECT, on the same condition.
    teaching_schools = teaching_school_ids(user)
    if teaching_schools:
        conditions.append(
            and_(
                Clip.kind == ClipKind.MODEL,
                Clip.shareable.is_(True),
                Clip.consent_state.in_(SHAREABLE_CONSENT),
                Clip.school_id.in_(teaching_schools),
            )
        )
    # A clip its ECT lent to this user, while the share lasts and consent allows it.
    if shares:
        conditions.append(shared_with(user))
    if user.has_role(Role.ECT):
        attached = select(ActionStep.model_clip_id).where(ActionStep.ect_id == user.id)
        conditions.append(
            and_(
                Clip.kind == ClipKind.MODEL,
                Clip.consent_state.in_(SHAREABLE_CONSENT),
                Clip.id.in_(attached),
            )
        )
    if user.has_role(Role.REVIEWER):
        reviewed = reviewed_mentor_ids(user)
        conditions.append(
            exists(
                select(Mentorship.id).where(
                    Mentorship.mentor_id.in_(reviewed),
                    Mentorship.ect_id == Clip.owner_id,
                    Mentorship.school_id == Clip.school_id,
                    Mentorship.ended_on.is_(None),
                )
            )
        )
        conditions.append(and_(Clip.kind == ClipKind.MODEL, Clip.owner_id.in_(reviewed)))
    return or_(*conditions)


def can_view_clip(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may see this clip."""
    query = select(Clip.id).where(and_(Clip.id == clip.id, clip_visibility(user)))
    return session.scalar(query) is not None


def can_comment(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may add feedback to this clip (its owner and the owner's mentor)."""
    if not user.is_active:
        return False
    if clip.owner_id == user.id:
        return True
    if not user.has_role(Role.MENTOR):
        return False
    query = select(Clip.id).where(Clip.id == clip.id, _mentors_owner(user))
    return session.scalar(query) is not None


def can_cut_highlight(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may cut a highlight from this clip (its owner, the owner's mentor)."""
    # The two who coach on the clip: the same two who may comment on it.
    return can_comment(session, user, clip)


def can_manage_clip(user: User, clip: Clip) -> bool:
    """Say whether the user may rename, re-file or delete this clip (its owner, nobody else)."""
    return user.is_active and clip.owner_id == user.id


def can_edit_comment(user: User, comment: Comment) -> bool:
    """Say whether the user may edit or delete this comment (its author only)."""
    return user.is_active and comment.author_id == user.id


def can_mark_seen(user: User, clip: Clip) -> bool:
    """Say whether the user may mark feedback on this clip as seen (the clip's owner only)."""
    return user.is_active and clip.owner_id == user.id


def can_view_coaching(session: Session, user: User, ect: User) -> bool:
    """Say whether the user may see an ECT's steps and session records.

    The ECT themselves, their current mentor, that mentor's reviewer, a coordinator of their
    school or trust, and an admin.
    """
    if not user.is_active:
        return False
    if user.has_role(Role.ADMIN) or user.id == ect.id and user.has_role(Role.ECT):
        return True
    ect_schools = set(ect.school_ids(Role.ECT))
    if not ect_schools:
        return False
    if mentors(session, user, ect.id):
        return True
    if user.has_role(Role.REVIEWER) and reviews_ect(session, user, ect.id):
        return True
    # Only the schools where the user is a coordinator: a coordinator elsewhere who is, say, a
    # reviewer in the ECT's school sees nothing more here than that reviewer role allows.
    return bool(ect_schools & set(audited_school_ids(session, user)))


def can_attach_model(mentor: User, clip: Clip) -> bool:
    """Say whether a mentor may attach this model clip to a step (the ECT will see it).

    A model clip whose consent state allows sharing: the mentor's own, or one shared in the
    library of a school where they are a mentor.
    """
    if not mentor.is_active or clip.kind != ClipKind.MODEL or not consent_allows_sharing(clip):
        return False
    if clip.owner_id == mentor.id:
        return True
    return clip.shareable and clip.school_id in mentor.school_ids(Role.MENTOR)


def can_read_feedback(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may read the feedback on a clip they may see.

    Everyone who sees the clip through their role; a colleague it is lent to only when its
    ECT chose to share the feedback with it.
    """
    if not user.is_active:
        return False
    seen = or_(clip_visibility(user, shares=False), shared_with(user, with_feedback=True))
    return session.scalar(select(Clip.id).where(Clip.id == clip.id, seen)) is not None


def can_request_blur(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may ask for faces to be blurred (the uploader, their mentor)."""
    # The same two people who may comment.
    return not clip.audio_only and can_comment(session, user, clip)
