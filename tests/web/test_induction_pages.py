"""The induction audit pages: they render, sort, export (with audit events), and refuse bad
input with a message a person can act on."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from service.induction import evidence, export, scope
from service.models import (
    ActionStep,
    AuditAction,
    AuditEvent,
    ClipKind,
    HalfTerm,
    Mentorship,
    Observation,
    School,
    StepStatus,
    Strand,
)
from tests.conftest import csrf_token
from tests.factories import user
from tests.induction_history import (
    add_clip,
    add_comment,
    add_observation,
    add_session,
)

COORDINATOR = "coordinator@northfield.example"
TRUST_LEAD = "induction-lead@northfield-trust.example"


@pytest.fixture
def northfield(session, demo) -> dict[str, int]:
    """Northfield with a recent history: ect1 coached 2 days ago, ect2 never (paired 60 days)."""
    school = session.scalar(select(School).where(School.name == "Northfield Primary"))
    mentor = user(session, "mentor1@northfield.example")
    ect1, ect2 = user(session, "ect1@northfield.example"), user(session, "ect2@northfield.example")
    step = ActionStep(
        ect_id=ect1.id, mentor_id=mentor.id, school_id=school.id,
        title="Cold call after a pause", criteria=["Pause for three seconds"],
        strand=Strand.INSTRUCTION, standard=2, review_on=date.today(), status=StepStatus.ACTIVE,
    )  # fmt: skip
    session.add(step)
    session.flush()
    add_session(session, mentor, ect1, (date.today() - timedelta(days=2)).isoformat(), step)
    now = datetime.now(UTC)
    lesson = add_clip(session, ect1, ClipKind.LESSON, now - timedelta(days=3))
    add_comment(session, lesson, mentor, now - timedelta(days=2))
    add_clip(session, ect2, ClipKind.REHEARSAL, now - timedelta(hours=5))
    # ect1 has had every formal observation owed so far this year, whatever today is.
    calendar = scope.school_calendar(session, school)
    today = calendar.today()
    for term in calendar.year(calendar.academic_year_of(today)):
        if term.starts_on <= today:
            lead = term.formal_with_ect_lead
            add_observation(session, ect1, mentor, term.starts_on.isoformat(), lead=lead)
    session.commit()
    pairing = session.scalar(select(Mentorship).where(Mentorship.ect_id == ect1.id))
    return {
        "school": school.id,
        "trust": school.trust_id,
        "ect1": ect1.id,
        "ect2": ect2.id,
        "pairing": pairing.id,
        "lesson": lesson.id,
    }


def exports(session) -> list[AuditEvent]:
    session.expire_all()
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == AuditAction.EXPORT)))


def test_home_sends_each_coordinator_to_their_scope(client, auth, northfield):
    auth.login(COORDINATOR)
    assert (
        client.get("/induction/")
        .headers["Location"]
        .endswith(f"/induction/schools/{northfield['school']}")
    )
    auth.logout()
    auth.login(TRUST_LEAD)
    assert (
        client.get("/induction/")
        .headers["Location"]
        .endswith(f"/induction/trusts/{northfield['trust']}")
    )


def test_trust_page_links_each_school(client, auth, northfield):
    auth.login(TRUST_LEAD)
    page = client.get(f"/induction/trusts/{northfield['trust']}").text
    assert f'href="/induction/schools/{northfield["school"]}"' in page
    assert "Riverside Academy" in page and "overdue" in page


def test_dashboard_flags_in_words_and_sorts(client, auth, northfield):
    auth.login(COORDINATOR)
    page = client.get(f"/induction/schools/{northfield['school']}").text
    assert "⚠ Overdue" in page and "✓ On track" in page
    assert "No coaching session for" in page  # ect2 says why, in words
    assert f'href="/induction/ects/{northfield["ect1"]}"' in page  # the evidence pack
    assert "/dashboard.csv" in page and "/charts" in page and "/terms" in page
    assert f'action="/induction/mentorships/{northfield["pairing"]}"' in page
    names = ["Sam Taylor", "Aisha Begum", "Tom Wright"]

    def order(html: str) -> list[str]:
        table = html[html.index('id="dashboard"') : html.index("</table>")]
        return sorted(names, key=table.index)

    ascending = client.get(f"/induction/schools/{northfield['school']}?sort=name").text
    assert order(ascending) == ["Aisha Begum", "Sam Taylor", "Tom Wright"]
    assert 'aria-sort="ascending"' in ascending
    assert "sort=-name" in ascending  # the header link now sorts the other way
    descending = client.get(f"/induction/schools/{northfield['school']}?sort=-name").text
    assert order(descending) == ["Tom Wright", "Sam Taylor", "Aisha Begum"]
    by_wait = client.get(f"/induction/schools/{northfield['school']}?sort=-wait").text
    assert order(by_wait)[0] == "Aisha Begum"  # the only ECT with a clip waiting
    assert client.get(f"/induction/schools/{northfield['school']}?sort=bogus").status_code == 200


def test_dashboard_csv_download_is_audited(client, auth, session, northfield):
    auth.login(COORDINATOR)
    response = client.get(f"/induction/schools/{northfield['school']}/dashboard.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == export.DASHBOARD_COLUMNS
    assert len(table) == 4
    sam = next(r for r in table if r[1] == "Sam Taylor")
    row = dict(zip(table[0], sam, strict=True))
    assert row["last_session"] == (date.today() - timedelta(days=2)).isoformat()
    assert row["mentor_name"] == "Daniel Okafor" and row["induction_year"] == "1"
    assert row["active_step_age_days"] == "0"
    [event] = exports(session)
    assert event.school_id == northfield["school"] and "CSV" in event.detail


def test_evidence_pack_page_and_csv(client, auth, session, northfield):
    auth.login(COORDINATOR)
    page = client.get(f"/induction/ects/{northfield['ect1']}").text
    assert "Induction evidence: Sam Taylor" in page
    assert "Cold call after a pause" in page and "2. Promote good progress" in page
    assert "Instruction" in page and "Entitlement per half term" in page
    assert "induction.css" in page and "data-print" in page and "print.js" in page
    # The half term under way is counted "so far", not flagged short before it has ended.
    school = session.get(School, northfield["school"])
    calendar = scope.school_calendar(session, school)
    if calendar.half_term_on(calendar.today()) is not None:
        current = calendar.current_half_term(calendar.today())
        row = page.split(f'<th scope="row">{current.name}</th>', 1)[1].split("</tr>", 1)[0]
        assert "so far" in row and "short" not in row
    response = client.get(f"/induction/ects/{northfield['ect1']}/evidence.csv")
    assert response.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(response.text)))
    assert table[0] == evidence.EVIDENCE_COLUMNS
    assert {r[0] for r in table[1:]} >= {"summary", "step", "session"}
    events = exports(session)
    assert [e.subject_id for e in events] == [northfield["ect1"]] * 2
    assert sorted(e.detail for e in events) == [
        "Evidence pack (CSV)",
        "Evidence pack (printable page)",
    ]


def test_log_observation_form_errors_and_success(client, auth, session, northfield):
    auth.login("mentor1@northfield.example")
    url = f"/induction/ects/{northfield['ect1']}/observations/new"
    form = client.get(url).text
    assert "The mentor (Daniel Okafor)" in form and "observed in person" in form
    token = csrf_token(form)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    response = client.post(
        url, data={"csrf_token": token, "observed_on": tomorrow, "kind": "formal"}
    )
    assert response.status_code == 400 and "the date is in the future" in response.text
    response = client.post(url, data={"csrf_token": token, "observed_on": "soon", "kind": "formal"})
    assert (
        response.status_code == 400 and "Please give the date of the observation" in response.text
    )
    response = client.post(
        url,
        data={"csrf_token": token, "observed_on": date.today().isoformat(), "kind": "yearly"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["error"] == "Please choose whether the observation is weekly or formal."
    response = client.post(
        url,
        data={
            "csrf_token": token,
            "observed_on": date.today().isoformat(),
            "kind": "formal",
            "with_ect_lead": "y",
            "clip_id": str(northfield["lesson"]),
            "notes": "Joint observation of the starter",
        },
    )
    assert response.status_code == 302
    logged = session.scalar(
        select(Observation)
        .where(Observation.ect_id == northfield["ect1"])
        .order_by(Observation.id.desc())
    )
    assert logged.clip_id == northfield["lesson"] and logged.with_ect_lead
    auth.logout()
    auth.login(COORDINATOR)
    pack = client.get(f"/induction/ects/{northfield['ect1']}").text
    assert "Formal, with the ECT lead" in pack and "From a clip" in pack


def test_terms_form_validates_saves_and_resets(client, auth, session, northfield):
    auth.login(COORDINATOR)
    url = f"/induction/schools/{northfield['school']}/terms?year=2026"
    page = client.get(url).text
    assert 'value="2026-09-01"' in page and "default English calendar" in page
    fields = dict(re.findall(r'name="((?:start|end)_\d)"[^>]*value="([^"]*)"', page))
    fields = {**fields, "csrf_token": csrf_token(page), "timezone": "Europe/London"}
    overlapping = {**fields, "start_2": "2026-10-20"}
    response = client.post(url, data=overlapping)
    assert response.status_code == 400
    assert "Autumn 2 must start after Autumn 1 ends (23 October 2026)" in response.text
    response = client.post(url, data={**fields, "timezone": "Narnia/Cair_Paravel"})
    assert response.status_code == 400 and "is not a time zone we know" in response.text
    response = client.post(url, data={**fields, "start_1": "1st September"})
    assert response.status_code == 400 and "Autumn 1: please give the first day" in response.text
    assert session.scalars(select(HalfTerm)).first() is None  # nothing half written
    response = client.post(url, data={**fields, "start_1": "2026-09-07", "action": "save"})
    assert response.status_code == 302
    page = client.get(url).text
    assert 'value="2026-09-07"' in page and "Reset to the default calendar" in page
    response = client.post(url, data={"csrf_token": fields["csrf_token"], "action": "reset"})
    assert response.status_code == 302
    assert 'value="2026-09-01"' in client.get(url).text


def test_cadence_form(client, auth, session, northfield):
    auth.login(COORDINATOR)
    token = csrf_token(client.get(f"/induction/schools/{northfield['school']}").text)
    url = f"/induction/mentorships/{northfield['pairing']}"
    response = client.post(
        url, data={"csrf_token": token, "induction_year": "2", "cadence_days": "7"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#pairings")
    pairing = session.get(Mentorship, northfield["pairing"])
    session.refresh(pairing)
    assert (pairing.induction_year, pairing.cadence_days) == (2, 14)
    response = client.post(url, data={"csrf_token": token, "cadence_days": "weekly"})
    assert response.status_code == 400 and "whole number of days" in response.text
    response = client.post(
        url,
        data={"csrf_token": token, "induction_year": "2", "cadence_days": "90"},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400 and "from 1 to 56" in response.json["error"]


def test_charts_page_draws_svg_without_scripts(client, auth, northfield):
    auth.login(COORDINATOR)
    response = client.get(f"/induction/schools/{northfield['school']}/charts")
    page = response.text
    assert response.status_code == 200
    assert '<svg id="heatmap" role="img" aria-labelledby="heat-title heat-desc"' in page
    assert '<desc id="heat-desc">3 ECTs by' in page
    assert page.count('class="heat-row"') == 3
    weeks = int(re.search(r"3 ECTs by (\d+) weeks", page).group(1))
    assert page.count('<g class="cell ') == 3 * weeks
    assert "url(#holiday-stripes)" in page and "<title>" in page
    assert 'id="feedback-chart"' in page and "Daniel Okafor" in page
    assert "<script" not in page.split("<main")[1].split("</main>")[0]
    bad = client.get(f"/induction/schools/{northfield['school']}/charts?year=1066")
    assert bad.status_code == 400


def test_ect_coaching_page_links_to_logging_an_observation(client, auth, northfield):
    auth.login("mentor1@northfield.example")
    page = client.get(f"/coaching/ects/{northfield['ect1']}").text
    assert f"/induction/ects/{northfield['ect1']}/observations/new" in page
