"""The weekly cycle's joins (issue 18): the ECT's "Upload a rehearsal" opens the form for their
step, one step at a time, a step set from a "next step" comment starts from it."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from service.coaching import steps
from service.feedback import comments
from service.models import ActionStep, Clip, ClipKind, CommentKind, StepStatus
from tests.factories import ready_clip, user
from tests.web.coaching_pages import COORDINATOR, ECT, ECT_Y2, MENTOR, set_step, step_form
from tests.web.forms import JSON, post


def selected(page: str, name: str) -> str | None:
    """The option of the select named ``name`` that the page opens with (the first, unless one
    is marked selected)."""
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if found is None:
        return None
    chosen = re.search(r'<option selected value="([^"]*)"', found.group(1))
    return (chosen or re.search(r'<option[^>]* value="([^"]*)"', found.group(1))).group(1)


# --- 1. "Upload a rehearsal" opens the form for the ECT's step -------------------------------


def test_upload_a_rehearsal_opens_the_form_for_the_step_and_files_attempt_one(
    ctx, session, client, auth, demo
):
    step = set_step(session)
    auth.login(ECT)
    home = client.get("/coaching/").text
    link = html.unescape(re.search(r'id="upload-rehearsal" href="([^"]+)"', home).group(1))
    url = urlsplit(link)
    assert url.path == "/clips/upload"
    assert parse_qs(url.query) == {"kind": ["rehearsal"], "step": [str(step.id)]}
    # The timeline the ECT sees offers the same link on their active step.
    timeline = html.unescape(client.get(f"/coaching/ects/{step.ect_id}").text)
    assert f'href="{link}"' in timeline

    form = client.get(link).text
    assert selected(form, "kind") == "rehearsal"
    assert selected(form, "step") == str(step.id)
    assert 'id="step-field"' in form and step.title in form
    assert 'id="upload-notice"' not in form
    response = post(
        client,
        link,
        {
            "kind": "rehearsal",
            "step": str(step.id),
            "title": "Circulating, take one",
            "recorded_on": date.today().isoformat(),
            "consent_state": "no_pupils",
            "lawful_basis": "public_task",
            "file": (io.BytesIO(b"rehearsal bytes"), "take1.mp4"),
        },
    )
    assert response.status_code == 302
    clip = session.scalar(select(Clip).where(Clip.title == "Circulating, take one"))
    assert (clip.kind, clip.step_id, clip.attempt) == (ClipKind.REHEARSAL, step.id, 1)
    # Beside the model, the next attempt is one click away.
    rehearsal = html.unescape(client.get(f"/coaching/rehearsals/{clip.id}").text)
    assert f'href="{link}">Upload the next attempt' in rehearsal


def test_a_step_the_ect_cannot_rehearse_is_ignored_with_the_usual_form(session, client, auth, demo):
    closed = set_step(session, title="Wait for silence")
    current = set_step(session, current_outcome=StepStatus.MET)
    others = steps.set_action_step(
        session,
        user(session, MENTOR),
        user(session, ECT_Y2).id,
        steps.StepInput("Someone else's step", "", ["Pause"], "instruction", 2),
    )
    auth.login(ECT)
    for asked in (closed.id, others.id, 987654, "two"):
        page = client.get(f"/clips/upload?kind=rehearsal&step={asked}")
        assert page.status_code == 200, asked
        assert "cannot be rehearsed now" in page.text, asked
        assert selected(page.text, "kind") == "lesson"  # the usual form
        assert selected(page.text, "step") == str(current.id)  # the step it would offer anyway
        assert "Someone else&#39;s step" not in page.text


def test_an_ect_with_no_step_asking_for_a_rehearsal_is_told_why(session, client, auth, demo):
    auth.login(ECT)
    page = client.get("/clips/upload?kind=rehearsal")
    assert page.status_code == 200
    assert "no action step to rehearse yet" in page.text
    assert selected(page.text, "kind") == "lesson"


# --- 2. one active step per ECT --------------------------------------------------------------


def test_setting_a_step_asks_what_became_of_the_current_one_and_closes_it(
    session, client, auth, demo
):
    old = set_step(session)
    ect_id = old.ect_id
    auth.login(MENTOR)
    form = html.unescape(client.get(f"/coaching/ects/{ect_id}/steps/new").text)
    asked = form[form.index('id="current-outcome"') : form.index("</fieldset>")]
    assert f"working on “{old.title}”. What became of it?" in asked
    assert 'value="met"' in asked and 'value="moved_on"' in asked and "checked" not in asked

    # Not saying is refused, with what was typed kept and nothing changed.
    refused = post(client, f"/coaching/ects/{ect_id}/steps/new", step_form())
    assert refused.status_code == 400
    assert "Please say whether it was met or you are moving on" in html.unescape(refused.text)
    assert 'value="Narrate the positive"' in refused.text
    session.expire_all()
    assert [s.id for s in session.scalars(select(ActionStep))] == [old.id]

    response = post(
        client, f"/coaching/ects/{ect_id}/steps/new", step_form(current_outcome="moved_on")
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(ActionStep, old.id).status == StepStatus.MOVED_ON
    new = session.scalar(select(ActionStep).where(ActionStep.id != old.id))
    assert new.status == StepStatus.ACTIVE
    timeline = client.get(f"/coaching/ects/{ect_id}").text
    assert timeline.count('class="step-status active"') == 1
    assert timeline.count('class="step-status moved_on"') == 1
    # The next step form asks about the new one now.
    assert "working on “Narrate the positive”" in html.unescape(
        client.get(f"/coaching/ects/{ect_id}/steps/new").text
    )
    auth.logout()

    auth.login(COORDINATOR)  # the evidence pack
    pack = client.get(f"/induction/ects/{ect_id}").text
    rows = re.findall(r"<td>(Active|Met|Moved on|Repeated)</td>", pack)
    assert sorted(rows) == ["Active", "Moved on"]
    auth.logout()

    auth.login(ECT)  # the upload form offers the new step only
    upload = client.get("/clips/upload").text
    assert "Narrate the positive" in upload and old.title not in upload


def test_a_script_must_say_too_and_repeat_keeps_one_active(session, client, auth, demo):
    old = set_step(session)
    auth.login(MENTOR)
    url = f"/coaching/ects/{old.ect_id}/steps/new"
    refused = post(client, url, step_form(), headers=JSON)
    assert refused.status_code == 400 and "one step at a time" in refused.json["error"]
    response = post(client, url, step_form(current_outcome="met"), headers=JSON)
    assert response.status_code == 201
    assert response.json["closed_step"]["id"] == old.id
    assert response.json["closed_step"]["status"] == "met"
    session.expire_all()
    assert session.get(ActionStep, old.id).status == StepStatus.MET
    current = steps.current_step(session, user(session, MENTOR), old.ect_id)
    assert post(client, f"/coaching/steps/{current.id}/repeat").status_code == 302
    session.expire_all()
    active = session.scalars(select(ActionStep).where(ActionStep.status == StepStatus.ACTIVE))
    assert [s.previous_step_id for s in active] == [current.id]


# --- 3. "Make this the next step" starts from the comment ------------------------------------


def test_a_step_from_a_next_step_comment_starts_from_its_words_and_moment(
    ctx, session, client, auth, demo
):
    lesson = ready_clip(session, ctx.storage, ECT, title="Year 7 forces", duration=600.0)
    comment = comments.add_comment(
        session,
        user(session, MENTOR),
        lesson.id,
        at_seconds=83,
        body="Next step:  pause for three seconds\nbefore naming a pupil.",
        kind=CommentKind.NEXT_STEP,
    )
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    url = f"/coaching/ects/{ect_id}/steps/new?comment={comment.id}"
    page = html.unescape(client.get(url).text)
    assert 'value="Pause for three seconds before naming a pupil."' in page
    source = page[page.index('id="step-source"') : page.index("</p>", page.index("step-source"))]
    assert f'href="/clips/{lesson.id}?t=83' in source and "01:23 in “Year 7 forces”" in source
    assert "“next step”" in source
    assert f'action="/coaching/ects/{ect_id}/steps/new?comment={comment.id}"' in page
    assert post(client, url, step_form(title="Pause before naming")).status_code == 302
    session.expire_all()
    assert session.scalar(select(ActionStep)).source_comment_id == comment.id


def test_a_comment_that_cannot_start_a_step_leaves_the_form_blank(ctx, session, client, auth, demo):
    others = ready_clip(session, ctx.storage, ECT_Y2)
    elsewhere = comments.add_comment(
        session, user(session, MENTOR), others.id, at_seconds=3, body="Next: narrate."
    )
    ect_id = user(session, ECT).id
    auth.login(MENTOR)
    for comment_id in (elsewhere.id, 987654, "x"):
        page = client.get(f"/coaching/ects/{ect_id}/steps/new?comment={comment_id}")
        assert page.status_code == 200
        assert 'id="step-source"' not in page.text and "Narrate." not in page.text
        assert f'action="/coaching/ects/{ect_id}/steps/new"' in page.text


def test_long_comments_give_a_title_that_fits():
    from service.coaching.from_feedback import title_from
    from service.coaching.steps import MAX_TITLE

    first = "Use a countdown from five and narrate who is ready. "
    assert title_from("next: " + first + "x" * 300) == first.strip()
    words = title_from("word " * 100)
    assert len(words) <= MAX_TITLE and words.endswith("word…")
