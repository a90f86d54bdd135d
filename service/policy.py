"""Who may see and do what: the one access policy every query and route goes through.

Rules, in words:
- an ECT sees the clips they uploaded;
- a mentor sees the clips of the ECTs they currently mentor, in the school of the pairing;
- a coordinator sees every clip of their school, or of every school in their trust;
- an admin sees everything;
- a reviewer sees nothing yet (coaching-on-coaching comes later);
- the owner of a clip and the owner's mentor may comment on it; others who may see it only read.

Anyone may see a clip they own. A clip a user may not see does not exist for them: the
routes answer 404, never 403, so its existence is not leaked.
"""

from __future__ import annotations

import enum

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session

from service.models import Clip, ClipKind, Mentorship, Role, School, User


class Action(enum.StrEnum):
    """What a route does, as far as access is concerned."""

    PUBLIC = "public"  # no sign-in needed: the sign-in page, static files, health
    SIGNED_IN = "signed_in"  # any signed-in user; the page shows only what policy allows
    UPLOAD_CLIP = "upload_clip"
    VIEW_CLIP = "view_clip"
    COMMENT_ON_CLIP = "comment_on_clip"


# Every endpoint of the web app must be named here; one that is not is refused (fail closed),
# and the access-matrix test fails until a rule is added.
ENDPOINT_RULES: dict[str, Action] = {
    "static": Action.PUBLIC,
    "auth.login": Action.PUBLIC,
    "auth.logout": Action.SIGNED_IN,
    "main.health": Action.PUBLIC,
    "main.index": Action.SIGNED_IN,
    "clips.index": Action.SIGNED_IN,
    "clips.upload": Action.UPLOAD_CLIP,
    "clips.watch": Action.VIEW_CLIP,
    "clips.status": Action.VIEW_CLIP,
    "clips.video": Action.VIEW_CLIP,
    "clips.poster": Action.VIEW_CLIP,
    "clips.comments": Action.VIEW_CLIP,
    "clips.add_comment": Action.COMMENT_ON_CLIP,
    "clips.transcript": Action.VIEW_CLIP,
    "clips.captions": Action.VIEW_CLIP,
    "clips.transcript_download": Action.VIEW_CLIP,
    "search.index": Action.SIGNED_IN,
}

# Which kinds of clip each role may upload.
UPLOAD_KINDS: dict[Role, tuple[ClipKind, ...]] = {
    Role.ECT: (ClipKind.LESSON, ClipKind.REHEARSAL),
}


def rule_for(endpoint: str | None) -> Action | None:
    """Return the rule for an endpoint, or None when it has none (and must be refused)."""
    return ENDPOINT_RULES.get(endpoint or "")


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


def clip_visibility(user: User) -> ColumnElement[bool]:
    """Return a WHERE clause selecting exactly the clips the user may see."""
    if not user.is_active:
        return false()
    if user.has_role(Role.ADMIN):
        return true()
    conditions: list[ColumnElement[bool]] = [Clip.owner_id == user.id]
    if user.has_role(Role.MENTOR):
        conditions.append(_mentors_owner(user))
    school_ids = [
        m.school_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.school_id is not None
    ]
    trust_ids = [
        m.trust_id
        for m in user.memberships
        if m.role == Role.COORDINATOR and m.trust_id is not None
    ]
    if school_ids:
        conditions.append(Clip.school_id.in_(school_ids))
    if trust_ids:
        conditions.append(
            Clip.school_id.in_(select(School.id).where(School.trust_id.in_(trust_ids)))
        )
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
