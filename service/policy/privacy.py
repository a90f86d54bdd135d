"""Children's privacy: unblurred originals, blurring, consent, retention, shares, settings.

Rules, in words:
- the unblurred rendition and the original upload are seen by the uploader alone;
- while faces are waiting to be blurred (asked for, or required because some pupils have not
  consented), or a finished blur waits for the uploader to check it, everyone but the uploader
  sees the clip's page without its video or poster;
- the uploader and the uploader's mentor may ask for faces to be blurred, and choose the face
  to keep;
- the uploader alone checks a finished blur: watches it, adds or removes areas to blur, has it
  blurred again, and shares it;
- the school records consent: after upload, the consent register is kept by the school's
  coordinators (school or trust) and admins;
- a clip goes past its ECT, mentor and coordinators (the model library, a share) only when
  its consent state allows it;
- an ECT may share their own lesson or rehearsal with one named colleague of the same school
  for a limited time, and revoke it; the colleague sees that clip only while the share lasts,
  and its feedback only when the ECT chose to include it (they do not by default);
- a school's privacy settings, classes and retention list are its coordinators' and admins'.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import Session

from service.models import (
    BlurStatus,
    Clip,
    ClipKind,
    ClipShare,
    ConsentState,
    Role,
    User,
    utcnow,
)
from service.policy.roles import coordinates_school

# The consent states that let a clip go past its ECT, mentor and coordinators.
SHAREABLE_CONSENT = tuple(state for state in ConsentState if state.allows_sharing)


def can_view_original(user: User, clip: Clip) -> bool:
    """Say whether the user may watch the unblurred rendition (the uploader only)."""
    return user.is_active and clip.owner_id == user.id


def can_review_blur(user: User, clip: Clip) -> bool:
    """Say whether the user checks and touches up the clip's blur (the uploader only)."""
    return user.is_active and clip.owner_id == user.id and not clip.audio_only


def blur_pending(clip: Clip) -> bool:
    """Say whether faces must be blurred before anyone but the uploader sees the video.

    A blur waiting for the uploader's check (``review``) is still pending: the video stays as
    withheld as while it was being made.
    """
    if clip.blur_status == BlurStatus.READY or clip.audio_only:  # sound only: no faces kept
        return False
    if clip.unblurred_video_key is not None:
        return False  # the playable rendition is a blurred one (a newer blur may be running)
    return clip.blur_status is not None or clip.consent_state.requires_blur


def video_withheld(user: User, clip: Clip) -> bool:
    """Say whether this user must not see the clip's video or poster yet."""
    return blur_pending(clip) and not can_view_original(user, clip)


def can_record_consent(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may change a clip's consent record (the school's coordinators)."""
    return coordinates_school(session, user, clip.school_id)


def consent_allows_sharing(clip: Clip) -> bool:
    """Say whether the clip's consent state lets it go into the library or a share."""
    return clip.consent_state.allows_sharing


def can_share_clip(user: User, clip: Clip) -> bool:
    """Say whether the user may lend this clip to a colleague (its ECT, when consent allows)."""
    return (
        user.is_active
        and clip.owner_id == user.id
        and user.has_role(Role.ECT)
        and clip.kind in (ClipKind.LESSON, ClipKind.REHEARSAL)
        and consent_allows_sharing(clip)
    )


def can_manage_shares(user: User, clip: Clip) -> bool:
    """Say whether the user may list and revoke the clip's shares (its owner)."""
    return user.is_active and clip.owner_id == user.id


def shared_with(
    user: User, now: datetime | None = None, *, with_feedback: bool = False
) -> ColumnElement[bool]:
    """Return a WHERE clause for the clips lent to this user by a share still running.

    ``with_feedback=True`` keeps only the shares whose ECT chose to include the feedback.
    """
    now = now or utcnow()
    running = select(ClipShare.id).where(
        ClipShare.clip_id == Clip.id,
        ClipShare.colleague_id == user.id,
        ClipShare.revoked_at.is_(None),
        ClipShare.expires_at > now,
    )
    if with_feedback:
        running = running.where(ClipShare.includes_feedback.is_(True))
    return and_(Clip.consent_state.in_(SHAREABLE_CONSENT), exists(running))


def can_manage_privacy(session: Session, user: User, school_id: int) -> bool:
    """Say whether the user keeps this school's privacy settings, classes and retention."""
    return coordinates_school(session, user, school_id)


def can_extend_retention(session: Session, user: User, clip: Clip) -> bool:
    """Say whether the user may keep a clip past its deletion date (its school's coordinators)."""
    return coordinates_school(session, user, clip.school_id)
