"""The clips page for a coordinator with hundreds of clips: filters (school, teacher, kind,
status, dates) as GET parameters, 24 clips a page with page links and a count; bad values are
ignored with a note, and filters only ever narrow what the user may already see."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from service.clips import lifecycle
from service.models import ClipKind
from tests.factories import school_of, upload, user

TRUST_LEAD = "induction-lead@northfield-trust.example"
NORTH_COORDINATOR = "coordinator@northfield.example"
ECT, PEER, RIVER_ECT = (
    "ect1@northfield.example",
    "ect2@northfield.example",
    "ect1@riverside.example",
)
START = date(2026, 1, 5)


@pytest.fixture
def many(ctx, session, demo) -> dict[str, int]:
    """50 lessons of ECT's (one a day from START), 6 rehearsals of PEER's (2 failed), and 4
    lessons at Riverside: 60 clips the trust's coordinator sees."""
    for day in range(50):
        clip = upload(session, ctx.storage, ECT, b"x", title=f"North lesson {day:02d}")
        clip.recorded_on = START + timedelta(days=day)
    for n in range(6):
        clip = upload(session, ctx.storage, PEER, b"x", title=f"Peer rehearsal {n}")
        clip.kind = ClipKind.REHEARSAL
        if n < 2:
            lifecycle.mark_failed(session, clip.id, "Not a video.")
    for n in range(4):
        upload(session, ctx.storage, RIVER_ECT, b"x", title=f"River lesson {n}")
    session.commit()
    return {
        "north": school_of(session, ECT),
        "river": school_of(session, RIVER_ECT),
        "ect": user(session, ECT).id,
        "peer": user(session, PEER).id,
        "river_ect": user(session, RIVER_ECT).id,
    }


def page(client, **params) -> str:
    response = client.get("/clips/", query_string=params)
    assert response.status_code == 200
    return html.unescape(response.text)


def titles(text: str) -> list[str]:
    return re.findall(r'<strong class="title">([^<]+)</strong>', text)


def count(text: str) -> str:
    found = re.search(r'id="clip-count"[^>]*>([^<]+)</p>', text)
    return found.group(1).strip() if found else ""


def notes(text: str) -> list[str]:
    return re.findall(r'class="flash filter-note"[^>]*>([^<]+)</p>', text)


def test_pages_of_24_with_a_count_and_page_links(client, auth, many):
    auth.login(TRUST_LEAD)
    first = page(client)
    assert count(first) == "Showing 1–24 of 60 clips" and len(titles(first)) == 24
    assert 'aria-current="page" href="/clips/?page=1"' in first
    assert 'href="/clips/?page=3"' in first and 'rel="next"' in first and 'rel="prev"' not in first
    second = page(client, page=2)
    assert count(second) == "Showing 25–48 of 60 clips"
    assert 'rel="prev"' in second and 'rel="next"' in second
    last = page(client, page=3)
    assert count(last) == "Showing 49–60 of 60 clips" and len(titles(last)) == 12
    assert 'rel="next"' not in last
    # Every clip once across the pages, newest first.
    everything = titles(first) + titles(second) + titles(last)
    assert len(set(everything)) == 60 and everything[0] == "River lesson 3"


def test_each_filter_narrows_and_the_page_links_keep_them(client, auth, many):
    auth.login(TRUST_LEAD)
    river = page(client, school=many["river"])
    assert sorted(titles(river)) == [f"River lesson {n}" for n in range(4)]
    assert count(river) == "Showing 1–4 of 4 clips that match"
    assert titles(page(client, ect=many["peer"])) == [
        f"Peer rehearsal {n}" for n in range(5, -1, -1)
    ]
    assert len(titles(page(client, kind="rehearsal"))) == 6
    assert sorted(titles(page(client, status="failed"))) == ["Peer rehearsal 0", "Peer rehearsal 1"]
    dated = page(client, ect=many["ect"], **{"from": "2026-01-10", "to": "2026-01-12"})
    assert sorted(titles(dated)) == ["North lesson 05", "North lesson 06", "North lesson 07"]
    # Filters and pages together: 50 lessons of ECT's, page 2 keeps the filter in its links.
    lessons = page(client, ect=many["ect"], kind="lesson", page=2)
    assert count(lessons) == "Showing 25–48 of 50 clips that match"
    assert (
        f'href="/clips/?page=3&amp;ect={many["ect"]}&amp;kind=lesson"'
        in client.get(
            "/clips/", query_string={"ect": many["ect"], "kind": "lesson", "page": 2}
        ).text
    )
    assert "Clear filters" in lessons and "Shared with you" not in lessons


@pytest.mark.parametrize(
    ("params", "note"),
    [
        ({"school": "abc"}, "That school has no clips you can see, so all schools are shown."),
        ({"school": "99999999999"}, "That school has no clips you can see"),
        ({"ect": "-3"}, "That teacher has no clips you can see, so all teachers are shown."),
        ({"kind": "outtake"}, "That kind of clip is not one we know, so every kind is shown."),
        ({"status": "lost"}, "That status is not one we know"),
        (
            {"from": "last tuesday"},
            "“last tuesday” is not a date, so the “from” date was left out.",
        ),
        ({"page": "0"}, "That page number is not one we can show, so this is the first page."),
        ({"page": "two"}, "That page number is not one we can show"),
        ({"page": "40"}, "There are only 3 pages of clips, so this is the last one."),
    ],
)
def test_bad_values_are_ignored_with_a_clear_note(client, auth, many, params, note):
    auth.login(TRUST_LEAD)
    text = page(client, **params)
    assert any(n.startswith(note) for n in notes(text)), notes(text)
    assert count(text).endswith("of 60 clips")  # nothing was narrowed by the bad value
    if params.get("page") == "40":
        assert count(text) == "Showing 49–60 of 60 clips"


def test_dates_the_wrong_way_round_are_swapped(client, auth, many):
    auth.login(TRUST_LEAD)
    text = page(client, ect=many["ect"], **{"from": "2026-01-12", "to": "2026-01-10"})
    assert notes(text) == ["The “from” date was after the “to” date, so we swapped them."]
    assert len(titles(text)) == 3


def test_filters_never_widen_what_the_user_may_see(client, auth, many):
    # Northfield's coordinator asks for Riverside, and for a Riverside teacher: both refused.
    auth.login(NORTH_COORDINATOR)
    assert count(page(client)) == "Showing 1–24 of 56 clips"
    for params in ({"school": many["river"]}, {"ect": many["river_ect"]}):
        text = page(client, **params)
        assert not any(t.startswith("River") for t in titles(text))
        assert count(text) == "Showing 1–24 of 56 clips" and len(notes(text)) == 1
    # An ECT asks for a colleague's clips: a note, and still only their own.
    auth.login(PEER)
    text = page(client, ect=many["ect"])
    assert notes(text) and set(titles(text)) == {f"Peer rehearsal {n}" for n in range(6)}
    # The choices offered are only what the user sees: no school or teacher menu for one each.
    assert 'name="school"' not in text and 'name="ect"' not in text


def test_no_match_says_so_with_a_way_back(client, auth, many):
    auth.login(TRUST_LEAD)
    text = page(client, school=many["river"], kind="rehearsal")
    assert "No clips match these filters." in text and 'href="/clips/"' in text
    assert count(text) == ""
