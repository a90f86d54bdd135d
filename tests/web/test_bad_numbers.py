"""Numbers people send are read strictly: a bad one answers 400 or 404 with a message a person
can read, never a server error. Superscript digits pass ``str.isdigit`` and then crash
``int``, full-width digits read as other ids, and ids past what the database holds fail the
query: in URLs, in the tus headers, in form fields and in query strings."""

from __future__ import annotations

import base64
import re
from datetime import date

import pytest
from sqlalchemy import select

from service.models import ClipKind, CoachingSession, ConsentState, ReviewNote
from service.numbers import MAX_BIGINT, MAX_ID, parse_integer
from service.privacy import shares
from tests.factories import ready_clip, review_cycle, user
from tests.web.forms import JSON, post, token
from web.errors import MESSAGES

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
REVIEWER, COORDINATOR = "reviewer@northfield.example", "coordinator@northfield.example"
ADMIN = "admin@coachreel.example"

# Not a number any of these places can use; the empty value is added where it means something.
BAD = {
    "superscript": "²³",
    "full-width": "１２",
    "arabic-indic": "٣",
    "past 64 bits": "9" * 20,
    "past 32 bits": str(MAX_ID + 1),
    "thousands of digits": "9" * 5000,
    "negative": "-1",
    "plus sign": "+1",
}
BAD_OR_EMPTY = {**BAD, "empty": ""}
# Byte counts are BIGINT columns: 2**31 bytes is a real (2 GiB) file, so that value is left out.
BAD_SIZES = {
    **{k: v for k, v in BAD_OR_EMPTY.items() if k != "past 32 bits"},
    "past 64 bits": str(MAX_BIGINT + 1),
}


def cases(values: dict[str, str]):
    return pytest.mark.parametrize("value", list(values.values()), ids=list(values))


# --- the one parser -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("0", 0), ("42", 42), ("007", 7), (str(MAX_ID), MAX_ID), ("0" * 30 + "5", 5)],
)
def test_ascii_digits_within_range_are_read(text, expected):
    assert parse_integer(text) == expected


@cases(BAD_OR_EMPTY)
def test_anything_else_reads_as_none(value):
    assert parse_integer(value) is None


def test_signed_and_wider_ranges_are_asked_for():
    assert parse_integer("-5", minimum=-10) == -5
    assert parse_integer("-11", minimum=-10) is None
    assert parse_integer("--5", minimum=-10) is None and parse_integer("-", minimum=-10) is None
    assert parse_integer(str(MAX_BIGINT), maximum=MAX_BIGINT) == MAX_BIGINT
    assert parse_integer(str(MAX_BIGINT + 1), maximum=MAX_BIGINT) is None
    assert parse_integer(None) is None and parse_integer(12) is None


# --- ids in URLs ----------------------------------------------------------------------------

_PART = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?\w+>")


def _url(rule: str, number: str) -> str:
    """Fill a URL rule: ``number`` for each id, the first choice or "x" for anything else."""

    def fill(part: re.Match) -> str:
        converter, arguments = part.group(1), part.group(2)
        if converter == "int":
            return number
        if converter == "any":
            return arguments.split(",")[0].strip().strip("'\"")
        return "x"

    return _PART.sub(fill, rule)


def test_every_id_in_a_url_uses_the_strict_converter(app):
    from web.routing import IdConverter

    with_ids = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert len(with_ids) > 40  # every area's routes, and the queue dashboard's
    for rule in with_ids:
        assert all(
            isinstance(c, IdConverter)
            for n, c in rule._converters.items()
            if f"int:{n}" in rule.rule
        ), rule.rule


@cases(BAD)
def test_a_bad_id_in_any_url_is_not_found(app, client, auth, demo, value):
    auth.login(ADMIN)
    answers = {}
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        response = client.open(_url(rule.rule, value), method=method, headers=JSON)
        # Where the same path has another rule for other methods (GET and POST of a school's
        # privacy settings), werkzeug answers 405 for that path's methods instead: still no id.
        status = response.status_code
        if status not in (404, 405) or response.json != {
            "error": MESSAGES[status],
            "status": status,
        }:
            answers[rule.rule] = (status, response.get_data(as_text=True)[:200])
    assert answers == {}


def test_full_width_digits_do_not_name_a_clip(ctx, session, client, auth, demo):
    clip = ready_clip(session, ctx.storage, ECT)
    auth.login(ECT)
    full_width = "".join(chr(ord("０") + int(d)) for d in str(clip.id))
    assert client.get(f"/clips/{clip.id}").status_code == 200
    assert client.get(f"/clips/{full_width}").status_code == 404
    assert client.get(f"/clips/{clip.id}/status.json").status_code == 200
    assert client.get(f"/clips/{full_width}/status.json").status_code == 404


# --- sizes in the tus headers ---------------------------------------------------------------


def _metadata(**fields: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in fields.items())


LESSON = {
    "filename": "lesson.mp4",
    "kind": "lesson",
    "title": "Year 7 history",
    "recorded_on": date.today().isoformat(),
}


@pytest.fixture
def tus(client, auth, demo) -> dict[str, str]:
    auth.login(ECT)
    return {"Tus-Resumable": "1.0.0", **JSON, "X-CSRFToken": token(client)}


def _create(client, tus, length: str, **fields: str):
    headers = {**tus, "Upload-Length": length, "Upload-Metadata": _metadata(**{**LESSON, **fields})}
    return client.post("/uploads/tus", headers=headers)


@cases(BAD_SIZES)
def test_a_bad_upload_length_is_400(client, tus, value):
    response = _create(client, tus, value)
    assert response.status_code == 400
    assert response.json["error"] == "The upload must say how large the file is."


@cases(BAD_SIZES)
def test_a_bad_upload_offset_is_400(client, tus, value):
    created = _create(client, tus, "10")
    assert created.status_code == 201
    headers = {**tus, "Upload-Offset": value, "Content-Type": "application/offset+octet-stream"}
    response = client.patch(created.headers["Location"], data=b"x", headers=headers)
    assert response.status_code == 400
    assert response.json["error"] == "The chunk must say where in the file it goes."
    assert client.head(created.headers["Location"], headers=tus).headers["Upload-Offset"] == "0"


@cases(BAD)
def test_a_bad_step_or_class_in_the_upload_metadata_is_400(client, tus, value):
    step = _create(client, tus, "10", kind="rehearsal", step=value)
    assert step.status_code == 400
    assert step.json["error"] == "A rehearsal must be linked to one of your own action steps."
    school_class = _create(client, tus, "10", **{"class": value})
    assert school_class.status_code == 400
    assert school_class.json["error"] == "Please choose one of your school's classes, or no class."


# --- ids and numbers in forms and query strings ---------------------------------------------


@pytest.fixture
def review(ctx, session, demo) -> dict[str, int]:
    """mentor1's meeting with ect1 on an observed lesson, ready for the reviewer's notes."""
    return review_cycle(session, ctx.storage)


@cases(BAD_OR_EMPTY)
def test_a_review_note_on_a_bad_comment_id_is_400(client, auth, session, review, value):
    auth.login(REVIEWER)
    data = {
        "target": f"comment:{value}",
        "rubric_item": str(review["item"]),
        "verdict": "work_on",
        "body": "A note",
    }
    response = post(client, f"/review/sessions/{review['session']}/notes", data, headers=JSON)
    assert response.status_code == 400
    assert response.json["error"].startswith("Please choose what the note is about")
    assert session.scalar(select(ReviewNote)) is None


@pytest.mark.parametrize("name", ["before", "clip", "person"])
@cases(BAD)
def test_a_bad_audit_log_filter_is_400(client, auth, demo, name, value):
    auth.login(COORDINATOR)
    response = client.get("/audit-log/", query_string={name: value}, headers=JSON)
    assert response.status_code == 400
    assert response.json["error"] == f"The {name} filter must be a number from a link on this page."
    assert client.get("/audit-log/", query_string={name: ""}).status_code == 200


@cases(BAD)
def test_a_bad_academic_year_is_400(ctx, session, client, auth, demo, value):
    school_id = ready_clip(session, ctx.storage, ECT).school_id
    auth.login(COORDINATOR)
    for page in ("charts", "terms"):
        url = f"/induction/schools/{school_id}/{page}"
        response = client.get(url, query_string={"year": value}, headers=JSON)
        assert response.status_code == 400, url
        assert response.json["error"] == "Please choose an academic year between 2000 and 2100."


@cases(BAD)
def test_a_bad_colleague_or_period_for_a_share_is_400(ctx, session, client, auth, demo, value):
    clip = ready_clip(session, ctx.storage, ECT, consent_after=ConsentState.ALL_CONSENTED)
    colleague = user(session, "ect2@northfield.example")
    auth.login(ECT)
    url = f"/clips/{clip.id}/shares"
    no_one = post(client, url, {"colleague": value, "days": "14"}, headers=JSON)
    assert no_one.status_code == 400
    assert no_one.json["error"] == shares.NOT_A_COLLEAGUE
    too_long = post(client, url, {"colleague": str(colleague.id), "days": value}, headers=JSON)
    assert too_long.status_code == 400
    assert too_long.json["error"].startswith("Please choose how long to share the clip")


@cases({k: v for k, v in BAD.items() if k != "negative"})
def test_a_bad_retention_period_is_400(ctx, session, client, auth, demo, value):
    school_id = ready_clip(session, ctx.storage, ECT).school_id
    auth.login(COORDINATOR)
    data = {"original_retention_days": value, "clip_retention_days": "90"}
    response = post(client, f"/privacy/schools/{school_id}", data, headers=JSON)
    assert response.status_code == 400
    assert "keep original uploads as a whole number" in response.json["error"]


@cases(BAD_OR_EMPTY)
def test_bad_observed_clip_ids_are_left_out_of_a_meeting_record(
    ctx, session, client, auth, demo, value
):
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON)
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    data = {
        "held_on": date.today().isoformat(),
        "observation_clip_ids": [value, str(lesson.id)],
        "praise": "Crisp countdown.",
    }
    response = post(client, f"/coaching/ects/{ect_id}/sessions/new", data)
    assert response.status_code == 302
    session.expire_all()
    record = session.scalar(select(CoachingSession))
    assert [c.id for c in record.observation_clips] == [lesson.id]
