"""Coaching on coaching: assignments, the rubric, notes, replies, the queue and the mentor's
feedback, against a real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from service import accounts
from service.coaching.meetings import SessionInput, record_session
from service.coaching.steps import MAX_TEXT, StepInput, set_action_step
from service.errors import Forbidden, InvalidInput, NotFound
from service.feedback import comments
from service.models import (
    DEFAULT_RUBRIC,
    AuditAction,
    AuditEvent,
    ClipKind,
    CoachingSession,
    ReviewerAssignment,
    ReviewNote,
    ReviewReply,
    Role,
    RubricItem,
    School,
    SessionReview,
    User,
)
from service.review import assignments, mentor_feedback, notes, queue as review_queue, rubrics
from tests import factories
from tests.factories import user
from tests.query_counter import QueryCounter

MENTOR, OTHER_MENTOR = "mentor1@northfield.example", "mentor2@northfield.example"
ECT, OTHER_ECT = "ect1@northfield.example", "ect3@northfield.example"
REVIEWER, OTHER_REVIEWER = "reviewer@northfield.example", "reviewer@riverside.example"
COORDINATOR, OTHER_COORDINATOR = "coordinator@northfield.example", "coordinator@riverside.example"
TRUST_LEAD, ADMIN = "induction-lead@northfield-trust.example", "admin@coachreel.example"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def cycle(ctx, session, demo) -> dict[str, int]:
    """mentor1 coaches ect1: a step, an observed lesson and a rehearsal, each with the
    mentor's comment, and a meeting record that brings them together."""
    mentor, ect = user(session, MENTOR), user(session, ECT)
    step = set_action_step(
        session,
        mentor,
        ect.id,
        StepInput(
            "Circulate in the first two minutes",
            "Stalls cost the task",
            ["Visit every table"],
            "behaviour",
            7,
        ),
    )
    lesson = factories.ready_clip(session, ctx.storage, ECT, title="Tuesday maths")
    rehearsal = factories.ready_clip(
        session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, title="Attempt", step_id=step.id
    )
    on_lesson = comments.add_comment(session, mentor, lesson.id, at_seconds=12, body="Good start")
    on_rehearsal = comments.add_comment(
        session, mentor, rehearsal.id, at_seconds=3, body="Quicker to the back table"
    )
    by_ect = comments.add_comment(session, ect, lesson.id, at_seconds=20, body="I froze here")
    record = record_session(
        session,
        mentor,
        ect.id,
        SessionInput(
            held_on=date.today() - timedelta(days=2),
            praise="Well done",
            step_id=step.id,
            practice_rounds=2,
            observation_clip_ids=[lesson.id],
        ),
    )
    return {
        "session": record.id,
        "step": step.id,
        "lesson": lesson.id,
        "on_lesson": on_lesson.id,
        "on_rehearsal": on_rehearsal.id,
        "by_ect": by_ect.id,
    }


def first_item(session) -> RubricItem:
    school = session.scalar(select(School).where(School.name == "Northfield Primary"))
    return rubrics.rubric_for(session, school.trust_id)[0]


def note(session, cycle, target="session", verdict="work_on", body="Name the move", **kw):
    item = kw.pop("item", None) or first_item(session)
    return notes.add_review_note(
        session,
        kw.pop("reviewer", None) or user(session, REVIEWER),
        kw.pop("session_id", cycle["session"]),
        target=target,
        rubric_item_id=item.id,
        verdict=verdict,
        body=body,
    )


# --- the rubric ------------------------------------------------------------------------------


def test_a_trusts_rubric_is_made_from_the_default_once(session, demo):
    school = session.scalar(select(School).where(School.name == "Northfield Primary"))
    items = rubrics.rubric_for(session, school.trust_id)
    assert [i.label for i in items] == list(DEFAULT_RUBRIC)
    assert rubrics.rubric_for(session, school.trust_id) == items
    outside = rubrics.rubric_for(session, None)  # schools outside a trust have their own copy
    assert {i.id for i in outside}.isdisjoint({i.id for i in items})
    assert count(session, RubricItem) == 2 * len(DEFAULT_RUBRIC)


def test_trust_coordinators_edit_their_rubric_and_retired_items_stay_on_old_notes(session, cycle):
    lead = user(session, TRUST_LEAD)
    item = first_item(session)
    old = note(session, cycle, item=item)
    rubrics.rename_rubric_item(session, lead, item.id, "  Praise names   the move ")
    assert item.label == "Praise names the move"
    added = rubrics.add_rubric_item(session, lead, item.trust_id, "Check for understanding")
    assert added.position == len(DEFAULT_RUBRIC)
    rubrics.move_rubric_item(session, lead, added.id, -1)
    labels = [i.label for i in rubrics.rubric_for(session, item.trust_id)]
    assert labels[-2:] == ["Check for understanding", DEFAULT_RUBRIC[-1]]
    rubrics.retire_rubric_item(session, lead, item.id)
    offered = review_queue.session_for_review(
        session, user(session, REVIEWER), cycle["session"]
    ).rubric
    assert item not in offered and added in offered
    assert session.get(ReviewNote, old.id).rubric_item.label == "Praise names the move"
    with pytest.raises(InvalidInput, match="no longer in the rubric"):
        note(session, cycle, item=item)
    with pytest.raises(InvalidInput, match="already has"):
        rubrics.add_rubric_item(session, lead, item.trust_id, "check for UNDERSTANDING")
    with pytest.raises(InvalidInput, match="already has"):  # a rename may not copy another
        rubrics.rename_rubric_item(session, lead, offered[0].id, "Check for understanding")
    rubrics.rename_rubric_item(session, lead, added.id, "Check for UNDERSTANDING")  # its own
    with pytest.raises(InvalidInput, match="write the rubric item"):
        rubrics.add_rubric_item(session, lead, item.trust_id, "   ")


def test_only_the_trusts_coordinators_and_admins_edit_its_rubric(session, cycle):
    item = first_item(session)
    with pytest.raises(NotFound):
        rubrics.rename_rubric_item(session, user(session, COORDINATOR), item.id, "Mine now")
    with pytest.raises(NotFound):
        rubrics.rubric_to_edit(session, user(session, COORDINATOR), item.trust_id)
    rubrics.rename_rubric_item(session, user(session, ADMIN), item.id, "Admin wording")
    assert session.get(RubricItem, item.id).label == "Admin wording"


# --- assignments -----------------------------------------------------------------------------


def test_assigning_and_ending_a_reviewer_changes_access_and_is_audited(session, cycle):
    coordinator, reviewer = user(session, COORDINATOR), user(session, OTHER_REVIEWER)
    mentor = user(session, MENTOR)
    record = session.get(CoachingSession, cycle["session"])
    with pytest.raises(NotFound):
        review_queue.reviewable_session(session, reviewer, record.id)
    # A reviewer may serve several schools of a trust: Riverside's reviewer, Northfield's mentor.
    assignment = assignments.assign_reviewer(
        session, coordinator, reviewer.id, mentor.id, ip="10.0.0.1"
    )
    assert assignment.assigned_by_id == coordinator.id
    assert review_queue.reviewable_session(session, reviewer, record.id) == record
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor_id, e.subject_id, e.ip) for e in events] == [
        (AuditAction.PERMISSION_CHANGE, coordinator.id, reviewer.id, "10.0.0.1")
    ]
    assert events[0].school_id == record.school_id  # the mentor's school reads it
    assert mentor.name in events[0].detail and reviewer.name in events[0].detail

    with pytest.raises(InvalidInput, match="already reviews"):
        assignments.assign_reviewer(session, coordinator, reviewer.id, mentor.id)
    with pytest.raises(NotFound):  # not a mentor in Riverside's coordinator's scope
        assignments.end_assignment(session, user(session, OTHER_COORDINATOR), assignment.id)
    ended = assignments.end_assignment(session, user(session, TRUST_LEAD), assignment.id)
    assert ended.ended_at is not None
    assert session.get(ReviewerAssignment, assignment.id) is not None  # kept for the record
    with pytest.raises(NotFound):
        review_queue.reviewable_session(session, reviewer, record.id)
    assert count(session, AuditEvent) == 2
    with pytest.raises(InvalidInput, match="already ended"):
        assignments.end_assignment(session, coordinator, assignment.id)


def test_assignment_refusals_write_nothing(session, demo):
    coordinator, mentor = user(session, COORDINATOR), user(session, MENTOR)
    outside = School(name="Hillside Free School")
    session.add(outside)
    session.flush()
    stranger = accounts.create_user(
        session,
        email="reviewer@hillside.example",
        name="Pat Outside",
        password_hash="!",
        role=Role.REVIEWER,
        school_id=outside.id,
    )
    session.commit()
    before = count(session, ReviewerAssignment)
    with pytest.raises(InvalidInput, match="outside"):  # another trust's reviewer
        assignments.assign_reviewer(session, coordinator, stranger.id, mentor.id)
    with pytest.raises(InvalidInput, match="mentors in your school"):  # another school's mentor
        assignments.assign_reviewer(
            session, coordinator, stranger.id, user(session, "mentor1@riverside.example").id
        )
    with pytest.raises(InvalidInput, match="reviewer from the list"):  # not a reviewer
        assignments.assign_reviewer(session, coordinator, user(session, ECT).id, mentor.id)
    with pytest.raises(Forbidden):
        assignments.assign_reviewer(session, mentor, user(session, REVIEWER).id, mentor.id)
    assert count(session, ReviewerAssignment) == before
    assert count(session, AuditEvent) == 0
    # Admins may assign any reviewer.
    assignments.assign_reviewer(session, user(session, ADMIN), stranger.id, mentor.id)
    assert count(session, ReviewerAssignment) == before + 1


def test_the_assignments_page_lists_only_the_coordinators_scope(session, demo):
    view = assignments.assignments_view(session, user(session, COORDINATOR))
    assert {a.mentor.email for a in view.assignments} == {MENTOR, OTHER_MENTOR}
    assert {m.email for m in view.mentors} == {MENTOR, OTHER_MENTOR}
    assert {r.email for r in view.reviewers} == {REVIEWER, OTHER_REVIEWER}  # same trust
    everything = assignments.assignments_view(session, user(session, ADMIN))
    assert len(everything.assignments) == 4


# --- notes -----------------------------------------------------------------------------------


def test_a_reviewer_annotates_the_session_its_step_and_the_mentors_comments(session, cycle):
    on_session = note(session, cycle, "session", "strength")
    on_step = note(session, cycle, "step")
    on_lesson = note(session, cycle, f"comment:{cycle['on_lesson']}")
    on_rehearsal = note(session, cycle, f"comment:{cycle['on_rehearsal']}")
    assert (on_session.session_id, on_session.step_id, on_session.comment_id) == (
        cycle["session"], None, None
    )  # fmt: skip
    assert on_step.step_id == cycle["step"] and on_step.session_id is None
    assert on_lesson.comment_id == cycle["on_lesson"]
    assert on_rehearsal.comment_id == cycle["on_rehearsal"]
    assert on_lesson.mentor_id == user(session, MENTOR).id
    assert on_lesson.ect_id == user(session, ECT).id

    view = review_queue.session_for_review(session, user(session, REVIEWER), cycle["session"])
    assert [n.id for n in view.notes_on("session")] == [on_session.id]
    assert [n.id for n in view.notes_on("step")] == [on_step.id]
    assert [n.id for n in view.notes_on(f"comment:{cycle['on_lesson']}")] == [on_lesson.id]
    assert [c.id for c in view.observed[0].comments] == [cycle["on_lesson"]]  # not the ECT's
    assert [c.id for c in view.rehearsals[0].comments] == [cycle["on_rehearsal"]]
    # A note leaves the session in the queue: the reviewer marks it reviewed when done.
    queue = review_queue.review_queue(session, user(session, REVIEWER))
    assert [e.record.id for e in queue.waiting] == [cycle["session"]]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": "   "}, "write the note"),
        ({"body": "x" * (MAX_TEXT + 1)}, f"under {MAX_TEXT}"),
        ({"verdict": "meh"}, "strength or as something to work on"),
        ({"target": "clip:1"}, "choose what the note is about"),
        ({"target": "comment:by_ect"}, "not one of the mentor's comments"),
        ({"target": "comment:999999"}, "not one of the mentor's comments"),
        ({"rubric_item_id": None}, "rubric item from the list"),
        ({"rubric_item_id": 999999}, "rubric item from the list"),
        ({"rubric_item_id": "other_trust"}, "rubric item from the list"),
    ],
)
def test_bad_notes_are_refused_clearly_and_nothing_is_written(session, cycle, changes, message):
    values = {
        "target": "session",
        "rubric_item_id": first_item(session).id,
        "verdict": "work_on",
        "body": "Name the move",
        **changes,
    }
    if values["target"] == "comment:by_ect":
        values["target"] = f"comment:{cycle['by_ect']}"
    if values["rubric_item_id"] == "other_trust":
        values["rubric_item_id"] = rubrics.rubric_for(session, None)[0].id
    with pytest.raises(InvalidInput, match=message):
        notes.add_review_note(session, user(session, REVIEWER), cycle["session"], **values)
    assert count(session, ReviewNote) == 0


def test_a_session_without_a_step_refuses_a_note_on_its_step(session, cycle):
    bare = record_session(
        session, user(session, MENTOR), user(session, ECT).id, SessionInput(held_on=date.today())
    )
    with pytest.raises(InvalidInput, match="no action step"):
        note(session, cycle, "step", session_id=bare.id)


def test_who_may_annotate_a_session(session, cycle):
    cases = {
        OTHER_REVIEWER: NotFound,  # not assigned to this mentor
        OTHER_MENTOR: NotFound,
        ECT: Forbidden,  # sees their own record, may not annotate it
        MENTOR: Forbidden,
        COORDINATOR: Forbidden,
        ADMIN: Forbidden,
    }
    for email, error in cases.items():
        with pytest.raises(error):
            note(session, cycle, reviewer=user(session, email))
    assert count(session, ReviewNote) == 0


def test_the_ect_never_reads_a_note_and_the_mentor_replies(session, cycle):
    written = note(session, cycle, f"comment:{cycle['on_lesson']}")
    with pytest.raises(NotFound):
        notes.get_note(session, user(session, ECT), written.id)
    with pytest.raises(NotFound):
        notes.reply_to_note(session, user(session, ECT), written.id, "Can I see?")
    with pytest.raises(NotFound):
        notes.get_note(session, user(session, OTHER_MENTOR), written.id)
    view = notes.get_note(session, user(session, MENTOR), written.id)
    assert view.can_reply and view.target.kind == "comment"
    assert view.target.quote == "Good start" and view.target.at_seconds == 12
    assert not notes.get_note(session, user(session, TRUST_LEAD), written.id).can_reply
    with pytest.raises(Forbidden):
        notes.reply_to_note(session, user(session, COORDINATOR), written.id, "Noted")
    with pytest.raises(InvalidInput, match="write the reply"):
        notes.reply_to_note(session, user(session, MENTOR), written.id, "  ")
    notes.reply_to_note(session, user(session, MENTOR), written.id, "I'll name the move")
    notes.reply_to_note(session, user(session, REVIEWER), written.id, "Great")
    replies = session.scalars(select(ReviewReply).order_by(ReviewReply.id)).all()
    assert [(r.author.email, r.body) for r in replies] == [
        (MENTOR, "I'll name the move"),
        (REVIEWER, "Great"),
    ]


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_holds_recent_unreviewed_sessions_oldest_first(session, cycle):
    mentor, reviewer = user(session, MENTOR), user(session, REVIEWER)
    ect2 = user(session, "ect2@northfield.example")
    older = record_session(
        session, mentor, ect2.id, SessionInput(held_on=date.today() - timedelta(days=9))
    )
    newest = record_session(session, mentor, ect2.id, SessionInput(held_on=date.today()))
    record_session(  # too old for the queue
        session,
        mentor,
        ect2.id,
        SessionInput(held_on=date.today() - timedelta(weeks=review_queue.QUEUE_WEEKS, days=1)),
    )
    theirs = record_session(  # another mentor's, whose reviewer is someone else
        session,
        user(session, "mentor1@riverside.example"),
        user(session, "ect1@riverside.example").id,
        SessionInput(held_on=date.today()),
    )
    queue = review_queue.review_queue(session, reviewer)
    assert [e.record.id for e in queue.waiting] == [older.id, cycle["session"], newest.id]
    assert queue.waiting[1].step_title == "Circulate in the first two minutes"
    assert queue.recent == []

    mark = notes.mark_reviewed(session, reviewer, cycle["session"])
    assert notes.mark_reviewed(session, reviewer, cycle["session"]).id == mark.id  # idempotent
    assert count(session, SessionReview) == 1
    queue = review_queue.review_queue(session, reviewer)
    assert [e.record.id for e in queue.waiting] == [older.id, newest.id]
    assert [e.record.id for e in queue.recent] == [cycle["session"]]
    assert theirs.id not in [
        e.record.id for e in review_queue.review_queue(session, reviewer).waiting
    ]
    elsewhere = review_queue.review_queue(session, user(session, OTHER_REVIEWER))
    assert [e.record.id for e in elsewhere.waiting] == [theirs.id]
    with pytest.raises(Forbidden):
        review_queue.review_queue(session, mentor)


def test_the_queue_takes_a_constant_number_of_queries(ctx, session, cycle):
    reviewer_id = user(session, REVIEWER).id
    mentor, ect2 = user(session, MENTOR), user(session, "ect2@northfield.example")

    def queries() -> int:
        session.expunge_all()
        reviewer = session.get(User, reviewer_id)
        with QueryCounter(ctx.engine) as counter:
            queue = review_queue.review_queue(session, reviewer)
            shown = [
                (e.record.mentor.name, e.record.ect.name, e.step_title)
                for e in queue.waiting + queue.recent
            ]
        assert shown
        return counter.count

    record_session(session, mentor, ect2.id, SessionInput(held_on=date.today()))
    notes.mark_reviewed(session, user(session, REVIEWER), cycle["session"])
    few = queries()  # one session waiting, one reviewed
    for days in range(1, 6):
        more = record_session(
            session, mentor, ect2.id, SessionInput(held_on=date.today() - timedelta(days))
        )
        if days % 2:
            notes.mark_reviewed(session, user(session, REVIEWER), more.id)
    assert queries() == few


# --- feedback on a mentor's coaching ---------------------------------------------------------


def test_the_mentors_feedback_shows_patterns_and_who_reads_it(session, cycle):
    items = rubrics.rubric_for(session, first_item(session).trust_id)
    praise, step_size = items[0], items[1]
    note(session, cycle, "step", "work_on", "Too big for a week", item=step_size)
    note(session, cycle, "session", "work_on", "Split it in two", item=step_size)
    note(session, cycle, "session", "strength", "Precise praise", item=praise)
    # A second reviewer of the same mentor: the first does not read their notes.
    mentor, second = user(session, MENTOR), user(session, OTHER_REVIEWER)
    assignments.assign_reviewer(session, user(session, ADMIN), second.id, mentor.id)
    note(session, cycle, "session", "work_on", "Second opinion", item=praise, reviewer=second)

    mine = mentor_feedback.mentor_feedback(session, mentor, mentor.id)
    assert mine.total == 4
    assert [(c.label, c.strength, c.work_on) for c in mine.counts[:2]] == [
        (step_size.label, 0, 2),
        (praise.label, 1, 1),
    ]
    assert {c.work_on + c.strength for c in mine.counts[2:]} == {0}  # the unused items, as zero
    assert [c.label for c in mine.patterns] == [step_size.label]
    assert [entry.note.body for _, entries in mine.months for entry in entries][0] == (
        "Second opinion"  # newest first
    )
    first = mentor_feedback.mentor_feedback(session, user(session, REVIEWER), mentor.id)
    assert first.total == 3
    assert mentor_feedback.mentor_feedback(session, user(session, TRUST_LEAD), mentor.id).total == 4
    for email in (ECT, OTHER_MENTOR, OTHER_COORDINATOR, "ect2@northfield.example"):
        with pytest.raises(NotFound):
            mentor_feedback.mentor_feedback(session, user(session, email), mentor.id)


def test_the_mentors_feedback_takes_a_constant_number_of_queries(ctx, session, cycle):
    mentor_id = user(session, MENTOR).id

    def queries() -> int:
        session.expunge_all()
        mentor = session.get(User, mentor_id)
        with QueryCounter(ctx.engine) as counter:
            feedback = mentor_feedback.mentor_feedback(session, mentor, mentor_id)
            shown = [
                (e.note.rubric_item.label, e.note.reviewer.name, e.ect.name, e.target.quote)
                + (len(e.note.replies), [c.label for c in feedback.counts])
                for _, entries in feedback.months
                for e in entries
            ]
        assert shown
        return counter.count

    def one_of_each(comment: str) -> None:
        for target in ("session", "step", f"comment:{cycle[comment]}"):
            written = note(session, cycle, target)
            notes.reply_to_note(session, user(session, MENTOR), written.id, "Thanks")

    one_of_each("on_lesson")
    few = queries()
    one_of_each("on_rehearsal")
    one_of_each("on_lesson")
    assert queries() == few
