"""Uploads by kind: ECTs link rehearsals to their step, mentors upload model clips."""

from __future__ import annotations

import io
from datetime import date

from service.coaching import steps
from service.coaching.steps import StepInput
from service.models import Clip, ClipKind
from tests.conftest import csrf_token
from tests.factories import user

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def _post(client, **fields):
    token = csrf_token(client.get("/clips/upload").text)
    form = {
        "csrf_token": token,
        "title": "Attempt",
        "recorded_on": date.today().isoformat(),
        "file": (io.BytesIO(b"video bytes"), "clip.mp4"),
        **fields,
    }
    return client.post("/clips/upload", data=form, headers={"Accept": "application/json"})


def _step(session, ect_email: str = ECT) -> int:
    mentor = user(session, MENTOR)
    ect = user(session, ect_email)
    return steps.set_action_step(
        session,
        mentor,
        ect.id,
        StepInput(
            title="Cold call after a pause",
            why="",
            criteria=["Pause three seconds"],
            strand="instruction",
            standard=2,
        ),
    ).id


def test_rehearsal_is_linked_to_the_ects_active_step_and_numbered(client, auth, ctx, session, demo):
    step_id = _step(session)
    auth.login(ECT)
    page = client.get("/clips/upload?kind=rehearsal").text
    assert "Action step rehearsed" in page and "Cold call after a pause" in page
    first = _post(client, kind="rehearsal", step=str(step_id)).json["id"]
    second = _post(client, kind="rehearsal", step=str(step_id)).json["id"]
    lesson = _post(client, kind="lesson", step=str(step_id)).json["id"]
    with ctx.sessions() as s:
        assert [(s.get(Clip, i).step_id, s.get(Clip, i).attempt) for i in (first, second)] == [
            (step_id, 1),
            (step_id, 2),
        ]
        assert s.get(Clip, lesson).step_id is None  # only rehearsals are linked


def test_rehearsal_cannot_be_linked_to_someone_elses_step(client, auth, ctx, session, demo):
    other_step = _step(session, "ect2@northfield.example")
    auth.login(ECT)
    response = _post(client, kind="rehearsal", step=str(other_step))
    assert response.status_code == 400  # not one of the choices offered to this ECT
    assert ctx.storage.keys() == []


def test_mentor_uploads_a_model_clip(client, auth, ctx, demo):
    auth.login(MENTOR)
    page = client.get("/clips/upload").text
    assert "modelling a step" in page and "Action step rehearsed" not in page
    response = _post(client, kind="model", title="Modelling a cold call")
    assert response.status_code == 201
    with ctx.sessions() as s:
        clip = s.get(Clip, response.json["id"])
        assert clip.kind == ClipKind.MODEL and not clip.shareable
    assert _post(client, kind="lesson").status_code == 400
