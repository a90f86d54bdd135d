"""Use cases for coaching on coaching: reviewers assigned to mentors, the reviewer's queue,
rubric-tagged notes on a mentor's comments, steps and meeting records, replies, and the
mentor's "feedback on my coaching".

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
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from service import policy
from service.coaching import MAX_TEXT
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    ActionStep,
    Clip,
    ClipKind,
    CoachingSession,
    Comment,
    Mentorship,
    ReviewerAssignment,
    ReviewNote,
    ReviewReply,
    Role,
    RubricItem,
    SessionReview,
    User,
    Verdict,
)
from service.rubrics import rubric_for, trust_of_school

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


def review_queue(session: Session, reviewer: User, *, today: date | None = None) -> ReviewQueue:
    """The reviewer's mentors' recent session records not yet reviewed, oldest first."""
    if not reviewer.is_active or not reviewer.has_role(Role.REVIEWER):
        raise Forbidden("Only reviewers of coaching can do this.")
    since = (today or date.today()) - timedelta(weeks=QUEUE_WEEKS)
    done = select(SessionReview.id).where(
        SessionReview.session_id == CoachingSession.id, SessionReview.reviewer_id == reviewer.id
    )
    waiting_rows = session.execute(
        select(CoachingSession, ActionStep.title)
        .outerjoin(ActionStep, ActionStep.id == CoachingSession.step_id)
        .where(_reviewable_sessions(reviewer), CoachingSession.held_on >= since, ~exists(done))
        .order_by(CoachingSession.held_on, CoachingSession.id)
    ).unique()
    recent_rows = session.execute(
        select(CoachingSession, ActionStep.title, SessionReview.reviewed_at)
        .join(SessionReview, SessionReview.session_id == CoachingSession.id)
        .outerjoin(ActionStep, ActionStep.id == CoachingSession.step_id)
        .where(SessionReview.reviewer_id == reviewer.id, _reviewable_sessions(reviewer))
        .order_by(SessionReview.reviewed_at.desc(), SessionReview.id.desc())
        .limit(RECENTLY_REVIEWED)
    ).unique()
    return ReviewQueue(
        waiting=[QueueEntry(record, title) for record, title in waiting_rows],
        recent=[QueueEntry(record, title, at) for record, title, at in recent_rows],
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


def _session_clips(session: Session, record: CoachingSession) -> tuple[list[Clip], list[Clip]]:
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


def _mentor_comments(session: Session, record: CoachingSession, clip_ids: list[int]):  # noqa: ANN202
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
    observed, rehearsals = _session_clips(session, record)
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


def _verdict(value: Verdict | str) -> Verdict:
    try:
        return Verdict(value)
    except ValueError:
        raise InvalidInput(
            "Please mark the note as a strength or as something to work on."
        ) from None


def _text(body: str, what: str) -> str:
    text = (body or "").strip()
    if not text:
        raise InvalidInput(f"Please write the {what} first.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"Please keep the {what} under {MAX_TEXT} characters.")
    return text


def _anchor(
    session: Session, record: CoachingSession, target: str
) -> tuple[int | None, int | None, int | None]:
    """Return (comment_id, step_id, session_id) for a target named on the review page."""
    target = (target or "").strip()
    if target == "session":
        return None, None, record.id
    if target == "step":
        if record.step_id is None:
            raise InvalidInput("This coaching session has no action step to comment on.")
        return None, record.step_id, None
    kind, _, raw_id = target.partition(":")
    if kind != "comment" or not raw_id.isdigit():
        raise InvalidInput(
            "Please choose what the note is about: the session record, its step, "
            "or one of the mentor's comments."
        )
    comment = session.get(Comment, int(raw_id))
    observed, rehearsals = _session_clips(session, record)
    clip_ids = {c.id for c in observed + rehearsals}
    if (
        comment is None
        or comment.is_deleted
        or comment.author_id != record.mentor_id
        or comment.clip_id not in clip_ids
    ):
        raise InvalidInput(
            "That comment is not one of the mentor's comments on this session's clips."
        )
    return comment.id, None, None


def add_review_note(
    session: Session,
    reviewer: User,
    session_id: int,
    *,
    target: str,
    rubric_item_id: int | None,
    verdict: Verdict | str,
    body: str,
) -> ReviewNote:
    """Annotate a session record, its step or one of the mentor's comments, against the rubric.

    ``target`` is "session", "step" or "comment:<id>". The note does not mark the session
    reviewed: the reviewer does that with mark_reviewed when they have finished.
    """
    record = reviewable_session(session, reviewer, session_id)
    comment_id, step_id, on_session = _anchor(session, record, target)
    item = session.get(RubricItem, rubric_item_id) if rubric_item_id is not None else None
    trust_id = trust_of_school(session, record.school_id)
    if item is None or item.trust_id != trust_id:
        raise InvalidInput("Please choose a rubric item from the list.")
    if item.retired:
        raise InvalidInput(
            f"“{item.label}” is no longer in the rubric: please choose another item."
        )
    note = ReviewNote(
        reviewer_id=reviewer.id,
        mentor_id=record.mentor_id,
        ect_id=record.ect_id,
        school_id=record.school_id,
        comment_id=comment_id,
        step_id=step_id,
        session_id=on_session,
        rubric_item_id=item.id,
        verdict=_verdict(verdict),
        body=_text(body, "note"),
    )
    session.add(note)
    session.commit()
    return note


def mark_reviewed(session: Session, reviewer: User, session_id: int) -> SessionReview:
    """Mark a session record reviewed by this reviewer (it leaves their queue); idempotent."""
    record = reviewable_session(session, reviewer, session_id)
    query = select(SessionReview).where(
        SessionReview.session_id == record.id, SessionReview.reviewer_id == reviewer.id
    )
    existing = session.scalar(query)
    if existing is not None:
        return existing
    mark = SessionReview(session_id=record.id, reviewer_id=reviewer.id)
    session.add(mark)
    try:
        session.commit()
    except IntegrityError:  # marked at the same moment in another request
        session.rollback()
        return session.scalars(query).one()
    return mark


# --- a note, its target and its replies ------------------------------------------------------


@dataclass(frozen=True)
class NoteTarget:
    """What a note is about, quoted for the reader."""

    kind: str  # "session", "step" or "comment"
    title: str
    quote: str
    clip: Clip | None = None
    at_seconds: float | None = None
    record: CoachingSession | None = None


@dataclass(frozen=True)
class NoteView:
    note: ReviewNote
    target: NoteTarget
    can_reply: bool
    ect: User


def note_targets(session: Session, notes: list[ReviewNote]) -> dict[int, NoteTarget]:
    """Quote the targets of many notes in three queries."""
    comment_ids = {n.comment_id for n in notes if n.comment_id is not None}
    step_ids = {n.step_id for n in notes if n.step_id is not None}
    session_ids = {n.session_id for n in notes if n.session_id is not None}
    comments = {
        c.id: c
        for c in session.scalars(
            select(Comment).options(selectinload(Comment.clip)).where(Comment.id.in_(comment_ids))
        )
    }
    steps = {
        s.id: s for s in session.scalars(select(ActionStep).where(ActionStep.id.in_(step_ids)))
    }
    records = {
        r.id: r
        for r in session.scalars(
            select(CoachingSession).where(CoachingSession.id.in_(session_ids))
        ).unique()
    }
    quoted: dict[int, NoteTarget] = {}
    for note in notes:
        if note.comment_id is not None:
            c = comments[note.comment_id]
            quoted[note.id] = NoteTarget(
                "comment",
                f"Comment on “{c.clip.title}”",
                "" if c.is_deleted else c.body,
                clip=c.clip,
                at_seconds=c.at_seconds,
            )
        elif note.step_id is not None:
            s = steps[note.step_id]
            quoted[note.id] = NoteTarget("step", "Action step", s.title)
        else:
            r = records[note.session_id]
            quoted[note.id] = NoteTarget(
                "session", f"Meeting on {r.held_on.day} {r.held_on:%b %Y}", r.praise, record=r
            )
    return quoted


def get_note(session: Session, user: User, note_id: int) -> NoteView:
    """Return a review note the user may read (never the ECT it concerns: 404)."""
    note = session.scalar(
        select(ReviewNote).options(selectinload(ReviewNote.replies)).where(ReviewNote.id == note_id)
    )
    if note is None or not policy.can_view_review_note(session, user, note):
        raise NotFound("We could not find that review note.")
    return NoteView(
        note=note,
        target=note_targets(session, [note])[note.id],
        can_reply=policy.can_reply_review(user, note),
        ect=session.get(User, note.ect_id),
    )


def reply_to_note(session: Session, user: User, note_id: int, body: str) -> ReviewReply:
    """Reply under a review note (its mentor and its reviewer)."""
    note = session.get(ReviewNote, note_id)
    if note is None or not policy.can_view_review_note(session, user, note):
        raise NotFound("We could not find that review note.")
    if not policy.can_reply_review(user, note):
        raise Forbidden("Only the mentor and the reviewer reply to a review note.")
    reply = ReviewReply(note_id=note.id, author_id=user.id, body=_text(body, "reply"))
    session.add(reply)
    session.commit()
    return reply


# --- feedback on a mentor's coaching ---------------------------------------------------------
