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
    if auditlog.record_view(db(), current_user, clip, how=how, ip=request_ip()) is not None:
        db().commit()


def request_ip() -> str:
    """The address of the current request, for use cases that record their own events."""
    return request.remote_addr or ""
