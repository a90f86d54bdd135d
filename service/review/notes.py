"""Review notes: a reviewer annotates a meeting record, its step or the mentor's comments
against the rubric; the mentor reads and replies."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from service import policy
from service.coaching.steps import MAX_TEXT
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import (
    ActionStep,
    Clip,
    CoachingSession,
    Comment,
    ReviewNote,
    ReviewReply,
    RubricItem,
    SessionReview,
    User,
    Verdict,
)
from service.numbers import parse_integer
from service.review.queue import reviewable_session, session_clips
from service.review.rubrics import trust_of_school


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
    comment_id = parse_integer(raw_id)
    if kind != "comment" or comment_id is None:
        raise InvalidInput(
            "Please choose what the note is about: the session record, its step, "
            "or one of the mentor's comments."
        )
    comment = session.get(Comment, comment_id)
    observed, rehearsals = session_clips(session, record)
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


def _checked(problems: list[str], check):
    """Run one check of a form; note its problem, if any, and go on to the next."""
    try:
        return check()
    except InvalidInput as exc:
        problems.append(exc.message)
        return None


def _rubric_item(
    session: Session, record: CoachingSession, rubric_item_id: int | None
) -> RubricItem:
    item = session.get(RubricItem, rubric_item_id) if rubric_item_id is not None else None
    if item is None or item.trust_id != trust_of_school(session, record.school_id):
        raise InvalidInput("Please choose a rubric item from the list.")
    if item.retired:
        raise InvalidInput(
            f"“{item.label}” is no longer in the rubric: please choose another item."
        )
    return item


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
    # Every problem with the form is named at once, one a line, not one per try.
    problems: list[str] = []
    anchor = _checked(problems, lambda: _anchor(session, record, target))
    item = _checked(problems, lambda: _rubric_item(session, record, rubric_item_id))
    chosen = _checked(problems, lambda: _verdict(verdict))
    text = _checked(problems, lambda: _text(body, "note"))
    if problems:
        raise InvalidInput("\n".join(problems))
    comment_id, step_id, on_session = anchor
    note = ReviewNote(
        reviewer_id=reviewer.id,
        mentor_id=record.mentor_id,
        ect_id=record.ect_id,
        school_id=record.school_id,
        comment_id=comment_id,
        step_id=step_id,
        session_id=on_session,
        rubric_item_id=item.id,
        verdict=chosen,
        body=text,
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
