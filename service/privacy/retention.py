"""Retention that deletes: originals some days after processing, whole clips some days after
their ECT's induction ends, each deletion written to the audit log.

Rules, per school (School.original_retention_days, School.clip_retention_days):
- a clip's original upload, and the unblurred video and poster of a face-blurred clip, are
  removed ``original_retention_days`` after the clip became playable (or its processing
  failed); the playable (blurred) video stays;
- a lesson or rehearsal clip is deleted ``clip_retention_days`` after its ECT's induction
  ended (the ECT's membership of the clip's school records the day), with everything that
  follows it (transcript, comments, criterion ticks, shares), unless it is kept as a consented
  model clip (shared into the library, with consent that allows sharing) or a coordinator
  extended it (Clip.retain_until is today or later);
- model clips are mentors' and are never deleted by the clip rule;
- a clip cut from another (a highlight, or a model clip cut from a lesson) shows the lesson it
  was cut from, so the rule is its source's: it is deleted after the induction of the teacher
  whose lesson it shows ends, unless kept as a consented model clip or extended.

Days are calendar days in the school's time zone. A clip is deleted the one way clips are
deleted (service.clips.removal, which its owner uses too): storage objects first, then the row,
with its audit event in the same transaction; an object that cannot be deleted leaves the row
for the next run. An object another clip still refers to (the demo's clips share media) stays.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from service import auditlog, policy
from service.clips import removal as removal_path
from service.induction.terms import SchoolCalendar
from service.models import (
    AuditAction,
    BlurStatus,
    Clip,
    ClipKind,
    ClipStatus,
    HighlightCut,
    Membership,
    Role,
    School,
    User,
    utcnow,
)
from service.storage import keys as storage_keys
from service.storage.base import Storage

log = logging.getLogger(__name__)

# The kinds of clip deleted after the ECT's induction; model clips are mentors' own.
DELETED_KINDS = (ClipKind.LESSON, ClipKind.REHEARSAL)
ORIGINAL, CLIP = "original", "clip"


@dataclass(frozen=True)
class Due:
    """One thing the policy deletes on a day: a clip's original, or the whole clip."""

    what: str  # ORIGINAL or CLIP
    clip_id: int
    title: str
    kind: ClipKind
    recorded_on: date
    owner_id: int
    owner_name: str
    school_id: int
    due_on: date
    why: str
    retain_until: date | None = None
    retention_reason: str | None = None

    @property
    def label(self) -> str:
        return "Original upload" if self.what == ORIGINAL else "Whole clip"


@dataclass
class RetentionReport:
    """What one run removed (or, in a dry run, would remove), and what it could not."""

    dry_run: bool = False
    originals_removed: list[int] = field(default_factory=list)
    clips_deleted: list[int] = field(default_factory=list)
    objects_deleted: list[str] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)  # clip id: what went wrong
    items: list[Due] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "dry_run": self.dry_run,
            "originals_removed": self.originals_removed,
            "clips_deleted": self.clips_deleted,
            "objects_deleted": len(self.objects_deleted),
            "failed": {str(k): v for k, v in self.failed.items()},
        }


def _calendar(school: School) -> SchoolCalendar:
    return SchoolCalendar(school.timezone)


def school_today(school: School, now: datetime | None = None) -> date:
    """Today's date in the school's time zone."""
    return _calendar(school).today(now or utcnow())


def short_title(clip: Clip) -> str:
    return clip.title if len(clip.title) <= 120 else clip.title[:119] + "…"


def day_text(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _blur_pending(clip: Clip) -> bool:
    # The blur stage reads the unblurred video: its original must outlive the work.
    return clip.blur_status in (BlurStatus.REQUESTED, BlurStatus.PROCESSING)


def _original_due(clip: Clip, school: School) -> Due | None:
    if clip.original_deleted_at is not None or clip.audio_only or _blur_pending(clip):
        return None
    days = school.original_retention_days
    if clip.status == ClipStatus.FAILED:
        # Processing ended when it failed (the row's last change): the upload is no use to
        # anyone, and must not outlive a playable clip's.
        failed = _calendar(school).local_date(clip.updated_at)
        why = f"{days} days after processing failed ({day_text(failed)})"
        return _due(clip, ORIGINAL, failed + timedelta(days=days), why)
    if clip.ready_at is None:
        return None
    processed = _calendar(school).local_date(clip.ready_at)
    why = f"{days} days after processing ({day_text(processed)})"
    if clip.unblurred_video_key or clip.unblurred_poster_key:
        why += ", with the unblurred video and poster"
    return _due(clip, ORIGINAL, processed + timedelta(days=days), why)


def _clip_due(
    clip: Clip, school: School, completed_on: date | None, teacher: str, cut: bool
) -> Due | None:
    if (clip.kind not in DELETED_KINDS and not cut) or completed_on is None:
        return None  # no date recorded: the induction is not over, the clip is kept
    if clip.shareable and policy.consent_allows_sharing(clip):
        return None  # kept as a consented model clip in the school's library
    days = school.clip_retention_days
    due_on = completed_on + timedelta(days=days)
    why = f"{days} days after {teacher}'s induction ended ({day_text(completed_on)})"
    if clip.retain_until is not None and clip.retain_until >= due_on:
        due_on = clip.retain_until + timedelta(days=1)
        why += f"; kept until {day_text(clip.retain_until)}"
        if clip.retention_reason:
            why += f" ({clip.retention_reason})"
    return _due(clip, CLIP, due_on, why)


def _due(clip: Clip, what: str, due_on: date, why: str) -> Due:
    return Due(
        what=what,
        clip_id=clip.id,
        title=clip.title,
        kind=clip.kind,
        recorded_on=clip.recorded_on,
        owner_id=clip.owner_id,
        owner_name=clip.owner.name,
        school_id=clip.school_id,
        due_on=due_on,
        why=why,
        retain_until=clip.retain_until,
        retention_reason=clip.retention_reason,
    )


def _schedule(session: Session, schools: Iterable[School], now: datetime) -> list[tuple[Due, date]]:
    """Every original and clip the policy will delete, each with its school's today."""
    by_id = {s.id: s for s in schools}
    if not by_id:
        return []
    completed = {
        (user_id, school_id): day
        for user_id, school_id, day in session.execute(
            select(
                Membership.user_id, Membership.school_id, Membership.induction_completed_on
            ).where(
                Membership.role == Role.ECT,
                Membership.school_id.in_(list(by_id)),
                Membership.induction_completed_on.is_not(None),
            )
        )
    }
    ect_ids = sorted({user_id for user_id, _ in completed})
    # Clips cut from a lesson: the teacher whose lesson it shows, and that teacher's name.
    cuts = {
        clip_id: (teacher_id, name)
        for clip_id, teacher_id, name in session.execute(
            select(HighlightCut.clip_id, HighlightCut.source_owner_id, User.name)
            .join(User, User.id == HighlightCut.source_owner_id)
            .where(HighlightCut.source_owner_id.in_(ect_ids))
        )
    }
    query = select(Clip).where(
        Clip.school_id.in_(list(by_id)),
        or_(
            (Clip.ready_at.is_not(None) | (Clip.status == ClipStatus.FAILED))
            & (Clip.original_deleted_at.is_(None)),
            (Clip.kind.in_(DELETED_KINDS)) & (Clip.owner_id.in_(ect_ids)),
            Clip.id.in_(list(cuts)),
        ),
    )
    todays = {sid: school_today(school, now) for sid, school in by_id.items()}
    found: list[tuple[Due, date]] = []
    for clip in session.scalars(query.order_by(Clip.id)):
        school = by_id[clip.school_id]
        teacher_id, teacher = cuts.get(clip.id, (clip.owner_id, clip.owner.name))
        whole = _clip_due(
            clip,
            school,
            completed.get((teacher_id, clip.school_id)),
            teacher,
            clip.id in cuts,
        )
        original = _original_due(clip, school)
        if whole is not None:
            found.append((whole, todays[school.id]))
        # An original due on or after the whole clip goes with it.
        if original is not None and (whole is None or original.due_on < whole.due_on):
            found.append((original, todays[school.id]))
    found.sort(key=lambda pair: (pair[0].due_on, pair[0].clip_id, pair[0].what))
    return found


def upcoming(
    session: Session,
    school_ids: Iterable[int],
    *,
    now: datetime | None = None,
    within_days: int = 30,
) -> list[Due]:
    """What the policy deletes in the schools within the next days (and anything overdue)."""
    schools = list(session.scalars(select(School).where(School.id.in_(list(school_ids)))))
    return [
        due
        for due, today in _schedule(session, schools, now or utcnow())
        if due.due_on <= today + timedelta(days=within_days)
    ]


# --- deleting ---------------------------------------------------------------------------------


def _delete_objects(
    session: Session, storage: Storage, clip: Clip, keys: list[str], report: RetentionReport
) -> bool:
    """Delete the clip's objects no other clip uses; False (logged) if one could not go."""
    removal = removal_path.delete_objects(session, storage, clip, keys)
    report.objects_deleted.extend(removal.deleted_keys)
    if not removal.done:
        log.warning("clip %s: %s; will retry", clip.id, removal.failure)
        report.failed[clip.id] = removal.failure or ""
    return removal.done


def _remove_original(
    session: Session,
    storage: Storage,
    clip: Clip,
    due: Due,
    report: RetentionReport,
    now: datetime,
) -> None:
    keys = removal_path.column_keys(
        clip, ("original_key", "unblurred_video_key", "unblurred_poster_key")
    )
    # The playable video may be the original itself; it stays whatever happens.
    keys = [k for k in keys if k not in (clip.video_key, clip.poster_key, clip.captions_key)]
    if clip.unblurred_video_key is not None:
        # A blurred clip streams its blurred video (blurred-hls/); a stream of the unblurred
        # one (hls/) that the blur could not delete, say for a worker stopped between the two,
        # goes with the original.
        keys += storage.keys(storage_keys.stream_prefix(clip.id))
    if not _delete_objects(session, storage, clip, keys, report):
        return
    clip.original_deleted_at = now
    clip.unblurred_video_key = None
    clip.unblurred_poster_key = None
    auditlog.record(
        session,
        None,
        AuditAction.RETENTION_DELETE,
        clip_id=clip.id,
        subject_id=clip.owner_id,
        school_id=clip.school_id,
        detail=f"Original removed: clip {clip.id} “{short_title(clip)}” ({clip.kind.label}, "
        f"recorded {day_text(clip.recorded_on)}). Rule: {due.why}.",
    )
    session.commit()
    report.originals_removed.append(clip.id)


def _delete_clip(
    session: Session, storage: Storage, clip: Clip, due: Due, report: RetentionReport
) -> None:
    detail = (
        f"Clip {clip.id} deleted: “{short_title(clip)}” ({clip.kind.label}, recorded "
        f"{day_text(clip.recorded_on)}), with its transcript and comments. Rule: {due.why}."
    )
    clip_id = clip.id
    # The one deletion path, shared with an owner deleting their clip: every object of the
    # clip, then the row and what follows it, with the audit event.
    removal = removal_path.delete_clip(
        session, storage, clip, actor=None, action=AuditAction.RETENTION_DELETE, detail=detail
    )
    report.objects_deleted.extend(removal.deleted_keys)
    if not removal.done:
        log.warning("clip %s: %s; will retry", clip_id, removal.failure)
        report.failed[clip_id] = removal.failure or ""
        return
    report.clips_deleted.append(clip_id)


def apply_retention(
    session: Session, storage: Storage, *, now: datetime | None = None, dry_run: bool = False
) -> RetentionReport:
    """Delete every original and clip whose day has come; a dry run only lists them."""
    now = now or utcnow()
    schools = list(session.scalars(select(School).order_by(School.id)))
    report = RetentionReport(dry_run=dry_run)
    report.items = [due for due, today in _schedule(session, schools, now) if due.due_on <= today]
    whole = {due.clip_id for due in report.items if due.what == CLIP}
    # A clip deleted whole takes its original with it: one deletion, one event.
    report.items = [d for d in report.items if d.what == CLIP or d.clip_id not in whole]
    if dry_run:
        return report
    for due in report.items:
        clip = session.get(Clip, due.clip_id)
        if clip is None:
            continue  # gone since (another run, or its owner)
        try:
            if due.what == CLIP:
                _delete_clip(session, storage, clip, due, report)
            else:
                _remove_original(session, storage, clip, due, report, now)
        except SQLAlchemyError as exc:
            session.rollback()
            log.warning("clip %s: retention could not be recorded: %s", due.clip_id, exc)
            report.failed[due.clip_id] = f"database: {exc.__class__.__name__}"
    if report.failed:
        log.warning("retention left %d clip(s) for the next run", len(report.failed))
    return report
