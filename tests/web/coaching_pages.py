"""Shared set-up for the coaching page tests: the demo people, a step, the step form."""

from __future__ import annotations

from service.coaching import steps
from service.coaching.steps import StepInput
from service.models import (
    ActionStep,
    StepStatus,
)
from tests.factories import user

MENTOR, ECT, ECT_Y2 = (
    "mentor1@northfield.example",
    "ect1@northfield.example",
    "ect2@northfield.example",
)
COORDINATOR = "coordinator@northfield.example"
OTHER_SCHOOL_MENTOR = "mentor1@riverside.example"


def set_step(session, current_outcome: StepStatus | None = None, **changes) -> ActionStep:
    values = dict(
        title="Circulate to check every pupil has started",
        why="Pupils who stall early lose the whole task.",
        criteria=["Start circulating within 30 seconds", "Visit every table"],
        strand="behaviour",
        standard=7,
    )
    values.update(changes)
    return steps.set_action_step(
        session,
        user(session, MENTOR),
        user(session, ECT).id,
        StepInput(**values),
        current_outcome=current_outcome,
    )


def step_form(**changes) -> dict:
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
