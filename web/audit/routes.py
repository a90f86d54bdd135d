"""The audit log, for coordinators (their schools) and admins: read-only, filterable."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import auditlog
from service.errors import InvalidInput
from service.models import AuditAction
from web.forms import optional_int
from web.resources import db


def _optional_id(name: str) -> int | None:
    """Read an id filter from the query string: None when not given."""
    refuse = f"The {name} filter must be a number from a link on this page."
    return optional_int(request.args.get(name), refuse=refuse)


def log() -> ResponseReturnValue:
    """Show the audit log the user may see, filtered by clip, person and action."""
    clip_id, person_id = _optional_id("clip"), _optional_id("person")
    raw_action = request.args.get("action") or ""
    if raw_action and raw_action not in {a.value for a in AuditAction}:
        raise InvalidInput("Please choose what happened from the list.")
    page = auditlog.browse(
        db(),
        current_user,
        clip_id=clip_id,
        person_id=person_id,
        action=AuditAction(raw_action) if raw_action else None,
        before_id=_optional_id("before"),
    )
    # The filters are named through the log's own scope: an id from another school names nothing.
    names = auditlog.filter_names(db(), current_user, clip_id=clip_id, person_id=person_id)
    return render_template(
        "audit/log.html",
        page=page,
        actions=list(AuditAction),
        action=raw_action,
        clip_title=names.clip_title,
        clip_id=clip_id,
        person_name=names.person_name,
        person_id=person_id,
        window_minutes=int(auditlog.VIEW_WINDOW.total_seconds() // 60),
    )
