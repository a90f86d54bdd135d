"""The watch page leads into the coaching cycle: steps from comments, rehearsals beside models."""

from __future__ import annotations

from sqlalchemy import select

from service import coaching
from service.coaching import StepInput
from service.models import ClipKind, User
from tests.factories import ready_clip

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def _ready(ctx, session, kind: ClipKind, step_id: int | None = None) -> int:
    return ready_clip(session, ctx.storage, ECT, kind=kind, step_id=step_id).id


def test_only_the_mentor_can_turn_feedback_into_a_step(client, auth, ctx, session, demo):
    clip_id = _ready(ctx, session, ClipKind.LESSON)
    ect = session.scalar(select(User).where(User.email == ECT))
    auth.login(MENTOR)
    page = client.get(f"/clips/{clip_id}").text
    assert f'data-new-step-url="/coaching/ects/{ect.id}/steps/new"' in page
    auth.logout()
    for email in (ECT, "coordinator@northfield.example"):
        auth.login(email)
        assert 'data-new-step-url=""' in client.get(f"/clips/{clip_id}").text
        auth.logout()


def test_a_rehearsal_links_to_the_side_by_side_page(client, auth, ctx, session, demo):
    mentor = session.scalar(select(User).where(User.email == MENTOR))
    ect = session.scalar(select(User).where(User.email == ECT))
    step = coaching.set_action_step(
        session,
        mentor,
        ect.id,
        StepInput(title="Cold call", why="", criteria=["Pause"], strand="instruction", standard=2),
    )
    rehearsal = _ready(ctx, session, ClipKind.REHEARSAL, step.id)
    lesson = _ready(ctx, session, ClipKind.LESSON)
    auth.login(ECT)
    assert f'href="/coaching/rehearsals/{rehearsal}"' in client.get(f"/clips/{rehearsal}").text
    assert "/coaching/rehearsals/" not in client.get(f"/clips/{lesson}").text
