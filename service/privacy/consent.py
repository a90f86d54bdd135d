"""The consent register: each clip's lawful basis, pupils' consent and who recorded it.

The school's coordinators keep it. Recording that some pupils shown have not consented asks
for their faces to be blurred (the blur worker's sweeper picks the request up); until then
only the uploader sees the video.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from service import auditlog, policy
from service.clips import highlights
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput
from service.models import (
    AuditAction,
    BlurStatus,
    Clip,
    ConsentState,
    LawfulBasis,
    School,
    User,
    utcnow,
)
from service.privacy.consent_requests import close_for_clip
from service.privacy.settings import privacy_school

log = logging.getLogger(__name__)

MAX_RECORDED_BY = 200


@dataclass(frozen=True)
class ConsentRegister:
    """A school's clips with their consent records, and how many are in each state."""

    school: School
    clips: list[Clip]
    counts: dict[ConsentState, int]
    state: ConsentState | None  # the filter, if any


def consent_register(
    session: Session, user: User, school_id: int, *, state: ConsentState | None = None
) -> ConsentRegister:
    """List a school's clips with their consent records, newest first, optionally by state."""
    school = privacy_school(session, user, school_id)
    query = (
        select(Clip)
        .where(Clip.school_id == school_id)
        .options(selectinload(Clip.school_class))
        .order_by(Clip.recorded_on.desc(), Clip.id.desc())
    )
    if state is not None:
        query = query.where(Clip.consent_state == state)
    counted = session.execute(
        select(Clip.consent_state, func.count(Clip.id))
        .where(Clip.school_id == school_id)
        .group_by(Clip.consent_state)
    ).all()
    counts = {s: 0 for s in ConsentState}
    counts.update({ConsentState(s): n for s, n in counted})
    return ConsentRegister(school, list(session.scalars(query)), counts, state)


@dataclass(frozen=True)
class ConsentChange:
    """What recording consent did, for the coordinator's message."""

    clip: Clip
    changed: bool
    blur_requested: bool  # faces are now waiting to be blurred because of this change


def _set_consent(
    clip: Clip,
    user: User,
    lawful_basis: LawfulBasis,
    consent_state: ConsentState,
    recorded_by: str,
) -> bool:
    """Write a consent record on the clip; ask for blurring where it is now required."""
    clip.lawful_basis, clip.consent_state, clip.recorded_by = (
        lawful_basis,
        consent_state,
        recorded_by,
    )
    clip.consent_updated_by_id, clip.consent_updated_at = user.id, utcnow()
    if (
        consent_state.requires_blur
        and not clip.audio_only
        and clip.blur_status in (None, BlurStatus.FAILED)
    ):
        clip.blur_status, clip.blur_requested_by_id = BlurStatus.REQUESTED, user.id
        clip.blur_failure_reason = None
        return True
    return False


def record_consent(
    session: Session,
    user: User,
    clip_id: int,
    *,
    lawful_basis: LawfulBasis,
    consent_state: ConsentState,
    recorded_by: str,
    ip: str = "",
) -> ConsentChange:
    """Change a clip's consent record; audit old -> new; ask for blurring where required."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_record_consent(session, user, clip):
        raise Forbidden("Only the school's induction coordinators record consent for its clips.")
    recorded_by = " ".join(recorded_by.split())
    if len(recorded_by) > MAX_RECORDED_BY:
        raise InvalidInput(
            f"Please keep the name of who recorded it under {MAX_RECORDED_BY} characters."
        )
    recorded_by = recorded_by or clip.recorded_by
    changes = []
    if clip.lawful_basis != lawful_basis:
        changes.append(f"lawful basis: {clip.lawful_basis.label} -> {lawful_basis.label}")
    if clip.consent_state != consent_state:
        changes.append(f"consent: {clip.consent_state.label} -> {consent_state.label}")
    if clip.recorded_by != recorded_by:
        changes.append(f"recorded by: {clip.recorded_by or 'not recorded'} -> {recorded_by}")
    blur_requested = False
    if changes:
        blur_requested = _set_consent(clip, user, lawful_basis, consent_state, recorded_by)
        auditlog.record(
            session,
            user,
            AuditAction.RECORD_CONSENT,
            clip_id=clip.id,
            subject_id=clip.owner_id,
            detail=f"{clip.title}: " + "; ".join(changes),
            ip=ip,
        )
        log.info("consent for clip %s recorded by user %s", clip.id, user.id)
        # Its highlights are never more permissive: they follow (their blurs, if now needed,
        # are queued by the sweeper).
        for cut in highlights.highlights_of(session, clip):
            _set_consent(cut, user, lawful_basis, consent_state, recorded_by)
    # Recording consent answers the teacher's request for it, changed or confirmed as it was.
    close_for_clip(session, user, clip, ip=ip)
    session.commit()
    return ConsentChange(clip, bool(changes), blur_requested)
