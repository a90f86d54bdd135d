"""The coaching-on-coaching pages: the reviewer's queue and session page, notes and replies,
the mentor's feedback page, assignments and the rubric; and the ECT never sees a note."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from service.models import (
    AuditAction,
    AuditEvent,
    ReviewerAssignment,
    ReviewNote,
    RubricItem,
    SessionReview,
)
from service.review import notes as review_notes, rubrics
from tests import factories
from tests.factories import user
from tests.web.forms import post

MENTOR, ECT = "mentor1@northfield.example", "ect1@northfield.example"
REVIEWER, COORDINATOR = "reviewer@northfield.example", "coordinator@northfield.example"
TRUST_LEAD = "induction-lead@northfield-trust.example"
SECRET = "Your praise was generic: name the exact move"


@pytest.fixture
def cycle(ctx, session, demo) -> dict[str, int]:
    """mentor1's meeting with ect1 on an observed lesson with the mentor's comment."""
    return factories.review_cycle(session, ctx.storage)


@pytest.fixture
def secret_note(session, cycle) -> int:
    return review_notes.add_review_note(
        session,
        user(session, REVIEWER),
        cycle["session"],
        target=f"comment:{cycle['comment']}",
        rubric_item_id=cycle["item"],
        verdict="work_on",
        body=SECRET,
    ).id


def notes(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(ReviewNote))


# --- the ECT never sees a reviewer's note ----------------------------------------------------


def test_an_ect_fetching_a_note_by_id_gets_404_and_never_sees_its_text(
    client, auth, cycle, secret_note
):
    auth.login(ECT)
    page = client.get(f"/review/notes/{secret_note}")
    assert page.status_code == 404 and SECRET not in page.text
    as_json = client.get(f"/review/notes/{secret_note}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json["status"] == 404
    assert SECRET not in as_json.text
    reply = post(client, f"/review/notes/{secret_note}/replies", {"body": "Hi"})
    assert reply.status_code == 404
    own_pages = [
        "/coaching/",
        f"/coaching/ects/{cycle['ect']}",
        f"/clips/{cycle['clip']}",
        f"/clips/{cycle['clip']}/comments.json",
        f"/review/mentors/{cycle['mentor']}",
    ]
    for url in own_pages:
        response = client.get(url)
        assert SECRET not in response.text, url
        assert "Reviews" not in response.text and "review/notes" not in response.text, url
    assert client.get(f"/clips/{cycle['clip']}/comments.json").json  # the page did answer
    assert client.get(f"/review/mentors/{cycle['mentor']}").status_code == 404
    # The same note is there for the mentor, so the checks above could fail.
    auth.logout()
    auth.login(MENTOR)
    assert SECRET in client.get(f"/review/notes/{secret_note}").text
    assert SECRET in client.get(f"/review/mentors/{cycle['mentor']}").text


# --- the reviewer ---------------------------------------------------------------------------


def test_the_reviewer_works_through_the_queue(client, auth, session, cycle):
    auth.login(REVIEWER)
    queue = client.get("/review/")
    assert queue.status_code == 200
    assert f"/review/sessions/{cycle['session']}" in queue.text
    assert "Cold call after a pause" in queue.text

    page = client.get(f"/review/sessions/{cycle['session']}")
    assert page.status_code == 200
    for shown in ("Good routine", "Everyone thinks", "Pause 3 s", "Nice pause", "Tuesday maths"):
        assert shown in page.text
    assert f"/clips/{cycle['clip']}?t=75" in page.text  # the mentor's comment, at its moment
    assert f'value="comment:{cycle["comment"]}"' in page.text
    assert 'value="step"' in page.text

    added = post(
        client,
        f"/review/sessions/{cycle['session']}/notes",
        {
            "target": f"comment:{cycle['comment']}",
            "rubric_item": str(cycle["item"]),
            "verdict": "strength",
            "body": "Precise: names the pause",
        },
    )
    assert added.status_code == 302
    page = client.get(added.headers["Location"])
    assert "Precise: names the pause" in page.text and "Note added" in page.text
    as_json = post(
        client,
        f"/review/sessions/{cycle['session']}/notes",
        {"target": "step", "rubric_item": str(cycle["item"]), "verdict": "work_on", "body": "Big"},
        headers={"Accept": "application/json"},
    )
    assert as_json.status_code == 201
    assert as_json.json["note"]["step_id"] == cycle["step"]
    assert as_json.json["note"]["verdict"] == "work_on"
    # Notes do not take the session out of the queue; marking it reviewed does.
    assert f"/review/sessions/{cycle['session']}" in client.get("/review/").text
    done = post(client, f"/review/sessions/{cycle['session']}/done")
    assert done.status_code == 302 and done.headers["Location"].endswith("/review/")
    queue = client.get("/review/").text
    waiting = queue.split("Recently reviewed")[0]
    assert f"/review/sessions/{cycle['session']}" not in waiting
    assert f"/review/sessions/{cycle['session']}" in queue  # under "recently reviewed"
    assert session.scalar(select(func.count()).select_from(SessionReview)) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"body": ""}, "Please write the note first."),
        ({"body": "x" * 5001}, "Please keep the note under 5000 characters."),
        ({"rubric_item": ""}, "Please choose a rubric item from the list."),
        ({"rubric_item": "999999"}, "Please choose a rubric item from the list."),
        ({"target": "comment:999999"}, "not one of the mentor's comments"),
        ({"verdict": ""}, "strength or as something to work on"),
    ],
)
def test_bad_notes_get_400_with_the_reason_and_nothing_is_written(
    client, auth, session, cycle, changes, message
):
    auth.login(REVIEWER)
    data = {
        "target": "session",
        "rubric_item": str(cycle["item"]),
        "verdict": "work_on",
        "body": "A note",
        **changes,
    }
    url = f"/review/sessions/{cycle['session']}/notes"
    page = post(client, url, data)
    assert page.status_code == 400
    assert message.replace("'", "&#39;") in page.text
    assert "Add a note" in page.text  # the form again
    as_json = post(client, url, data, headers={"Accept": "application/json"})
    assert as_json.status_code == 400 and message in as_json.json["error"]
    assert notes(session) == 0


def test_a_retired_rubric_item_is_not_offered_and_is_refused(client, auth, session, cycle):
    lead = user(session, TRUST_LEAD)
    rubrics.retire_rubric_item(session, lead, cycle["item"])
    label = session.get(RubricItem, cycle["item"]).label
    auth.login(REVIEWER)
    page = client.get(f"/review/sessions/{cycle['session']}").text
    assert f'value="{cycle["item"]}"' not in page
    refused = post(
        client,
        f"/review/sessions/{cycle['session']}/notes",
        {
            "target": "session",
            "rubric_item": str(cycle["item"]),
            "verdict": "strength",
            "body": "Ok",
        },
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400 and label in refused.json["error"]
    assert notes(session) == 0


# --- the mentor -----------------------------------------------------------------------------


def test_the_mentor_sees_the_patterns_in_their_feedback_and_replies(
    client, auth, session, cycle, secret_note
):
    items = rubrics.rubric_for(session, cycle["trust"])
    for target in ("session", "step"):
        review_notes.add_review_note(
            session,
            user(session, REVIEWER),
            cycle["session"],
            target=target,
            rubric_item_id=items[1].id,
            verdict="work_on",
            body=f"Too big ({target})",
        )
    auth.login(MENTOR)
    mine = client.get("/review/my-coaching")
    assert mine.status_code == 302
    assert mine.headers["Location"].endswith(f"/review/mentors/{cycle['mentor']}")
    page = client.get(mine.headers["Location"]).text
    assert "Feedback on my coaching" in page
    patterns = page.split("By rubric item")[0]
    assert items[1].label in patterns and "2 of 2 notes" in patterns
    table = page.split("<h2>By rubric item</h2>")[1].split("Over time")[0]
    assert table.index(items[1].label) < table.index(items[0].label)  # most "work on" first
    assert date.today().strftime("%B %Y") in page
    assert SECRET in page and "Nice pause" in page  # the note quotes the comment it is about

    note_page = client.get(f"/review/notes/{secret_note}")
    assert "Nice pause" in note_page.text and f"/clips/{cycle['clip']}?t=75" in note_page.text
    empty = post(client, f"/review/notes/{secret_note}/replies", {"body": " "})
    assert empty.status_code == 400 and "Please write the reply first." in empty.text
    replied = post(client, f"/review/notes/{secret_note}/replies", {"body": "Will do"})
    assert replied.status_code == 302
    assert "Will do" in client.get(replied.headers["Location"]).text


def test_a_coordinator_reads_the_feedback_but_does_not_reply(client, auth, cycle, secret_note):
    auth.login(COORDINATOR)
    assert SECRET in client.get(f"/review/mentors/{cycle['mentor']}").text
    page = client.get(f"/review/notes/{secret_note}").text
    assert SECRET in page and "/replies" not in page
    assert post(client, f"/review/notes/{secret_note}/replies", {"body": "x"}).status_code == 403


# --- assignments and the rubric --------------------------------------------------------------


def test_a_coordinator_assigns_and_ends_a_reviewer_and_both_are_audited(
    client, auth, session, demo
):
    reviewer = user(session, "reviewer@riverside.example")  # same trust, another school
    mentor = user(session, MENTOR)
    auth.login(COORDINATOR)
    page = client.get("/review/assignments").text
    assert "Daniel Okafor" in page and "Helen Marsh" in page
    assert "Grace Adeyemi" not in page  # Riverside's mentor is not in this coordinator's scope
    assert f'<option value="{reviewer.id}">' in page
    refused = post(client, "/review/assignments", {"reviewer_id": "", "mentor_id": str(mentor.id)})
    assert refused.status_code == 400 and "Please choose a reviewer from the list." in refused.text
    assigned = post(
        client,
        "/review/assignments",
        {"reviewer_id": str(reviewer.id), "mentor_id": str(mentor.id)},
        headers={"Accept": "application/json"},
    )
    assert assigned.status_code == 201
    assignment_id = assigned.json["assignment"]["id"]
    ended = post(client, f"/review/assignments/{assignment_id}/end")
    assert ended.status_code == 302
    session.expire_all()
    assert session.get(ReviewerAssignment, assignment_id).ended_at is not None
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor.email, e.subject_id) for e in events] == [
        (AuditAction.PERMISSION_CHANGE, COORDINATOR, reviewer.id),
        (AuditAction.PERMISSION_CHANGE, COORDINATOR, reviewer.id),
    ]
    assert all(e.ip == "127.0.0.1" for e in events)
    # Another school's coordinator cannot end Northfield's assignments.
    auth.logout()
    auth.login("coordinator@riverside.example")
    northfield = session.scalar(
        select(ReviewerAssignment.id).where(
            ReviewerAssignment.mentor_id == mentor.id, ReviewerAssignment.ended_at.is_(None)
        )
    )
    assert post(client, f"/review/assignments/{northfield}/end").status_code == 404


def test_the_trust_lead_edits_the_rubric(client, auth, session, demo):
    auth.login(TRUST_LEAD)
    page = client.get("/review/rubric").text
    assert "Praise is specific" in page and "Northfield Learning Trust" in page
    first = re.search(r'name="item_id" value="(\d+)"', page).group(1)
    renamed = post(
        client,
        "/review/rubric",
        {"item_id": first, "label": "Praise names the exact move", "change": "rename"},
    )
    assert renamed.status_code == 302
    assert "Praise names the exact move" in client.get(renamed.headers["Location"]).text
    blank = post(client, "/review/rubric", {"item_id": first, "label": " ", "change": "rename"})
    assert blank.status_code == 400 and "Please write the rubric item" in blank.text
    auth.logout()
    auth.login(COORDINATOR)  # a school's coordinator, not the trust's
    assert client.get("/review/rubric").status_code == 403


def test_a_bad_note_names_every_problem_at_once(client, auth, session, cycle):
    auth.login(REVIEWER)
    url = f"/review/sessions/{cycle['session']}/notes"
    data = {"target": "comment:999999", "rubric_item": "", "verdict": "", "body": " "}
    page = post(client, url, data)
    assert page.status_code == 400
    assert "Please fix these 4 things:" in page.text
    for message in (
        "not one of the mentor&#39;s comments",
        "Please choose a rubric item from the list.",
        "strength or as something to work on",
        "Please write the note first.",
    ):
        assert message in page.text
    assert notes(session) == 0


def test_the_queue_narrows_to_one_mentor_and_never_widens(client, auth, session, cycle):
    from service.coaching.meetings import SessionInput, record_session

    factories.mentorship_between(session, "ect3@northfield.example", "mentor2@northfield.example")
    mentor2 = user(session, "mentor2@northfield.example")
    other = record_session(
        session,
        mentor2,
        user(session, "ect3@northfield.example").id,
        SessionInput(held_on=date.today(), praise="Clear routine"),
    )
    auth.login(REVIEWER)
    everyone = client.get("/review/").text
    assert f"/review/sessions/{cycle['session']}" in everyone
    assert f"/review/sessions/{other.id}" in everyone
    assert 'name="mentor"' in everyone and mentor2.name in everyone

    narrowed = client.get(f"/review/?mentor={mentor2.id}").text
    assert f"/review/sessions/{other.id}" in narrowed
    assert f"/review/sessions/{cycle['session']}" not in narrowed
    assert f'value="{mentor2.id}" selected' in narrowed
    # A mentor the reviewer does not review, or nonsense, shows nothing more than before.
    stranger = user(session, "mentor2@riverside.example")
    elsewhere = client.get(f"/review/?mentor={stranger.id}").text
    assert "/review/sessions/" not in elsewhere.split("Recently reviewed")[0]
    assert "Nothing waiting from that mentor" in elsewhere
    assert client.get("/review/?mentor=abc").status_code == 200


def test_an_assignment_with_neither_choice_names_both_problems(client, auth, session, demo):
    auth.login(COORDINATOR)
    page = post(client, "/review/assignments", {"reviewer_id": "", "mentor_id": ""})
    assert page.status_code == 400
    assert "Please fix these 2 things:" in page.text
    assert "Please choose one of the mentors in your school from the list." in page.text
    assert "Please choose a reviewer from the list." in page.text
