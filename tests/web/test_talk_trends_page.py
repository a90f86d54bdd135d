"""The talk trends page: small multiples with the steps marked, the figures as a table, the
before/after summary, sharing, and who may see it."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from service.talk import trends
from service.talk.figures import share_with_mentor
from tests.factories import base_day, mentorship_between, step_on, talk_clip, user
from web.talk.charts import HEIGHT, LEFT, RIGHT, WIDTH, chart_layout, nice_max, short_date

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def share(session, shared: bool) -> None:
    pairing = mentorship_between(session, ECT, MENTOR)
    share_with_mentor(session, user(session, ECT), pairing.id, shared)


@pytest.fixture
def figures(ctx, session, demo) -> dict:
    """Three clips (a rehearsal without questions among them) and two steps between them."""
    ect = user(session, ECT)
    d0 = base_day()
    clips = [
        talk_clip(session, ctx.storage, ECT, d0, title="Y8 fractions", wait=0.8),
        talk_clip(
            session,
            ctx.storage,
            ECT,
            d0 + timedelta(days=3),
            title="Drill",
            kind="rehearsal",
            wait=None,
        ),  # fmt: skip
        talk_clip(session, ctx.storage, ECT, d0 + timedelta(days=12), title="Y8 ratio", wait=2.9),
    ]
    steps = [
        step_on(session, MENTOR, ect.id, "Wait three seconds", d0 + timedelta(days=10)),
        step_on(session, MENTOR, ect.id, "Cold call", d0 + timedelta(days=14)),
    ]
    return {"ect": ect, "clips": clips, "steps": steps, "d0": d0}


def page(client, ect_id: int, status: int = 200) -> str:
    response = client.get(f"/talk/ects/{ect_id}")
    assert response.status_code == status
    return html.unescape(response.text)


def chart(text: str, slug: str) -> str:
    start = text.index(f'id="chart-{slug}"')
    return text[start : text.index("</figure>", start)]


def test_the_ect_sees_charts_with_a_link_per_point_and_a_line_per_step(client, auth, figures):
    auth.login(ECT)
    text = page(client, figures["ect"].id)
    assert "Your talk across lessons" in text
    assert "Only you see these figures unless you share them with your mentor." in text
    assert "Coordinators and reviewers never see them." in text
    lesson, drill, ratio = figures["clips"]
    share_chart = chart(text, "talk-share")
    links = re.findall(r'<a class="point (\w+)" href="/clips/(\d+)"', share_chart)
    assert links == [
        ("lesson", str(lesson.id)),
        ("rehearsal", str(drill.id)),
        ("lesson", str(ratio.id)),
    ]
    assert (
        'role="img" aria-labelledby="chart-talk-share-title chart-talk-share-desc"' in share_chart
    )
    assert share_chart.count('class="step-line"') == 2
    assert "<title>Step 1, set " in share_chart and ": Wait three seconds</title>" in share_chart
    # The rehearsal asked nothing, so it has no wait: that chart has two points.
    wait_chart = chart(text, "median-wait")
    assert re.findall(r'href="/clips/(\d+)"', wait_chart) == [str(lesson.id), str(ratio.id)]
    day = short_date(figures["d0"])
    assert f"<title>{day} · Y8 fractions (lesson) · 0.8 s</title>" in wait_chart
    assert "<polyline" in wait_chart and "<circle" in wait_chart
    assert "<path" in share_chart  # the rehearsal's diamond
    assert len(re.findall(r'<figure class="trend-chart"', text)) == 5  # no speaker split


def test_the_table_and_the_summary_give_the_same_numbers(client, auth, figures):
    auth.login(ECT)
    text = page(client, figures["ect"].id)
    assert "See the figures as a table" in text
    lesson, drill, ratio = figures["clips"]
    row = text[text.index(f'<tr data-clip="{lesson.id}">') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num" data-figure="median_wait">0.8 s</td>' in row
    assert '<td class="num" data-figure="questions_per_10">10.0</td>' in row
    row = text[text.index(f'<tr data-clip="{drill.id}">') :]
    assert '<td class="num" data-figure="median_wait">–</td>' in row[: row.index("</tr>")]
    assert "Wait after questions: 0.8 s before (1 clip) → 2.9 s since (1 clip)" in text
    assert "Wait after questions: 1.9 s before (2 clips) → no figure since (0 clips)" in text


def test_sharing_box_says_who_sees_the_figures(session, client, auth, figures):
    auth.login(ECT)
    mentor = user(session, MENTOR)
    assert f"{mentor.name} does not see these figures." in page(client, figures["ect"].id)
    share(session, True)
    assert f"{mentor.name} sees these figures." in page(client, figures["ect"].id)


@pytest.mark.parametrize(
    "email",
    [
        "coordinator@northfield.example",
        "induction-lead@northfield-trust.example",
        "reviewer@northfield.example",
        "admin@coachreel.example",
        "mentor2@northfield.example",
        "ect2@northfield.example",
        MENTOR,  # not shared with yet
    ],
)
def test_nobody_else_finds_the_page(client, auth, figures, email):
    auth.login(email)
    text = page(client, figures["ect"].id, 404)
    assert "only shown to the teacher" in text


def test_the_mentor_sees_it_while_shared(session, client, auth, figures):
    ect = figures["ect"]
    share(session, True)
    auth.login(MENTOR)
    text = page(client, ect.id)
    assert f"{ect.name}'s talk across lessons" in text
    assert f"Shared with you by {ect.name}" in text
    assert 'id="sharing"' not in text  # the choice is the ECT's
    assert len(re.findall(r'<a class="point', chart(text, "talk-share"))) == 3
    coaching = html.unescape(client.get(f"/coaching/ects/{ect.id}").text)
    assert f'href="/talk/ects/{ect.id}">Talk trends' in coaching
    share(session, False)
    page(client, ect.id, 404)
    coaching = html.unescape(client.get(f"/coaching/ects/{ect.id}").text)
    assert "Talk trends" not in coaching


def test_links_to_the_page(session, client, auth, demo):
    ect = user(session, ECT)
    auth.login(ECT)
    home = html.unescape(client.get("/clips/").text)
    assert f'href="/talk/ects/{ect.id}">My talk' in home
    auth.logout()
    auth.login("coordinator@northfield.example")
    assert "My talk" not in client.get("/clips/").text
    coaching = client.get(f"/coaching/ects/{ect.id}")
    assert coaching.status_code == 200 and "Talk trends" not in coaching.text


def test_empty_state_until_a_transcript_is_ready(session, client, auth, demo):
    ect = user(session, ECT)
    auth.login(ECT)
    text = page(client, ect.id)
    assert "No talk figures yet" in text
    assert "once a clip's transcript is ready" in text
    assert 'href="/clips/upload"' in text and "<svg role" not in text
    share(session, True)
    auth.logout()
    auth.login(MENTOR)
    text = page(client, ect.id)
    assert "No talk figures yet" in text and 'href="/clips/upload"' not in text


def test_chart_layout_maths(session, ctx, demo):
    ect = user(session, ECT)
    only = talk_clip(session, ctx.storage, ECT, base_day(), wait=2.5)
    charts = chart_layout(trends.trends_for(session, ect, ect.id))
    wait = next(c for c in charts if c.figure.key == "median_wait")
    (point,) = wait.points
    assert point.clip_id == only.id
    assert point.x == pytest.approx(LEFT + (WIDTH - RIGHT - LEFT) / 2)  # one point: centred
    assert [g.label for g in wait.gridlines] == ["0.0 s", "1.5 s", "3.0 s"]
    assert wait.plot_top < point.y < wait.plot_bottom <= HEIGHT
    assert wait.line == ""  # nothing to join
    assert nice_max(0.0) == 1.0 and nice_max(73, percent=True) == 80
    assert nice_max(99, percent=True) == 100 and nice_max(412) == 500
