"""The audit log, for coordinators (their schools) and admins: read-only, filterable."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from service import auditlog
from service.errors import InvalidInput
from service.models import AuditAction, Clip, User
from web.resources import db

bp = Blueprint("audit", __name__, url_prefix="/audit-log")


def _optional_id(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"The {name} filter must be a number from a link on this page.")
    return int(raw)


@bp.get("/")
def log():  # noqa: ANN201
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
    return render_template(
        "audit/log.html",
        page=page,
        actions=list(AuditAction),
        action=raw_action,
        clip=db().get(Clip, clip_id) if clip_id else None,
        clip_id=clip_id,
        person=db().get(User, person_id) if person_id else None,
        person_id=person_id,
    )
