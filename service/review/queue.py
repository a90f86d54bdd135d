"""The reviewer's queue: the meeting records of the mentors they review, and one record laid
out for review with the mentor's comments and the notes already on it (review.notes adds
them).

Decisions the issue left open:
- a note on a comment may anchor to the session's mentor's comments (not deleted) on the
  session's observation clips, or on the ECT's rehearsals of the session's step: feedback
  between practice rounds is part of what the rubric judges;
- adding a note does not mark the session reviewed (a reviewer often adds several); the
  reviewer marks it reviewed when done, which takes it out of their queue;
- the queue holds the session records of the last QUEUE_WEEKS weeks, so a reviewer newly
  assigned to a mentor starts from recent coaching, not two years of history;
- a reviewer may be assigned to a mentor when they review in the mentor's school or in any
  school of the same trust (a delivery partner's reviewer is given a reviewer membership in
  each school they serve); admins may assign any reviewer;
- a trust's rubric is made from DEFAULT_RUBRIC the first time it is needed; schools outside a
  trust share one rubric (trust NULL) that admins edit.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from service import policy
from service.errors import Forbidden, NotFound
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    CoachingSession,
    Comment,
    Mentorship,
    ReviewerAssignment,
    ReviewNote,
    Role,
    RubricItem,
    SessionReview,
    User,
)
from service.review.rubrics import rubric_for, trust_of_school

QUEUE_WEEKS = 8
RECENTLY_REVIEWED = 10
MAX_LABEL = 200


# --- the reviewer's queue ---------------------------------------------------------------------


def _reviewable_sessions(reviewer: User) -> ColumnElement[bool]:
    """Session records the reviewer may annotate (the rule of policy.can_review_session)."""
    reviewed = select(ReviewerAssignment.mentor_id).where(
        ReviewerAssignment.reviewer_id == reviewer.id, ReviewerAssignment.ended_at.is_(None)
    )
    return and_(
        CoachingSession.mentor_id.in_(reviewed),
        exists(
            select(Mentorship.id).where(
                Mentorship.ect_id == CoachingSession.ect_id,
                Mentorship.ended_on.is_(None),
                Mentorship.mentor_id.in_(reviewed),
            )
        ),
    )


@dataclass(frozen=True)
class QueueEntry:
    record: CoachingSession
    step_title: str | None
    reviewed_at: datetime | None = None
    notes: int = 0  # the reviewer's notes on the session record itself


@dataclass(frozen=True)
class ReviewQueue:
    waiting: list[QueueEntry]  # not yet reviewed, oldest first
    recent: list[QueueEntry]  # reviewed, newest review first
    mentors: tuple[User, ...] = ()  # the mentors the reviewer reviews now: the filter's choices
    mentor_id: int | None = None  # the mentor the queue is narrowed to, if any


def review_queue(
    session: Session, reviewer: User, *, today: date | None = None, mentor_id: int | None = None
) -> ReviewQueue:
    """The reviewer's mentors' recent session records not yet reviewed, oldest first.

    ``mentor_id`` only narrows the queue to one of those mentors; it never widens it.
    """
    if not reviewer.is_active or not reviewer.has_role(Role.REVIEWER):
        raise Forbidden("Only reviewers of coaching can do this.")
    since = (today or date.today()) - timedelta(weeks=QUEUE_WEEKS)
    narrowed = [CoachingSession.mentor_id == mentor_id] if mentor_id is not None else []
    done = select(SessionReview.id).where(
        SessionReview.session_id == CoachingSession.id, SessionReview.reviewer_id == reviewer.id
    )
    waiting_rows = session.execute(
        select(CoachingSession, ActionStep.title)
        .outerjoin(ActionStep, ActionStep.id == CoachingSession.step_id)
        .where(_reviewable_sessions(reviewer), CoachingSession.held_on >= since, ~exists(done))
        .where(*narrowed)
        .order_by(CoachingSession.held_on, CoachingSession.id)
    ).unique()
    recent_rows = session.execute(
        select(CoachingSession, ActionStep.title, SessionReview.reviewed_at)
        .join(SessionReview, SessionReview.session_id == CoachingSession.id)
        .outerjoin(ActionStep, ActionStep.id == CoachingSession.step_id)
        .where(SessionReview.reviewer_id == reviewer.id, _reviewable_sessions(reviewer))
        .where(*narrowed)
        .order_by(SessionReview.reviewed_at.desc(), SessionReview.id.desc())
        .limit(RECENTLY_REVIEWED)
    ).unique()
    return ReviewQueue(
        waiting=[QueueEntry(record, title) for record, title in waiting_rows],
        recent=[QueueEntry(record, title, at) for record, title, at in recent_rows],
        mentors=tuple(
            session.scalars(
                select(User)
                .join(ReviewerAssignment, ReviewerAssignment.mentor_id == User.id)
                .where(
                    ReviewerAssignment.reviewer_id == reviewer.id,
                    ReviewerAssignment.ended_at.is_(None),
                )
                .order_by(User.name, User.id)
                .distinct()
            )
        ),
        mentor_id=mentor_id,
    )


# --- one session record under review ---------------------------------------------------------


def _visible_record(session: Session, user: User, session_id: int) -> CoachingSession:
    record = session.get(CoachingSession, session_id)
    if record is None or not policy.can_view_coaching(session, user, record.ect):
        raise NotFound("We could not find that coaching session.")
    return record


def reviewable_session(session: Session, reviewer: User, session_id: int) -> CoachingSession:
    """Return a session record the user reviews: 404 if hidden, 403 if only visible."""
    record = _visible_record(session, reviewer, session_id)
    if not policy.can_review_session(session, reviewer, record):
        raise Forbidden("Only the mentor's assigned reviewer reviews this coaching session.")
    return record


@dataclass(frozen=True)
class ClipFeedback:
    clip: Clip
    comments: list[Comment]  # the mentor's comments on it, in time order


@dataclass(frozen=True)
class SessionUnderReview:
    record: CoachingSession
    step: ActionStep | None
    observed: list[ClipFeedback]  # the session's observation clips
    rehearsals: list[ClipFeedback]  # the ECT's rehearsals of the session's step
    notes: dict[str, list[ReviewNote]]  # by target key: "session", "step", "comment:<id>"
    rubric: list[RubricItem]  # the items offered for a new note (not retired)
    reviewed_at: datetime | None

    def notes_on(self, key: str) -> list[ReviewNote]:
        return self.notes.get(key, [])


def _target_key(note: ReviewNote) -> str:
    if note.comment_id is not None:
        return f"comment:{note.comment_id}"
    return "step" if note.step_id is not None else "session"


def session_clips(session: Session, record: CoachingSession) -> tuple[list[Clip], list[Clip]]:
    observed = sorted(record.observation_clips, key=lambda c: (c.recorded_on, c.id))
    rehearsals: list[Clip] = []
    if record.step_id is not None:
        rehearsals = list(
            session.scalars(
                select(Clip)
                .where(Clip.step_id == record.step_id, Clip.kind == ClipKind.REHEARSAL)
                .order_by(Clip.attempt, Clip.id)
            )
        )
    return observed, rehearsals


def _mentor_comments(session: Session, record: CoachingSession, clip_ids: list[int]):
    query = (
        select(Comment)
        .where(
            Comment.clip_id.in_(clip_ids),
            Comment.author_id == record.mentor_id,
            Comment.deleted_at.is_(None),
        )
        .order_by(Comment.at_seconds, Comment.id)
    )
    return list(session.scalars(query))


def session_for_review(session: Session, reviewer: User, session_id: int) -> SessionUnderReview:
    """A session record with its step, clips, the mentor's comments and the notes on them."""
    record = reviewable_session(session, reviewer, session_id)
    observed, rehearsals = session_clips(session, record)
    comments = _mentor_comments(session, record, [c.id for c in observed + rehearsals])
    by_clip: dict[int, list[Comment]] = defaultdict(list)
    for comment in comments:
        by_clip[comment.clip_id].append(comment)
    targets = [ReviewNote.session_id == record.id]
    if record.step_id is not None:
        targets.append(ReviewNote.step_id == record.step_id)
    if comments:
        targets.append(ReviewNote.comment_id.in_([c.id for c in comments]))
    notes: dict[str, list[ReviewNote]] = defaultdict(list)
    for note in session.scalars(
        select(ReviewNote)
        .options(selectinload(ReviewNote.replies))
        .where(or_(*targets), policy.review_note_visibility(session, reviewer))
        .order_by(ReviewNote.created_at, ReviewNote.id)
    ):
        notes[_target_key(note)].append(note)
    reviewed_at = session.scalar(
        select(SessionReview.reviewed_at).where(
            SessionReview.session_id == record.id, SessionReview.reviewer_id == reviewer.id
        )
    )
    trust_id = trust_of_school(session, record.school_id)
    return SessionUnderReview(
        record=record,
        step=record.step,
        observed=[ClipFeedback(c, by_clip[c.id]) for c in observed],
        rehearsals=[ClipFeedback(c, by_clip[c.id]) for c in rehearsals],
        notes=dict(notes),
        rubric=[i for i in rubric_for(session, trust_id) if not i.retired],
        reviewed_at=reviewed_at,
    )
