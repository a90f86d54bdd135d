"""Shared set-up for the coaching page tests: the demo people, ready clips, a step, form posts."""

from __future__ import annotations

from sqlalchemy import select

from service import coaching
from service.coaching import StepInput
from service.models import (
    ActionStep,
    ClipKind,
    User,
)
from tests import factories
from tests.conftest import csrf_token

MENTOR, ECT, ECT_Y2 = (
    "mentor1@northfield.example",
    "ect1@northfield.example",
    "ect2@northfield.example",
)
COORDINATOR = "coordinator@northfield.example"
OTHER_SCHOOL_MENTOR = "mentor1@riverside.example"


def user(session, email: str) -> User:
    return session.scalar(select(User).where(User.email == email))


def ready_clip(ctx, session, email: str, kind: ClipKind, title: str = "clip", **extra):
    return factories.ready_clip(session, ctx.storage, email, kind=kind, title=title, **extra)


def set_step(session, **changes) -> ActionStep:  # noqa: ANN003
    values = dict(
        title="Circulate to check every pupil has started",
        why="Pupils who stall early lose the whole task.",
        criteria=["Start circulating within 30 seconds", "Visit every table"],
        strand="behaviour",
        standard=7,
    )
    values.update(changes)
    return coaching.set_action_step(
        session, user(session, MENTOR), user(session, ECT).id, StepInput(**values)
    )


def token(client) -> str:
    return csrf_token(client.get("/clips/").text)


def post(client, url: str, data: dict | None = None, **kwargs):  # noqa: ANN003
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def step_form(**changes) -> dict:  # noqa: ANN003
    data = {
        "title": "Narrate the positive",
        "why": "Attention goes where praise goes.",
        "criteria": ["Within 10 seconds of the instruction", "Name two pupils", "", "", ""],
        "strand": "behaviour",
        "standard": "7",
        "review_on": "",
        "model_clip_id": "",
    }
    data.update(changes)
    return data
