"""Retention for coordinators: what a school will lose soon, keeping a clip for longer with a
reason, and recording the day an ECT's induction ended (which starts their clips' clock).

The deleting itself, and the rules, are in service.retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import AuditAction, Clip, Membership, Role, School, User, utcnow
from service.privacy.retention import (
    DELETED_KINDS,
    Due,
    day_text,
    school_today,
    short_title,
    upcoming,
)

MAX_EXTENSION_YEARS = 3
MAX_REASON = 500


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def extend_retention(
    session: Session,
    user: User,
    clip_id: int,
    until: date | None,
    reason: str,
    ip: str = "",
    *,
    now: datetime | None = None,
) -> Clip:
    """Keep a clip past its deletion date until a day, for a reason (its school's coordinators)."""
    clip = extendable_clip(session, user, clip_id)
    if clip.kind not in DELETED_KINDS:
        raise InvalidInput("Model clips are not deleted by the retention policy.")
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(
            "Please say why the clip is being kept, for example “evidence for a review”."
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(f"Please keep the reason under {MAX_REASON} characters.")
    today = school_today(clip.school, now)
    latest = _add_years(today, MAX_EXTENSION_YEARS)
    if until is None:
        raise InvalidInput("Please give the date to keep the clip until.")
    if until <= today:
        raise InvalidInput("The date to keep the clip until must be in the future.")
    if until > latest:
        raise InvalidInput(
            f"A clip can be kept for at most {MAX_EXTENSION_YEARS} years at a time: until "
            f"{day_text(latest)} at the latest. Extend it again nearer the time if it is "
            "still needed."
        )
    clip.retain_until = until
    clip.retention_reason = reason
    clip.retention_extended_by_id = user.id
    auditlog.record(
        session,
        user,
        AuditAction.EXTEND_RETENTION,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=f"Clip {clip.id} “{short_title(clip)}” kept until {day_text(until)}: {reason}",
        ip=ip,
    )
    session.commit()
    return clip


def retention_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose retention the user keeps: other coordinators 404, others 403."""
    if not policy.can_audit(user):
        raise Forbidden("Only induction coordinators and admins manage what is deleted.")
    school = session.get(School, school_id)
    if school is None or not policy.can_manage_privacy(session, user, school_id):
        raise NotFound("We could not find that school.")
    return school


def ect_membership(session: Session, school_id: int, ect_id: int) -> Membership:
    """The ECT's membership of the school (404 when they are not one of its ECTs)."""
    membership = session.scalar(
        select(Membership).where(
            Membership.user_id == ect_id,
            Membership.school_id == school_id,
            Membership.role == Role.ECT,
        )
    )
    if membership is None:
        raise NotFound("We could not find that teacher in this school.")
    return membership


def school_ects(session: Session, school_id: int) -> list[Membership]:
    """The school's ECT memberships, by name."""
    query = (
        select(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.school_id == school_id, Membership.role == Role.ECT)
        .order_by(User.name, User.id)
    )
    return list(session.scalars(query))


def record_induction_completed(
    session: Session,
    user: User,
    ect_id: int,
    school_id: int,
    completed_on: date | None,
    ip: str = "",
    *,
    now: datetime | None = None,
) -> Membership:
    """Record the day an ECT's induction ended (None: not over), which starts the clip clock."""
    school = retention_school(session, user, school_id)
    membership = ect_membership(session, school.id, ect_id)
    today = school_today(school, now)
    if completed_on is not None:
        if completed_on.year < 2000:
            raise InvalidInput("Please give the day the induction ended, after the year 2000.")
        if completed_on > today + timedelta(days=366):
            raise InvalidInput("The end of the induction can be at most a year from today.")
    if membership.induction_completed_on == completed_on:
        return membership
    membership.induction_completed_on = completed_on
    name = membership.user.name
    if completed_on is None:
        detail = f"Induction of {name} recorded as not yet complete: their clips are kept"
    else:
        deleted_from = completed_on + timedelta(days=school.clip_retention_days)
        detail = (
            f"Induction of {name} recorded as completed on {day_text(completed_on)}: their lesson "
            f"and rehearsal clips are deleted from {day_text(deleted_from)} unless kept"
        )
    auditlog.record(
        session,
        user,
        AuditAction.PRIVACY_SETTINGS,
        subject_id=ect_id,
        school_id=school.id,
        detail=detail,
        ip=ip,
    )
    session.commit()
    return membership


def extendable_clip(session: Session, user: User, clip_id: int) -> Clip:
    """Return a clip the user may keep for longer: 404 if they may not see it, else 403."""
    clip = session.get(Clip, clip_id)
    if clip is None or not policy.can_view_clip(session, user, clip):
        raise NotFound("We could not find that clip.")
    if not policy.can_extend_retention(session, user, clip):
        raise Forbidden("Only the school's induction coordinators can keep a clip for longer.")
    return clip


@dataclass(frozen=True)
class EctInduction:
    ect_id: int
    name: str
    completed_on: date | None
    clips_deleted_from: date | None


@dataclass(frozen=True)
class RetentionPage:
    school: School
    today: date
    within_days: int
    due: list[Due]
    ects: list[EctInduction]
    kept: list[Clip]  # extended past today

    @property
    def completed(self) -> list[EctInduction]:
        return [e for e in self.ects if e.completed_on is not None]


def retention_page(
    session: Session,
    user: User,
    school_id: int,
    *,
    now: datetime | None = None,
    within_days: int = 30,
) -> RetentionPage:
    """A school's coming deletions, its ECTs' induction dates and its extended clips."""
    school = retention_school(session, user, school_id)
    now = now or utcnow()
    today = school_today(school, now)
    ects = [
        EctInduction(
            m.user_id,
            m.user.name,
            m.induction_completed_on,
            m.induction_completed_on + timedelta(days=school.clip_retention_days)
            if m.induction_completed_on
            else None,
        )
        for m in school_ects(session, school.id)
    ]
    kept = list(
        session.scalars(
            select(Clip)
            .where(Clip.school_id == school.id, Clip.retain_until >= today)
            .order_by(Clip.retain_until, Clip.id)
        )
    )
    due = upcoming(session, [school.id], now=now, within_days=within_days)
    return RetentionPage(school, today, within_days, due, ects, kept)
