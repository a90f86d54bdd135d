"""The watch page leads into the coaching cycle: steps from comments, rehearsals beside models."""

from __future__ import annotations

from service.coaching import steps
from service.coaching.steps import StepInput
from service.models import ClipKind
from tests.factories import ready_clip, user

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def test_only_the_mentor_can_turn_feedback_into_a_step(client, auth, ctx, session, demo):
    clip_id = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON).id
    ect = user(session, ECT)
    auth.login(MENTOR)
    page = client.get(f"/clips/{clip_id}").text
    assert f'data-new-step-url="/coaching/ects/{ect.id}/steps/new"' in page
    auth.logout()
    for email in (ECT, "coordinator@northfield.example"):
        auth.login(email)
        assert 'data-new-step-url=""' in client.get(f"/clips/{clip_id}").text
        auth.logout()


def test_a_rehearsal_links_to_the_side_by_side_page(client, auth, ctx, session, demo):
    mentor = user(session, MENTOR)
    ect = user(session, ECT)
    step = steps.set_action_step(
        session,
        mentor,
        ect.id,
        StepInput(title="Cold call", why="", criteria=["Pause"], strand="instruction", standard=2),
    )
    rehearsal = ready_clip(session, ctx.storage, ECT, kind=ClipKind.REHEARSAL, step_id=step.id).id
    lesson = ready_clip(session, ctx.storage, ECT, kind=ClipKind.LESSON).id
    auth.login(ECT)
    assert f'href="/coaching/rehearsals/{rehearsal}"' in client.get(f"/clips/{rehearsal}").text
    assert "/coaching/rehearsals/" not in client.get(f"/clips/{lesson}").text
