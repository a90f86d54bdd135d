"""The scheduled checks: reminders raised once a day in each school (service.notify.schedule
says when), each through ``notify()`` with a dedupe key, so a check run twice (a retried job, a
second worker, a run taken over after a crash) raises nothing twice.

- **step_review_due**: an active step whose review date has come (today, or up to
  STEP_CATCH_UP_DAYS ago, so a date in a holiday or on a day the checks did not run is still
  caught) with no rehearsal of it uploaded → the ECT and their current mentor;
  key ``step-review:<step id>:<review date>`` (a step given a new date is reminded again);
- **clip_waiting**: a ready lesson or rehearsal the ECT's current mentor has not commented on
  (service.feedback.waiting) that has waited WAIT_TERM_DAYS term-time days since it became
  ready → the mentor (``waiting:<clip id>``); after ESCALATE_TERM_DAYS more → the school's
  coordinators (``waiting-coordinator:<clip id>``);
- **review_queue_old**: a reviewer in the school whose queue (service.review.queue) holds a
  session record held more than REVIEW_QUEUE_DAYS days ago → the reviewer, once a week
  (``review-queue:<reviewer id>:<ISO week>``);
- **share_expiring**: a running share of one of the school's clips that ends within
  SHARE_WARNING → the ECT who shared it (``share-expiring:<share id>:<end>``);
- **coordinator_digest** (Mondays): each coordinator of the school hears how many of the ECTs
  they audit are overdue, and why, and how many formal observations are due this half term,
  linking to their dashboard (``digest:<coordinator id>:<ISO week>``; one a week for all of
  their schools: service.notify.digests builds it).

Days are the school's local dates, and term-time days are counted by its calendar
(service.induction.terms: the days of its half terms, weekends inside them included). A kind
the registry marks term-time only is not raised on a day outside the school's half terms. The
thresholds are one value for every school (module constants): a per-school setting would need
a column on School.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from service.feedback.waiting import awaits_mentor_feedback
from service.induction.terms import SchoolCalendar
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    ClipShare,
    Membership,
    Mentorship,
    Role,
    School,
    StepStatus,
    User,
)
from service.notify import kinds
from service.notify.raising import notify
from service.review.queue import review_queue

STEP_REVIEW_DUE = "step_review_due"
CLIP_WAITING = "clip_waiting"
CLIP_WAITING_COORDINATOR = "clip_waiting_coordinator"
REVIEW_QUEUE_OLD = "review_queue_old"
SHARE_EXPIRING = "share_expiring"
COORDINATOR_DIGEST = "coordinator_digest"

# A clip waits this many term-time days for its mentor's feedback before the mentor is told...
WAIT_TERM_DAYS = 3
# ...and this many more before the school's coordinators are.
ESCALATE_TERM_DAYS = 2
# A review date this many days past is still reminded (a holiday, a day the checks missed).
STEP_CATCH_UP_DAYS = 21
REVIEW_QUEUE_DAYS = 7
SHARE_WARNING = timedelta(days=2)


@dataclass
class CheckResult:
    """What one school's checks raised, by kind."""

    raised: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str, notification: object) -> None:
        if notification is not None:
            self.raised[kind] = self.raised.get(kind, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.raised.values())


@dataclass(frozen=True)
class Today:
    """Where a school's check runs: the school, its calendar, the moment and the local date."""

    school: School
    calendar: SchoolCalendar
    now: datetime

    @property
    def day(self) -> date:
        return self.calendar.local_date(self.now)

    @property
    def in_term(self) -> bool:
        return self.calendar.half_term_on(self.day) is not None

    def allows(self, kind: str) -> bool:
        """Say whether a kind may be raised today (term-time-only kinds: in term time only)."""
        found = kinds.kind(kind)
        return self.in_term or found is None or not found.term_time_only


def raise_one(
    session: Session, result: CheckResult, at: datetime, user_id: int, kind: str, **kw: object
) -> None:
    """Raise one notification, dated at the check's moment (a frozen clock in tests)."""
    notification = notify(session, user_id, kind, **kw)
    if notification is not None:
        notification.created_at = at
    result.count(kind, notification)


def run_school_checks(
    session: Session, school: School, calendar: SchoolCalendar, *, now: datetime
) -> CheckResult:
    """Run the daily checks for one school at ``now`` (the Monday digest is
    service.notify.digests.coordinator_digests); the caller commits."""
    today = Today(school, calendar, now)
    result = CheckResult()
    if today.allows(STEP_REVIEW_DUE):
        step_reviews(session, today, result)
    if today.allows(CLIP_WAITING):
        waiting_clips(session, today, result)
    if today.allows(REVIEW_QUEUE_OLD):
        review_queues(session, today, result)
    if today.allows(SHARE_EXPIRING):
        expiring_shares(session, today, result)
    return result


# --- step review dates ------------------------------------------------------------------------


def step_reviews(session: Session, today: Today, result: CheckResult) -> None:
    """Remind the ECT and their mentor of a step whose review date came with no rehearsal."""
    rehearsed = exists(
        select(Clip.id).where(Clip.step_id == ActionStep.id, Clip.kind == ClipKind.REHEARSAL)
    )
    steps = session.execute(
        select(ActionStep, Mentorship.mentor_id)
        .join(User, User.id == ActionStep.ect_id)
        # The ECT's mentor now (a step set by an earlier mentor is reviewed by the new one).
        .outerjoin(
            Mentorship,
            (Mentorship.ect_id == ActionStep.ect_id) & Mentorship.ended_on.is_(None),
        )
        .where(
            ActionStep.school_id == today.school.id,
            ActionStep.status == StepStatus.ACTIVE,
            ActionStep.review_on <= today.day,
            ActionStep.review_on >= today.day - timedelta(days=STEP_CATCH_UP_DAYS),
            User.active.is_(True),
            ~rehearsed,
        )
        .order_by(ActionStep.id)
    ).all()
    for step, mentor_id in steps:
        due = (
            "is due for review today"
            if step.review_on == today.day
            else f"was due for review on {step.review_on:%-d %B}"
        )
        link = f"/coaching/ects/{step.ect_id}#step-{step.id}"
        key = f"step-review:{step.id}:{step.review_on.isoformat()}"
        raise_one(
            session,
            result,
            today.now,
            step.ect_id,
            STEP_REVIEW_DUE,
            text=f"Your step “{step.title}” {due}, with no rehearsal of it uploaded yet: upload "
            "one, or talk to your mentor.",
            link=link,
            dedupe_key=key,
            ect_id=step.ect_id,
        )
        if mentor_id is None:
            continue
        raise_one(
            session,
            result,
            today.now,
            mentor_id,
            STEP_REVIEW_DUE,
            text=f"{step.ect.name}'s step “{step.title}” {due}, with no rehearsal of it yet.",
            link=link,
            dedupe_key=key,
            ect_id=step.ect_id,
        )


# --- clips waiting for feedback ---------------------------------------------------------------


def school_coordinators(session: Session, school: School) -> list[int]:
    """The active coordinators of a school; where it has none, its trust's coordinators."""
    own = list(
        session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.role == Role.COORDINATOR,
                Membership.school_id == school.id,
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )
    if own or school.trust_id is None:
        return own
    return trust_coordinators(session, [school.trust_id])


def trust_coordinators(session: Session, trust_ids: Iterable[int]) -> list[int]:
    """The active coordinators of whole trusts."""
    return list(
        session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.role == Role.COORDINATOR,
                Membership.trust_id.in_(list(trust_ids)),
                User.active.is_(True),
            )
            .order_by(User.id)
            .distinct()
        )
    )


def waiting_clips(session: Session, today: Today, result: CheckResult) -> None:
    """Tell the mentor of a clip that has waited too long for feedback, then the coordinators."""
    pairing = aliased(Mentorship)  # awaits_mentor_feedback's own Mentorship must stay its own
    rows = session.execute(
        select(Clip, pairing.mentor_id, User.name)
        .join(pairing, pairing.ect_id == Clip.owner_id)
        .join(User, User.id == Clip.owner_id)
        .where(
            Clip.school_id == today.school.id,
            pairing.school_id == Clip.school_id,
            pairing.ended_on.is_(None),
            User.active.is_(True),
            awaits_mentor_feedback(),
        )
        .order_by(Clip.id)
    ).all()
    coordinators: list[int] | None = None
    for clip, mentor_id, ect_name in rows:
        since = today.calendar.local_date(clip.ready_at or clip.created_at)
        waited = today.calendar.term_days_since(since, today.day)
        if waited < WAIT_TERM_DAYS:
            continue
        what = "rehearsal" if clip.kind == ClipKind.REHEARSAL else "lesson"
        raise_one(
            session,
            result,
            today.now,
            mentor_id,
            CLIP_WAITING,
            text=f"{ect_name}'s {what} “{clip.title}” has waited {waited} term-time days for "
            "your feedback.",
            link=f"/clips/{clip.id}",
            dedupe_key=f"waiting:{clip.id}",
            clip_id=clip.id,
            ect_id=clip.owner_id,
        )
        if waited < WAIT_TERM_DAYS + ESCALATE_TERM_DAYS:
            continue
        if coordinators is None:
            coordinators = school_coordinators(session, today.school)
        for coordinator_id in coordinators:
            raise_one(
                session,
                result,
                today.now,
                coordinator_id,
                CLIP_WAITING_COORDINATOR,
                text=f"{ect_name}'s {what} “{clip.title}” has waited {waited} term-time days "
                "for feedback from their mentor.",
                link=f"/clips/{clip.id}",
                dedupe_key=f"waiting-coordinator:{clip.id}",
                clip_id=clip.id,
                ect_id=clip.owner_id,
            )


# --- reviewers' queues ------------------------------------------------------------------------


def iso_week(day: date) -> str:
    """Name a day's ISO week: 2027-W06."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def review_queues(session: Session, today: Today, result: CheckResult) -> None:
    """Tell each reviewer of the school whose queue holds records over a week old, weekly."""
    reviewers = session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.role == Role.REVIEWER,
            Membership.school_id == today.school.id,
            User.active.is_(True),
        )
        .order_by(User.id)
        .distinct()
    )
    cutoff = today.day - timedelta(days=REVIEW_QUEUE_DAYS)
    for reviewer in reviewers:
        queue = review_queue(session, reviewer, today=today.day)
        old = [entry for entry in queue.waiting if entry.record.held_on < cutoff]
        if not old:
            continue
        records = "record" if len(old) == 1 else "records"
        raise_one(
            session,
            result,
            today.now,
            reviewer.id,
            REVIEW_QUEUE_OLD,
            text=f"{len(old)} coaching {records} in your review queue "
            f"{'has' if len(old) == 1 else 'have'} waited more than a week: the oldest is from "
            f"{old[0].record.held_on:%-d %B}.",
            link="/review/",
            dedupe_key=f"review-queue:{reviewer.id}:{iso_week(today.day)}",
        )


# --- shares about to end ----------------------------------------------------------------------


def expiring_shares(session: Session, today: Today, result: CheckResult) -> None:
    """Tell the ECT who shared a clip that the share ends within SHARE_WARNING."""
    rows = session.execute(
        select(ClipShare, Clip.title)
        .join(Clip, Clip.id == ClipShare.clip_id)
        .where(
            Clip.school_id == today.school.id,
            ClipShare.revoked_at.is_(None),
            ClipShare.expires_at > today.now,
            ClipShare.expires_at <= today.now + SHARE_WARNING,
        )
        .order_by(ClipShare.id)
    ).all()
    for share, title in rows:
        ends = share.expires_at.astimezone(today.calendar.zone)
        raise_one(
            session,
            result,
            today.now,
            share.shared_by_id,
            SHARE_EXPIRING,
            text=f"Your share of “{title}” with {share.colleague.name} ends on "
            f"{ends:%A %-d %B at %H:%M}. Renew it on the clip's page if they still need it.",
            link=f"/clips/{share.clip_id}",
            dedupe_key=f"share-expiring:{share.id}:{share.expires_at:%Y%m%dT%H%M}",
            clip_id=share.clip_id,
        )
