"""An ECT's action steps: set one (from scratch, a library template or a comment), edit it,
close it as met or moved on, and carry it into the next cycle."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.coaching import (
    from_feedback,
    library as coaching_library,
    model_clips,
    steps as coaching_steps,
)
from service.coaching.steps import StepInput
from service.errors import Forbidden, InvalidInput
from service.models import ActionStep, StepStatus, User
from web.coaching.forms import NewStepForm, StepForm, criteria_inputs
from web.errors import wants_json
from web.formatting import day_month
from web.forms import form_errors, optional_int, refused
from web.resources import db


def step_json(step: ActionStep) -> dict[str, object]:
    """Describe an action step for a script."""
    return {
        "id": step.id,
        "ect_id": step.ect_id,
        "title": step.title,
        "why": step.why,
        "criteria": list(step.criteria),
        "strand": step.strand.value,
        "standard": step.standard,
        "review_on": step.review_on.isoformat(),
        "status": step.status.value,
        "model_clip_id": step.model_clip_id,
        "previous_step_id": step.previous_step_id,
        "url": url_for("coaching.ect", ect_id=step.ect_id, _anchor=f"step-{step.id}"),
    }


def _step_page(form: StepForm, criteria: list[str], *, ect: User, step=None, **context) -> str:
    return render_template(
        "coaching/step_form.html",
        form=form,
        criteria=criteria_inputs(criteria),
        ect=ect,
        step=step,
        **context,
    )


def new_step(ect_id: int) -> ResponseReturnValue:
    """Show the form for an ECT's next step, or set the step it sends."""
    # Visibility first, so someone who may not see this ECT learns nothing (404, not 403).
    person = coaching_steps.visible_ect(db(), current_user, ect_id)
    pairing = coaching_steps.mentorship_for(db(), current_user, ect_id)
    # A comment that cannot be a source (not this ECT's, deleted, unknown) is ignored.
    source = from_feedback.feedback_source(
        db(), current_user, ect_id, optional_int(request.args.get("comment"))
    )
    source_comment_id = source.comment_id if source else None
    form = NewStepForm()
    models = model_clips.attachable_models(db(), current_user)
    form.set_models(models.offered)
    context = {
        "models": models,
        "ect": person,
        "induction_year": pairing.induction_year,
        "action": url_for("coaching.new_step", ect_id=ect_id, comment=source_comment_id),
        "source": source,
        "current": coaching_steps.current_step(db(), current_user, ect_id),
    }
    if not form.is_submitted():
        criteria: list[str] = []
        template_id = optional_int(request.args.get("template"))
        if template_id is not None:
            start = coaching_library.step_from_template(db(), current_user, template_id)
            form.fill(start)
            criteria = list(start.criteria)
        elif source is not None:
            form.title.data = source.title
        return _step_page(form, criteria, **context)
    criteria = request.form.getlist("criteria")

    def page(message: str) -> str:
        return _step_page(form, criteria, message=message, **context)

    if not form.validate():
        return refused(form_errors(form), page)
    data = form.step_input(criteria)
    try:
        step = coaching_steps.set_action_step(
            db(),
            current_user,
            ect_id,
            data,
            source_comment_id=source_comment_id,
            current_outcome=form.outcome(),
        )
    except InvalidInput as exc:
        return refused(exc.message, page)
    saved = _maybe_save_to_library(form, data)
    closed = context["current"]  # closed by setting this step, as the mentor said
    if wants_json():
        return jsonify(
            step=step_json(step),
            closed_step=None if closed is None else step_json(closed),
            saved_to_library=saved,
        ), 201
    if closed is not None:
        flash(f"“{closed.title}” marked {closed.status.label.lower()}.", "info")
    flash(f"Step set for {person.name}: {step.title}", "info")
    return redirect(url_for("coaching.ect", ect_id=ect_id))


def _maybe_save_to_library(form: StepForm, data: StepInput) -> bool:
    if not form.save_to_library.data:
        return False
    try:
        coaching_library.save_to_library(db(), current_user, data)
    except (InvalidInput, Forbidden) as exc:
        flash(f"The step is set, but it was not added to the library: {exc.message}", "error")
        return False
    return True


def edit_step(step_id: int) -> ResponseReturnValue:
    """Show the form to change a step, or save the change it sends."""
    step = coaching_steps.get_step(db(), current_user, step_id)
    coaching_steps.mentorship_for(db(), current_user, step.ect_id)
    form = StepForm()
    models = model_clips.attachable_models(db(), current_user)
    offered = list(models.offered)
    if step.model_clip is not None and step.model_clip not in offered:
        offered.append(step.model_clip)  # still attached, though it could not be attached now
    form.set_models(offered)
    context = {
        "models": models,
        "ect": step.ect,
        "step": step,
        "action": url_for("coaching.edit_step", step_id=step.id),
    }
    if not form.is_submitted():
        form.title.data, form.why.data = step.title, step.why
        form.strand.data, form.standard.data = step.strand.value, str(step.standard)
        form.review_on.data = step.review_on
        form.model_clip_id.data = str(step.model_clip_id or "")
        return _step_page(form, list(step.criteria), **context)
    criteria = request.form.getlist("criteria")

    def page(message: str) -> str:
        return _step_page(form, criteria, message=message, **context)

    if not form.validate():
        return refused(form_errors(form), page)
    try:
        step = coaching_steps.edit_action_step(
            db(), current_user, step.id, form.step_input(criteria)
        )
    except InvalidInput as exc:
        return refused(exc.message, page)
    if wants_json():
        return jsonify(step=step_json(step))
    flash("Step updated.", "info")
    return redirect(url_for("coaching.ect", ect_id=step.ect_id, _anchor=f"step-{step.id}"))


def close_step(step_id: int) -> ResponseReturnValue:
    """Close a step as met or moved on."""
    step = coaching_steps.get_step(db(), current_user, step_id)
    coaching_steps.mentorship_for(db(), current_user, step.ect_id)
    try:
        outcome = StepStatus(request.form.get("outcome", ""))
    except ValueError:
        raise InvalidInput("A step is closed as met or moved on.") from None
    step = coaching_steps.close_action_step(db(), current_user, step.id, outcome)
    if wants_json():
        return jsonify(step=step_json(step))
    flash(f"“{step.title}” marked {step.status.label.lower()}.", "info")
    return redirect(url_for("coaching.ect", ect_id=step.ect_id))


def repeat_step(step_id: int) -> ResponseReturnValue:
    """Carry a step into the next cycle."""
    step = coaching_steps.get_step(db(), current_user, step_id)
    again = coaching_steps.repeat_action_step(db(), current_user, step.id)
    if wants_json():
        return jsonify(step=step_json(again)), 201
    flash(f"“{again.title}” carried into the next cycle, due {day_month(again.review_on)}.", "info")
    return redirect(url_for("coaching.ect", ect_id=again.ect_id))
