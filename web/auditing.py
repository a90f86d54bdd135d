"""Write audit events from views: the signed-in user, and the address the request came from."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from service import auditlog
from service.models import AuditAction, Clip
from web.resources import db


def audit(
    action: AuditAction,
    *,
    clip_id: int | None = None,
    subject_id: int | None = None,
    school_id: int | None = None,
    detail: str = "",
) -> None:
    """Record and commit one event for the current request."""
    auditlog.record(
        db(),
        current_user if current_user.is_authenticated else None,
        action,
        clip_id=clip_id,
        subject_id=subject_id,
        school_id=school_id,
        detail=detail,
        ip=request.remote_addr or "",
    )
    db().commit()


def audit_view(clip: Clip, how: str) -> None:
    """Record that the current user viewed a clip (once per few minutes per clip)."""
    audit_access(clip, AuditAction.VIEW_CLIP, f"{how}: {clip.title}")


def audit_transcript_read(clip: Clip, how: str) -> None:
    """Record that the current user read a clip's words, in whichever form (once per window)."""
    audit_access(clip, AuditAction.DOWNLOAD_TRANSCRIPT, f"{how} of {clip.title}")


def audit_access(clip: Clip, action: AuditAction, detail: str) -> None:
    """Record that the current user read a clip's media or words (once per window).

    A HEAD request reads nothing, so it records nothing; every GET counts, whatever its range.
    """
    if request.method == "HEAD":
        return
    event = auditlog.record_access(db(), current_user, clip, action, detail=detail, ip=request_ip())
    if event is not None:
        db().commit()


def request_ip() -> str:
    """The address of the current request, for use cases that record their own events."""
    return request.remote_addr or ""
