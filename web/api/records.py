"""The API's coaching and induction records: action steps, the induction dashboard's rows and
the audit log. Each calls the use case its page calls."""

from __future__ import annotations

from flask_login import current_user

from service import auditlog
from service.coaching import steps
from service.induction import dashboard
from service.models import ActionStep, AuditAction, User
from web.resources import db


def step_data(step: ActionStep) -> dict[str, object]:
    """Describe an action step as the Step schema does."""
    return {
        "id": step.id,
        "ect_id": step.ect_id,
        "mentor_id": step.mentor_id,
        "title": step.title,
        "why": step.why,
        "criteria": list(step.criteria),
        "strand": step.strand.value,
        "standard": step.standard,
        "review_on": step.review_on,
        "status": step.status.value,
        "model_clip_id": step.model_clip_id,
        "created_at": step.created_at,
        "closed_at": step.closed_at,
    }


def list_steps(ect_id: int) -> dict[str, object]:
    """List an ECT's action steps, newest first (the ECT, their mentor, coordinators, admins)."""
    entries = steps.step_timeline(db(), current_user, ect_id)
    return {"steps": [step_data(entry.step) for entry in entries]}


def get_step(step_id: int) -> dict[str, object]:
    """Read one action step."""
    return step_data(steps.get_step(db(), current_user, step_id))


def school_rows(school_id: int) -> dict[str, object]:
    """The induction dashboard of a school the caller audits: one row per ECT."""
    board = dashboard.school_dashboard(db(), current_user, school_id)
    rows = [
        {
            "ect_id": row.ect_id,
            "ect_name": row.ect_name,
            "mentor_name": row.mentor_name,
            "induction_year": row.induction_year,
            "cadence_days": row.cadence_days,
            "last_observation": row.last_observation,
            "last_session": row.last_session,
            "sessions_this_half_term": row.sessions_this_half_term,
            "sessions_expected": row.sessions_expected,
            "formal_this_half_term": row.formal_this_half_term.value,
            "formal_year_done": row.formal_year_done,
            "formal_year_due": row.formal_year_due,
            "step_age_days": row.step_age_days,
            "awaiting_feedback": row.awaiting_feedback,
            "oldest_wait_days": row.oldest_wait_days,
            "overdue": row.overdue,
            "reasons": list(row.reasons),
        }
        for row in board.rows
    ]
    return {
        "school_id": board.school.id,
        "school_name": board.school.name,
        "today": board.today,
        "overdue": board.overdue,
        "rows": rows,
    }


def _person(user: User | None) -> dict[str, object] | None:
    return {"id": user.id, "name": user.name} if user is not None else None


def audit_events(query: dict) -> dict[str, object]:
    """The audit log the caller may read, newest first, a page at a time."""
    action = query.get("action")
    page = auditlog.browse(
        db(),
        current_user,
        clip_id=query.get("clip"),
        person_id=query.get("person"),
        action=AuditAction(action) if action else None,
        before_id=query.get("before"),
    )
    events = [
        {
            "id": event.id,
            "at": event.at,
            "action": event.action.value,
            "actor": _person(event.actor),
            "subject": _person(event.subject),
            "clip_id": event.clip_id,
            "school_id": event.school_id,
            "detail": event.detail,
        }
        for event in page.events
    ]
    return {"events": events, "older": page.older}
