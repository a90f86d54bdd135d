"""Meeting records: the mentor records a coaching meeting, and the ECT adds a reflection."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.clips import visibility
from service.coaching import (
    meetings as coaching_meetings,
    model_clips,
    steps as coaching_steps,
)
from service.errors import InvalidInput
from service.models import Clip, ClipKind, CoachingSession, Role, StepStatus
from web.coaching.forms import ReflectionForm, SessionForm
from web.coaching.home import ect_home
from web.errors import wants_json
from web.formatting import day_month
from web.forms import choices, form_errors, refused
from web.resources import db


def session_json(record: CoachingSession) -> dict[str, object]:
    """Describe a meeting record for a script."""
    return {
        "id": record.id,
        "ect_id": record.ect_id,
        "held_on": record.held_on.isoformat(),
        "praise": record.praise,
        "step_id": record.step_id,
        "model_clip_id": record.model_clip_id,
        "practice_rounds": record.practice_rounds,
        "practice_notes": record.practice_notes,
        "observation_clip_ids": [c.id for c in record.observation_clips],
        "reflection": record.ect_reflection,
    }


def _own_lessons(ect_id: int) -> list[Clip]:
    return [
        c
        for c in visibility.visible_clips(db(), current_user)
        if c.owner_id == ect_id and c.kind == ClipKind.LESSON
    ]


def new_session(ect_id: int) -> ResponseReturnValue:
    """Show the form for a meeting record, or record the meeting it sends."""
    person = coaching_steps.visible_ect(db(), current_user, ect_id)
    coaching_steps.mentorship_for(db(), current_user, ect_id)
    form = SessionForm()
    steps = [entry.step for entry in coaching_steps.step_timeline(db(), current_user, ect_id)]
    form.step_id.choices = choices(
        [("", "No step")]
        + [
            (str(s.id), f"{s.title} ({s.status.label.lower()}, set {day_month(s.created_at)})")
            for s in steps
        ]
    )
    models = model_clips.attachable_models(db(), current_user).offered
    form.model_clip_id.choices = choices(
        [("", "No model")] + [(str(c.id), c.title) for c in models]
    )
    lessons = _own_lessons(ect_id)
    context = {"ect": person, "lessons": lessons}
    if not form.is_submitted():
        active = next((s for s in steps if s.status == StepStatus.ACTIVE), None)
        form.step_id.data = str(active.id) if active else ""
        if active and active.model_clip_id:
            form.model_clip_id.data = str(active.model_clip_id)
        return render_template("coaching/session_form.html", form=form, chosen=set(), **context)
    chosen = request.form.getlist("observation_clip_ids")

    def page(message: str) -> str:
        return render_template(
            "coaching/session_form.html", form=form, chosen=set(chosen), message=message, **context
        )

    if not form.validate():
        return refused(form_errors(form), page)
    try:
        record = coaching_meetings.record_session(
            db(), current_user, ect_id, form.session_input(chosen)
        )
    except InvalidInput as exc:
        return refused(exc.message, page)
    if wants_json():
        return jsonify(session=session_json(record)), 201
    flash(f"Meeting on {day_month(record.held_on)} recorded.", "info")
    return redirect(url_for("coaching.ect", ect_id=ect_id, _anchor="sessions"))


def reflect(session_id: int) -> ResponseReturnValue:
    """Save the ECT's reflection on a meeting."""
    form = ReflectionForm()
    form.validate()
    text = form.reflection.data or ""
    try:
        record = coaching_meetings.add_reflection(db(), current_user, session_id, text)
    except InvalidInput as exc:
        if wants_json() or not current_user.has_role(Role.ECT):
            raise
        return ect_home(reflection_error=exc.message, reflection_text=text)
    if wants_json():
        return jsonify(session=session_json(record))
    flash("Reflection saved. Your mentor will see it before your next meeting.", "info")
    return redirect(url_for("coaching.home"))
