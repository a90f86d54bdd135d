"""A school's privacy settings and classes (the upload's own privacy choices are in
service.clips.upload).

The school is the data controller for the pupils its clips show. Its coordinators choose
whether the upload form asks for faces to be blurred by default, whether a blur covers the
whole picture but the teacher, whether a finished blur may be shared without its uploader's
check, how long originals and clips are kept (service.privacy.retention applies it), and
which classes are recorded as sound only. The uploader records the lawful basis, the state
of pupils' consent and who recorded the clip; a consent state that requires blurring always
asks for it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    AuditAction,
    Clip,
    School,
    SchoolClass,
    TeacherMicrophone,
    User,
)

if TYPE_CHECKING:
    pass
log = logging.getLogger(__name__)


MIN_DAYS, MAX_DAYS = 1, 3650
MAX_CLASS_NAME = 100


# --- the school's settings -------------------------------------------------------------------


@dataclass(frozen=True)
class PrivacySettings:
    """What a coordinator sets for a school."""

    blur_by_default: bool
    original_retention_days: int
    clip_retention_days: int
    # How teachers are recorded (TeacherMicrophone), for telling teacher from pupils
    # in talk figures; None leaves it as it is.
    teacher_microphone: str | None = None
    # Blur everything but the teacher, not only the faces found; None leaves it as it is.
    blur_outside_teacher: bool | None = None
    # Share a finished blur without the uploader's check; None leaves it as it is.
    blur_without_review: bool | None = None


def privacy_school(session: Session, user: User, school_id: int) -> School:
    """Return a school whose privacy settings the user keeps.

    Its coordinators (school or trust) and admins; another school's coordinators are told it
    does not exist, everyone else that this is for coordinators.
    """
    if not policy.can_audit(user):
        raise Forbidden("Only induction coordinators and admins keep a school's privacy settings.")
    school = session.get(School, school_id)
    if school is None or not policy.can_manage_privacy(session, user, school_id):
        raise NotFound("We could not find that school.")
    return school


def _check_days(value: int, what: str) -> int:
    if not MIN_DAYS <= value <= MAX_DAYS:
        raise InvalidInput(
            f"Please keep {what} for between {MIN_DAYS} and {MAX_DAYS} days (about ten years)."
        )
    return value


def _on_off(value: bool) -> str:
    return "on" if value else "off"


def update_settings(
    session: Session, user: User, school_id: int, wanted: PrivacySettings, *, ip: str = ""
) -> School:
    """Change a school's blur settings and retention periods; audit what changed."""
    school = privacy_school(session, user, school_id)
    originals = _check_days(wanted.original_retention_days, "original uploads")
    kept = _check_days(wanted.clip_retention_days, "clips after induction ends")
    changes = []
    if school.blur_by_default != wanted.blur_by_default:
        changes.append(
            f"blur faces by default: {_on_off(school.blur_by_default)} -> "
            f"{_on_off(wanted.blur_by_default)}"
        )
    if school.original_retention_days != originals:
        changes.append(f"originals kept: {school.original_retention_days} -> {originals} days")
    if school.clip_retention_days != kept:
        changes.append(f"clips kept after induction: {school.clip_retention_days} -> {kept} days")
    outside = _switch(
        changes,
        "blur everything but the teacher",
        school.blur_outside_teacher,
        wanted.blur_outside_teacher,
    )
    unchecked = _switch(
        changes,
        "share blurred videos without the uploader's check",
        school.blur_without_review,
        wanted.blur_without_review,
    )
    microphone = school.teacher_microphone
    if wanted.teacher_microphone is not None:
        microphone = _check_microphone(wanted.teacher_microphone)
        if microphone != school.teacher_microphone:
            changes.append(f"teachers' microphone: {school.teacher_microphone} -> {microphone}")
    if changes:
        school.teacher_microphone = microphone
        school.blur_by_default = wanted.blur_by_default
        school.original_retention_days = originals
        school.clip_retention_days = kept
        school.blur_outside_teacher = outside
        school.blur_without_review = unchecked
        _audit(session, user, school, "; ".join(changes), ip)
    session.commit()
    return school


def _switch(changes: list[str], what: str, now: bool, wanted: bool | None) -> bool:
    """Return the setting wanted (None: as it is), noting a change in ``changes``."""
    if wanted is None or wanted == now:
        return now
    changes.append(f"{what}: {_on_off(now)} -> {_on_off(wanted)}")
    return wanted


def _check_microphone(value: str) -> str:
    try:
        return TeacherMicrophone(value).value
    except ValueError:
        raise InvalidInput("Please choose how your teachers are recorded from the list.") from None


def _audit(session: Session, user: User, school: School, detail: str, ip: str) -> None:
    auditlog.record(
        session, user, AuditAction.PRIVACY_SETTINGS, school_id=school.id, detail=detail, ip=ip
    )
    log.info("privacy settings of school %s changed by user %s: %s", school.id, user.id, detail)


# --- classes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClassRow:
    """A class on the settings page, with how many clips name it."""

    school_class: SchoolClass
    clips: int


def school_classes(session: Session, school_id: int) -> list[SchoolClass]:
    """List a school's classes by name (for the upload form and the settings page)."""
    query = select(SchoolClass).where(SchoolClass.school_id == school_id)
    return list(session.scalars(query.order_by(func.lower(SchoolClass.name), SchoolClass.id)))


def class_rows(session: Session, user: User, school_id: int) -> list[ClassRow]:
    """List a school's classes with their clip counts, for its privacy settings page."""
    privacy_school(session, user, school_id)
    counts = dict(
        session.execute(
            select(Clip.class_id, func.count(Clip.id))
            .where(Clip.school_id == school_id, Clip.class_id.is_not(None))
            .group_by(Clip.class_id)
        ).all()
    )
    return [ClassRow(c, counts.get(c.id, 0)) for c in school_classes(session, school_id)]


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Please give the class a name, e.g. 9X2 maths.")
    if len(name) > MAX_CLASS_NAME:
        raise InvalidInput(f"Please keep the class's name under {MAX_CLASS_NAME} characters.")
    return name


def add_class(
    session: Session,
    user: User,
    school_id: int,
    name: str,
    *,
    audio_only: bool = False,
    ip: str = "",
) -> SchoolClass:
    """Add a class to the school, recorded as sound only if asked."""
    school = privacy_school(session, user, school_id)
    name = _clean_name(name)
    taken = session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.school_id == school_id, func.lower(SchoolClass.name) == name.lower()
        )
    )
    if taken is not None:
        raise InvalidInput(f"There is already a class called {name}.")
    school_class = SchoolClass(school_id=school_id, name=name, audio_only=audio_only)
    session.add(school_class)
    _audit(session, user, school, f"added class {name}{' (sound only)' if audio_only else ''}", ip)
    session.commit()
    return school_class


def _own_class(session: Session, school_id: int, class_id: int) -> SchoolClass:
    school_class = session.get(SchoolClass, class_id)
    if school_class is None or school_class.school_id != school_id:
        raise NotFound("We could not find that class. It may have been removed already.")
    return school_class


def set_audio_only(
    session: Session, user: User, school_id: int, class_id: int, audio_only: bool, *, ip: str = ""
) -> SchoolClass:
    """Mark or unmark a class as sound only (for clips uploaded from now on)."""
    school = privacy_school(session, user, school_id)
    school_class = _own_class(session, school_id, class_id)
    if school_class.audio_only != audio_only:
        school_class.audio_only = audio_only
        what = "sound only" if audio_only else "video and sound"
        _audit(session, user, school, f"class {school_class.name} now recorded as {what}", ip)
    session.commit()
    return school_class


def remove_class(
    session: Session, user: User, school_id: int, class_id: int, *, ip: str = ""
) -> str:
    """Remove a class no clip names; return its name."""
    school = privacy_school(session, user, school_id)
    school_class = _own_class(session, school_id, class_id)
    used = session.scalar(select(func.count(Clip.id)).where(Clip.class_id == class_id)) or 0
    if used:
        raise InvalidInput(
            f"{school_class.name} has {used} clip{'s' if used != 1 else ''}, so it cannot be "
            "removed: the consent register still needs it."
        )
    name = school_class.name
    session.delete(school_class)
    _audit(session, user, school, f"removed class {name}", ip)
    session.commit()
    return name
