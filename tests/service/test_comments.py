"""Feedback use cases: kinds, ranges, one level of replies, edit and delete, seen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from service.errors import Forbidden, InvalidInput, NotFound
from service.feedback import comments
from service.models import Clip, Comment, CommentKind, User
from tests.factories import ready_clip, user

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
OTHER_MENTOR = "mentor2@northfield.example"
COORDINATOR = "coordinator@northfield.example"
OTHER_ECT = "ect1@riverside.example"


@pytest.fixture
def clip_id(session, ctx, demo) -> int:
    return ready_clip(session, ctx.storage, ECT, duration=60.0).id


@pytest.fixture
def ect(session, demo) -> User:
    return user(session, ECT)


@pytest.fixture
def mentor(session, demo) -> User:
    return user(session, MENTOR)


def _add(session, user, clip_id, at=10.0, body="Clear instruction", **kw) -> Comment:
    return comments.add_comment(session, user, clip_id, at_seconds=at, body=body, **kw)


def test_a_comment_has_a_kind_note_by_default_and_may_cover_a_range(session, clip_id, mentor):
    note = _add(session, mentor, clip_id, at=3.0)
    praise = _add(
        session, mentor, clip_id, at=12.345, end_seconds=40.0, kind="praise", body="Calm entry"
    )
    assert note.kind == CommentKind.NOTE and note.end_seconds is None
    assert praise.kind == CommentKind.PRAISE
    assert (praise.at_seconds, praise.end_seconds) == (12.35, 40.0)
    threads = comments.clip_comments(session, mentor, clip_id)
    assert [(t.comment.body, t.replies) for t in threads] == [
        ("Clear instruction", []),
        ("Calm entry", []),
    ]


@pytest.mark.parametrize(
    "at, end, kind, body, message",
    [
        (1.0, None, "note", "   ", "write a comment"),
        (1.0, None, "note", "x" * 5001, "under 5000 characters"),
        (1.0, None, "shout", "x", "choose a kind of feedback"),
        (float("nan"), None, "note", "x", "moment in the clip"),
        (-1.0, None, "note", "x", "moment in the clip"),
        (61.0, None, "note", "x", "after the end of the clip"),
        (10.0, 5.0, "note", "x", "must come after its start"),
        (10.0, 10.0, "note", "x", "must come after its start"),
        (10.0, 61.0, "note", "x", "range is after the end of the clip"),
        (10.0, float("inf"), "note", "x", "must be a moment in the clip"),
    ],
)
def test_bad_comments_are_refused_with_a_reason(
    session, clip_id, mentor, at, end, kind, body, message
):
    with pytest.raises(InvalidInput, match=message):
        _add(session, mentor, clip_id, at=at, end_seconds=end, kind=kind, body=body)
    assert session.scalars(select(Comment)).all() == []


def test_only_the_owner_and_their_mentor_comment(session, clip_id, demo):
    with pytest.raises(Forbidden):
        _add(session, user(session, COORDINATOR), clip_id)
    with pytest.raises(NotFound):
        _add(session, user(session, OTHER_MENTOR), clip_id)


def test_replies_form_one_level_and_keep_the_thread_moment(session, clip_id, ect, mentor):
    top = _add(session, mentor, clip_id, at=20.0, end_seconds=30.0, kind="question")
    first = comments.reply_to_comment(session, ect, clip_id, top.id, body="I was counting down")
    second = comments.reply_to_comment(session, mentor, clip_id, first.id, body="It worked")
    assert first.parent_id == top.id and second.parent_id == top.id  # not nested under `first`
    assert (second.at_seconds, second.end_seconds, second.kind) == (20.0, None, CommentKind.NOTE)
    [thread] = comments.clip_comments(session, ect, clip_id)
    assert thread.comment.id == top.id
    assert [r.body for r in thread.replies] == ["I was counting down", "It worked"]


def test_a_reply_must_be_to_feedback_on_the_same_clip(session, ctx, clip_id, ect, mentor):
    other_clip = ready_clip(session, ctx.storage, ECT, duration=60.0).id
    elsewhere = _add(session, mentor, other_clip)
    with pytest.raises(InvalidInput, match="only reply to feedback on this clip"):
        comments.reply_to_comment(session, ect, clip_id, elsewhere.id, body="Hm")
    with pytest.raises(NotFound):
        comments.reply_to_comment(session, ect, clip_id, 9999, body="Hm")
    with pytest.raises(InvalidInput, match="write a comment"):
        comments.reply_to_comment(session, ect, other_clip, elsewhere.id, body=" ")


def test_a_reply_cannot_point_at_a_clip_the_user_may_not_see(session, ctx, clip_id, demo):
    foreign_clip = ready_clip(session, ctx.storage, OTHER_ECT, duration=60.0).id
    foreign = _add(session, user(session, OTHER_ECT), foreign_clip)
    mentor = user(session, MENTOR)
    with pytest.raises(NotFound):  # not "another clip": that would say the comment exists
        comments.reply_to_comment(session, mentor, clip_id, foreign.id, body="Hi")


def test_only_the_author_edits_and_the_edit_is_marked(session, clip_id, ect, mentor):
    comment = _add(session, mentor, clip_id, kind="note")
    with pytest.raises(Forbidden, match="Only the person who wrote"):
        comments.edit_comment(session, ect, clip_id, comment.id, body="Mine now")
    same = "Clear instruction"
    unchanged = comments.edit_comment(session, mentor, clip_id, comment.id, body=same)
    assert unchanged.edited_at is None  # the same words are not an edit
    edited = comments.edit_comment(
        session, mentor, clip_id, comment.id, body="Very clear instruction", kind="praise"
    )
    assert edited.edited_at is not None
    assert (edited.body, edited.kind) == ("Very clear instruction", CommentKind.PRAISE)
    with pytest.raises(InvalidInput, match="write a comment"):
        comments.edit_comment(session, mentor, clip_id, comment.id, body="")
    with pytest.raises(InvalidInput, match="choose a kind"):
        comments.edit_comment(session, mentor, clip_id, comment.id, body="x", kind="rant")
    assert session.get(Comment, comment.id).body == "Very clear instruction"


def test_a_reply_has_no_kind_to_edit(session, clip_id, ect, mentor):
    top = _add(session, mentor, clip_id)
    reply = comments.reply_to_comment(session, ect, clip_id, top.id, body="Thanks")
    with pytest.raises(InvalidInput, match="no kind of its own"):
        comments.edit_comment(session, ect, clip_id, reply.id, body="Thanks!", kind="praise")
    assert comments.edit_comment(session, ect, clip_id, reply.id, body="Thanks!").edited_at


def test_editing_a_comment_on_another_clip_is_not_found(session, ctx, clip_id, mentor):
    other_clip = ready_clip(session, ctx.storage, ECT, duration=60.0).id
    comment = _add(session, mentor, other_clip)
    with pytest.raises(NotFound):
        comments.edit_comment(session, mentor, clip_id, comment.id, body="x")


def test_deleting_without_replies_removes_it_from_the_list(session, clip_id, ect, mentor):
    comment = _add(session, mentor, clip_id)
    with pytest.raises(Forbidden):
        comments.delete_comment(session, ect, clip_id, comment.id)
    comments.delete_comment(session, mentor, clip_id, comment.id)
    assert comments.clip_comments(session, mentor, clip_id) == []
    row = session.get(Comment, comment.id)
    assert row.deleted_at is not None and row.body == ""  # the row stays, the words go
    with pytest.raises(NotFound, match="deleted"):
        comments.delete_comment(session, mentor, clip_id, comment.id)
    with pytest.raises(NotFound, match="deleted"):
        comments.edit_comment(session, mentor, clip_id, comment.id, body="Back")


def test_deleting_a_comment_with_replies_leaves_a_tombstone(session, clip_id, ect, mentor):
    top = _add(session, mentor, clip_id)
    reply = comments.reply_to_comment(session, ect, clip_id, top.id, body="What did you mean?")
    comments.delete_comment(session, mentor, clip_id, top.id)
    [thread] = comments.clip_comments(session, ect, clip_id)
    assert thread.comment.is_deleted and thread.comment.body == ""
    assert [r.body for r in thread.replies] == ["What did you mean?"]
    with pytest.raises(InvalidInput, match="deleted"):
        comments.reply_to_comment(session, mentor, clip_id, reply.id, body="Never mind")
    # When its last reply goes, the tombstone goes too.
    comments.delete_comment(session, ect, clip_id, reply.id)
    assert comments.clip_comments(session, ect, clip_id) == []


def test_the_owner_marks_feedback_seen_and_an_edit_unsees_it(session, clip_id, ect, mentor):
    comment = _add(session, mentor, clip_id)
    with pytest.raises(Forbidden, match="whose clip this is"):
        comments.mark_seen(session, mentor, clip_id, comment.id)
    with pytest.raises(Forbidden):
        comments.mark_seen(session, user(session, COORDINATOR), clip_id, comment.id)
    seen = comments.mark_seen(session, ect, clip_id, comment.id)
    assert seen.seen_at is not None and seen.seen_by_id == ect.id
    first = seen.seen_at
    assert comments.mark_seen(session, ect, clip_id, comment.id).seen_at == first  # idempotent
    comments.edit_comment(session, mentor, clip_id, comment.id, body="Changed my mind")
    assert session.get(Comment, comment.id).seen_at is None
    comments.mark_seen(session, ect, clip_id, comment.id)
    assert comments.mark_seen(session, ect, clip_id, comment.id, seen=False).seen_at is None


def test_only_feedback_from_others_is_marked_seen(session, clip_id, ect, mentor):
    own = _add(session, ect, clip_id, body="Note to self")
    with pytest.raises(InvalidInput, match="your own comment"):
        comments.mark_seen(session, ect, clip_id, own.id)
    top = _add(session, mentor, clip_id)
    reply = comments.reply_to_comment(session, mentor, clip_id, top.id, body="And also")
    with pytest.raises(InvalidInput, match="reply belongs to"):
        comments.mark_seen(session, ect, clip_id, reply.id)


def test_threads_come_in_time_order_and_hide_deleted_replies(session, clip_id, ect, mentor):
    late = _add(session, mentor, clip_id, at=50.0, body="Late")
    early = _add(session, mentor, clip_id, at=5.0, body="Early")
    kept = comments.reply_to_comment(session, ect, clip_id, late.id, body="Kept")
    gone = comments.reply_to_comment(session, ect, clip_id, late.id, body="Gone")
    comments.delete_comment(session, ect, clip_id, gone.id)
    threads = comments.clip_comments(session, mentor, clip_id)
    assert [t.comment.id for t in threads] == [early.id, late.id]
    assert [r.id for r in threads[1].replies] == [kept.id]
    assert comments.Thread.of(kept).replies == [kept]


def test_a_coordinator_reads_threads_but_cannot_reply(session, clip_id, mentor, demo):
    top = _add(session, mentor, clip_id)
    coordinator = user(session, COORDINATOR)
    assert len(comments.clip_comments(session, coordinator, clip_id)) == 1
    with pytest.raises(Forbidden):
        comments.reply_to_comment(session, coordinator, clip_id, top.id, body="Hello")
    with pytest.raises(NotFound):
        comments.clip_comments(session, user(session, OTHER_MENTOR), clip_id)


def test_deleting_a_clip_takes_its_threads_with_it(session, clip_id, ect, mentor):
    top = _add(session, mentor, clip_id)
    comments.reply_to_comment(session, ect, clip_id, top.id, body="Thanks")
    session.delete(session.get(Clip, clip_id))
    session.commit()
    assert session.scalars(select(Comment)).all() == []
