"""The feedback routes: kinds and ranges, replies, edit and delete, seen, as JSON for the page."""

from __future__ import annotations

import pytest

from service.models import Comment
from tests.factories import ready_clip
from tests.web.forms import JSON, post

ECT = "ect1@northfield.example"
MENTOR = "mentor1@northfield.example"
COORDINATOR = "coordinator@northfield.example"


@pytest.fixture
def clip_id(session, ctx, demo) -> int:
    return ready_clip(session, ctx.storage, ECT, title="Lesson", duration=60.0).id


def _post(client, url: str, **fields):
    return post(client, url, fields, headers=JSON)


def _comment(client, clip_id: int, **fields):
    fields.setdefault("at_seconds", "12")
    fields.setdefault("body", "Calm, clear entry routine")
    return _post(client, f"/clips/{clip_id}/comments", **fields)


def _listed(client, clip_id: int) -> list[dict]:
    return client.get(f"/clips/{clip_id}/comments.json").json["comments"]


def test_a_comment_has_a_kind_and_may_cover_a_range(client, auth, clip_id):
    auth.login(MENTOR)
    response = _comment(client, clip_id, kind="praise", at_seconds="12", end_seconds="30.5")
    assert response.status_code == 201
    comment = response.json["comment"]
    assert comment["kind"] == "praise" and comment["kind_label"] == "Praise"
    assert (comment["at_seconds"], comment["end_seconds"]) == (12.0, 30.5)
    assert comment["can_edit"] is True and comment["replies"] == []
    assert comment["seen"] is False and comment["edited"] is False
    plain = _comment(client, clip_id, end_seconds="").json["comment"]
    assert plain["kind"] == "note" and plain["end_seconds"] is None


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"end_seconds": "5"}, "must come after its start"),
        ({"end_seconds": "75"}, "range is after the end of the clip"),
        ({"end_seconds": "soon"}, "end of the range must be a moment"),
        ({"kind": "rant"}, "choose a kind of feedback"),
        ({"body": "x" * 5001}, "under 5000 characters"),
        ({"body": "  "}, "write a comment first"),
    ],
)
def test_bad_feedback_is_refused_with_a_reason(client, auth, clip_id, ctx, fields, message):
    auth.login(MENTOR)
    response = _comment(client, clip_id, **fields)
    assert response.status_code == 400
    assert message in response.json["error"]
    with ctx.sessions() as s:
        assert s.query(Comment).count() == 0


def test_the_ect_and_the_mentor_reply_in_one_level_of_thread(client, auth, clip_id):
    auth.login(MENTOR)
    top = _comment(client, clip_id, kind="question", body="Why the pause here?").json["comment"]
    auth.logout()
    auth.login(ECT)
    response = _post(client, top["urls"]["reply"], body="To let them settle")
    assert response.status_code == 201
    reply = response.json["comment"]
    assert reply["parent_id"] == top["id"] and "kind" not in reply
    assert response.json["thread_id"] == top["id"]
    auth.logout()
    auth.login(MENTOR)
    again = _post(client, reply["urls"]["reply"], body="It worked")  # a reply to a reply
    assert again.json["comment"]["parent_id"] == top["id"]
    [thread] = _listed(client, clip_id)
    assert [r["body"] for r in thread["replies"]] == ["To let them settle", "It worked"]
    assert [r["can_edit"] for r in thread["replies"]] == [False, True]


def test_replying_to_feedback_on_another_clip_is_refused(client, auth, session, ctx, demo, clip_id):
    other = ready_clip(session, ctx.storage, ECT, title="Other", duration=60.0).id
    auth.login(MENTOR)
    elsewhere = _comment(client, other).json["comment"]
    response = _post(client, f"/clips/{clip_id}/comments/{elsewhere['id']}/replies", body="Hi")
    assert response.status_code == 400
    assert "only reply to feedback on this clip" in response.json["error"]
    missing = _post(client, f"/clips/{clip_id}/comments/99999/replies", body="Hi")
    assert missing.status_code == 404


def test_only_the_author_edits_and_deletes(client, auth, clip_id):
    auth.login(MENTOR)
    top = _comment(client, clip_id).json["comment"]
    auth.logout()
    auth.login(ECT)
    refused = _post(client, top["urls"]["edit"], body="Rewritten")
    assert refused.status_code == 403
    assert "Only the person who wrote a comment can edit it" in refused.json["error"]
    assert _post(client, top["urls"]["delete"]).status_code == 403
    assert _listed(client, clip_id)[0]["can_edit"] is False
    auth.logout()
    auth.login(MENTOR)
    empty = _post(client, top["urls"]["edit"], body="")
    assert empty.status_code == 400 and "write a comment" in empty.json["error"]
    edited = _post(client, top["urls"]["edit"], body="Calm entry", kind="next_step")
    assert edited.status_code == 200
    assert edited.json["thread"]["edited"] is True
    assert edited.json["thread"]["kind"] == "next_step"
    assert _listed(client, clip_id)[0]["body"] == "Calm entry"


def test_deleting_keeps_a_tombstone_only_while_there_are_replies(client, auth, clip_id):
    auth.login(MENTOR)
    lonely = _comment(client, clip_id, at_seconds="3").json["comment"]
    answered = _comment(client, clip_id, at_seconds="9").json["comment"]
    auth.logout()
    auth.login(ECT)
    _post(client, answered["urls"]["reply"], body="Thanks!")
    auth.logout()
    auth.login(MENTOR)
    gone = _post(client, lonely["urls"]["delete"])
    assert gone.status_code == 200
    assert gone.json == {"comment": None, "thread_id": lonely["id"], "thread": None}
    kept = _post(client, answered["urls"]["delete"]).json["thread"]
    assert kept["deleted"] is True and kept["body"] == "" and kept["author"] == ""
    assert [r["body"] for r in kept["replies"]] == ["Thanks!"]
    listed = _listed(client, clip_id)
    assert [c["id"] for c in listed] == [answered["id"]]
    assert "Calm, clear entry routine" not in client.get(f"/clips/{clip_id}").text
    assert _post(client, answered["urls"]["delete"]).status_code == 404  # already deleted


def test_the_ect_marks_feedback_seen_and_the_mentor_sees_it(client, auth, clip_id):
    auth.login(MENTOR)
    top = _comment(client, clip_id).json["comment"]
    refused = _post(client, top["urls"]["seen"])
    assert refused.status_code == 403 and "whose clip this is" in refused.json["error"]
    auth.logout()
    auth.login(ECT)
    seen = _post(client, top["urls"]["seen"])
    assert seen.status_code == 200 and seen.json["thread"]["seen"] is True
    auth.logout()
    auth.login(MENTOR)
    assert _listed(client, clip_id)[0]["seen"] is True
    auth.logout()
    auth.login(ECT)
    unseen = _post(client, top["urls"]["seen"], seen="false")
    assert unseen.json["thread"]["seen"] is False


def test_the_watch_page_offers_kinds_and_the_range_button(client, auth, clip_id):
    auth.login(MENTOR)
    page = client.get(f"/clips/{clip_id}").text
    for kind in ("praise", "next_step", "question", "note"):
        assert f'value="{kind}"' in page
    assert 'id="comment-end-playhead"' in page
    assert 'data-can-mark-seen="false"' in page
    auth.logout()
    auth.login(ECT)
    assert 'data-can-mark-seen="true"' in client.get(f"/clips/{clip_id}").text
    auth.logout()
    auth.login(COORDINATOR)
    page = client.get(f"/clips/{clip_id}").text
    assert 'id="comment-form"' not in page and 'data-can-comment="false"' in page


def test_writes_need_the_csrf_token(client, auth, clip_id, ctx):
    auth.login(MENTOR)
    top = _comment(client, clip_id).json["comment"]
    response = client.post(top["urls"]["reply"], data={"body": "Sneaky"}, headers=JSON)
    assert response.status_code == 400
    assert "session has expired" in response.json["error"]
    assert client.post(top["urls"]["delete"], headers=JSON).status_code == 400
    with ctx.sessions() as s:
        assert s.query(Comment).count() == 1


def test_a_form_post_without_javascript_returns_to_the_moment(client, auth, clip_id):
    auth.login(MENTOR)
    top = _comment(client, clip_id, at_seconds="12").json["comment"]
    response = post(client, top["urls"]["reply"], {"body": "More"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/clips/{clip_id}?t=12.0")
