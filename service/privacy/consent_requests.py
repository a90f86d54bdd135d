"""Asking for consent: where a clip cannot be shared for want of a consent record, its teacher
asks the school's coordinators to record it, in one click with an optional message.

At most one request is open per clip (asking again answers with the open one); the
coordinators see the open requests on the consent register, and one closes when a coordinator
records consent for its clip or marks it done. Asking and marking done are audited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from service import auditlog, policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, Clip, ClipStatus, ConsentRequest, User, utcnow
from service.notify import events
from service.privacy.settings import privacy_school

log = logging.getLogger(__name__)

MAX_MESSAGE = 1000
ALREADY_ALLOWED = "This clip's consent record already allows it to be shared."


@dataclass(frozen=True)
class Asked:
    """A request for consent, and whether this ask made it (False: one was already open)."""

    request: ConsentRequest
    created: bool


def open_request(session: Session, clip_id: int) -> ConsentRequest | None:
    """Return the clip's open request for consent, if there is one."""
    return session.scalar(
        select(ConsentRequest).where(
            ConsentRequest.clip_id == clip_id, ConsentRequest.closed_at.is_(None)
        )
    )


def ask_for_consent(
    session: Session, user: User, clip_id: int, message: str = "", *, ip: str = ""
) -> Asked:
    """Ask the clip's school's coordinators to record consent for the user's own clip."""
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_manage_shares(user, clip):
        raise Forbidden("Only the teacher who recorded this clip can ask for its consent.")
    if policy.consent_allows_sharing(clip):
        raise InvalidInput(ALREADY_ALLOWED)
    if clip.status == ClipStatus.FAILED:
        raise InvalidInput("This clip could not be prepared, so there is nothing to share.")
    text = (message or "").strip()
    if len(text) > MAX_MESSAGE:
        raise InvalidInput(f"Please keep the message under {MAX_MESSAGE} characters.")
    existing = open_request(session, clip.id)
    if existing is not None:
        return Asked(existing, False)
    request = ConsentRequest(
        clip_id=clip.id, school_id=clip.school_id, requested_by_id=user.id, message=text
    )
    session.add(request)
    auditlog.record(
        session,
        user,
        AuditAction.ASK_CONSENT,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        detail=f"{clip.title}" + (f": {text}" if text else ""),
        ip=ip,
    )
    try:
        events.consent_requested(session, request)
        session.commit()
    except IntegrityError:  # the same ask, sent twice at once: the other one is open
        session.rollback()
        existing = open_request(session, clip_id)
        if existing is None:
            raise
        return Asked(existing, False)
    log.info("user %s asked for consent to be recorded for clip %s", user.id, clip.id)
    return Asked(request, True)


def open_requests(session: Session, user: User, school_id: int) -> list[ConsentRequest]:
    """The school's open requests for consent, oldest first (for its coordinators)."""
    privacy_school(session, user, school_id)
    return list(
        session.scalars(
            select(ConsentRequest)
            .where(ConsentRequest.school_id == school_id, ConsentRequest.closed_at.is_(None))
            .options(selectinload(ConsentRequest.clip))
            .order_by(ConsentRequest.created_at, ConsentRequest.id)
        )
    )


def close_request(session: Session, user: User, request_id: int, *, ip: str = "") -> ConsentRequest:
    """Mark a request done (a coordinator of its clip's school); done again changes nothing."""
    request = session.get(ConsentRequest, request_id)
    if request is None:
        raise NotFound("We could not find that request.")
    clip = get_visible_clip(session, user, request.clip_id)
    if not policy.can_record_consent(session, user, clip):
        raise Forbidden("Only the school's induction coordinators deal with consent requests.")
    if request.closed_at is None:
        _close(session, user, request, clip, ip=ip)
        session.commit()
    return request


def close_for_clip(session: Session, user: User, clip: Clip, *, ip: str = "") -> bool:
    """Close the clip's open request as consent is recorded for it; the caller commits."""
    request = open_request(session, clip.id)
    if request is None:
        return False
    _close(session, user, request, clip, ip=ip)
    return True


def _close(session: Session, user: User, request: ConsentRequest, clip: Clip, *, ip: str) -> None:
    request.closed_at, request.closed_by_id = utcnow(), user.id
    auditlog.record(
        session,
        user,
        AuditAction.CLOSE_CONSENT_ASK,
        clip_id=clip.id,
        subject_id=request.requested_by_id,
        detail=clip.title,
        ip=ip,
    )
