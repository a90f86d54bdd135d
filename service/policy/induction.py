"""The induction audit: logging observations (the rest is decided by roles)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.models import Role, User
from service.policy.roles import coordinates_school, mentors


def can_log_observation(session: Session, user: User, ect: User) -> bool:
    """Say whether the user may log an observation of this ECT (their mentor, coordinators)."""
    if mentors(session, user, ect.id):
        return True
    schools = ect.school_ids(Role.ECT)
    return any(coordinates_school(session, user, school_id) for school_id in schools)
