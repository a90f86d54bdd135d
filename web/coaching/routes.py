"""The coaching cycle: home pages, action steps, libraries, rehearsals and meeting records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from service import clips, coaching, meetings, model_clips, policy
from service import comments as feedback
from service.errors import Forbidden, InvalidInput
from service.models import (
    TEACHERS_STANDARDS,
    ActionStep,
    Clip,
    ClipKind,
    CoachingSession,
    Role,
    StepStatus,
    Strand,
    User,
)
from web.auditing import audit_view, request_ip
from web.coaching.forms import (
    STANDARD_CHOICES,
    STRAND_CHOICES,
    LibraryStepForm,
    ReflectionForm,
    SessionForm,
    StepForm,
    choices,
    criteria_inputs,
    form_errors,
    optional_int,
)
from web.errors import wants_json
from web.resources import db

bp = Blueprint("coaching", __name__, url_prefix="/coaching")

FEEDBACK_ON_HOME = 6


# --- small read-only helpers ----------------------------------------------------------------


def _day(value: date) -> str:
    return f"{value.day} {value:%b}"


def _feedback_lines(clip_id: int) -> list[dict[str, object]]:
    """The clip's comments as author, time and body, whatever shape the use case returns."""
    lines = []
    for item in feedback.clip_comments(db(), current_user, clip_id):
        comment = getattr(item, "comment", item)
        if isinstance(comment, dict):
            author, at, body = comment.get("author"), comment.get("at_seconds"), comment.get("body")
        else:
            if getattr(comment, "is_deleted", False):
                continue
            author = getattr(getattr(comment, "author", None), "name", None)
            at, body = getattr(comment, "at_seconds", None), getattr(comment, "body", "")
        if body:
            lines.append({"author": author or "", "at_seconds": at or 0, "body": body})
    return lines


def _own_lessons(ect_id: int) -> list[Clip]:
    return [
        c
        for c in clips.visible_clips(db(), current_user)
        if c.owner_id == ect_id and c.kind == ClipKind.LESSON
    ]


def step_json(step: ActionStep) -> dict[str, object]:
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


def session_json(record: CoachingSession) -> dict[str, object]:
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


def _text_filters() -> tuple[str | None, int | None]:
    strand = request.args.get("strand") or None
    if strand not in {s.value for s in Strand}:
        strand = None
    standard = optional_int(request.args.get("standard"))
    return strand, standard if standard in TEACHERS_STANDARDS else None


# --- home pages -----------------------------------------------------------------------------


@bp.get("/")
def home():  # noqa: ANN201
    if current_user.has_role(Role.MENTOR):
        mentees = meetings.mentor_home(db(), current_user)
        return render_template("coaching/mentor_home.html", mentees=mentees)
    if current_user.has_role(Role.ECT):
        return _ect_home()
    # Coordinators, admins and reviewers: the ECTs whose coaching record they may see.
    return render_template("coaching/overview.html", ects=meetings.visible_ects(db(), current_user))


def _ect_home(reflection_error: str | None = None, reflection_text: str | None = None):  # noqa: ANN202
    me = current_user
    records = meetings.coaching_sessions(db(), me, me.id)
    form = ReflectionForm()
    if records and reflection_text is None:
        form.reflection.data = records[0].ect_reflection or ""
    elif reflection_text is not None:
        form.reflection.data = reflection_text
    my_clips = [c for c in clips.visible_clips(db(), me) if c.owner_id == me.id]
    page = render_template(
        "coaching/ect_home.html",
        step=coaching.current_step(db(), me, me.id),
        feedback=meetings.latest_feedback(db(), me),
        clips=my_clips,
        records=records,
        form=form,
        reflection_error=reflection_error,
        standards=TEACHERS_STANDARDS,
    )
    return (page, 400) if reflection_error else page


# --- an ECT's steps and meetings ------------------------------------------------------------


@bp.get("/ects/<int:ect_id>")
def ect(ect_id: int):  # noqa: ANN201
    person = coaching.visible_ect(db(), current_user, ect_id)
    return render_template(
        "coaching/ect.html",
        ect=person,
        timeline=coaching.step_timeline(db(), current_user, ect_id),
        records=meetings.coaching_sessions(db(), current_user, ect_id),
        is_mentor=policy.mentors(db(), current_user, ect_id),
        can_view_talk=policy.can_view_talk_trends(db(), current_user, ect_id),
        standards=TEACHERS_STANDARDS,
    )


def _step_page(form: StepForm, criteria: list[str], *, ect: User, step=None, **context):  # noqa: ANN001, ANN003, ANN202
    return render_template(
        "coaching/step_form.html",
        form=form,
        criteria=criteria_inputs(criteria),
        ect=ect,
        step=step,
        **context,
    )


@bp.route("/ects/<int:ect_id>/steps/new", methods=["GET", "POST"])
def new_step(ect_id: int):  # noqa: ANN201
    # Visibility first, so someone who may not see this ECT learns nothing (404, not 403).
    person = coaching.visible_ect(db(), current_user, ect_id)
    pairing = coaching.mentorship_for(db(), current_user, ect_id)
    source_comment_id = optional_int(request.args.get("comment"))
    form = StepForm()
    form.set_models(model_clips.model_library(db(), current_user))
    context = {
        "ect": person,
        "induction_year": pairing.induction_year,
        "action": url_for("coaching.new_step", ect_id=ect_id, comment=source_comment_id),
        "from_comment": source_comment_id is not None,
    }
    if not form.is_submitted():
        criteria: list[str] = []
        template_id = optional_int(request.args.get("template"))
        if template_id is not None:
            start = coaching.step_from_template(db(), current_user, template_id)
            form.fill(start)
            criteria = list(start.criteria)
        return _step_page(form, criteria, **context)
    criteria = request.form.getlist("criteria")
    if not form.validate():
        message = form_errors(form)
        return _invalid(message, lambda: _step_page(form, criteria, message=message, **context))
    data = form.step_input(criteria)
    try:
        step = coaching.set_action_step(
            db(), current_user, ect_id, data, source_comment_id=source_comment_id
        )
    except InvalidInput as exc:
        message = exc.message
        return _invalid(message, lambda: _step_page(form, criteria, message=message, **context))
    saved = _maybe_save_to_library(form, data)
    if wants_json():
        return jsonify(step=step_json(step), saved_to_library=saved), 201
    flash(f"Step set for {person.name}: {step.title}", "info")
    return redirect(url_for("coaching.ect", ect_id=ect_id))


def _invalid(message: str, page: Callable[[], str]):  # noqa: ANN202
    """Answer a refused form: JSON for a script, else the form again with what was typed."""
    if wants_json():
        return jsonify(error=message, status=400), 400
    return page(), 400


def _maybe_save_to_library(form: StepForm, data) -> bool:  # noqa: ANN001
    if not form.save_to_library.data:
        return False
    try:
        coaching.save_to_library(db(), current_user, data)
    except (InvalidInput, Forbidden) as exc:
        flash(f"The step is set, but it was not added to the library: {exc.message}", "error")
        return False
    return True


@bp.route("/steps/<int:step_id>/edit", methods=["GET", "POST"])
def edit_step(step_id: int):  # noqa: ANN201
    step = coaching.get_step(db(), current_user, step_id)
    coaching.mentorship_for(db(), current_user, step.ect_id)
    form = StepForm()
    models = model_clips.model_library(db(), current_user)
    if step.model_clip is not None and step.model_clip not in models:
        models.append(step.model_clip)  # still attached, though no longer shared
    form.set_models(models)
    context = {
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
    if not form.validate():
        message = form_errors(form)
        return _invalid(message, lambda: _step_page(form, criteria, message=message, **context))
    try:
        step = coaching.edit_action_step(db(), current_user, step.id, form.step_input(criteria))
    except InvalidInput as exc:
        message = exc.message
        return _invalid(message, lambda: _step_page(form, criteria, message=message, **context))
    if wants_json():
        return jsonify(step=step_json(step))
    flash("Step updated.", "info")
    return redirect(url_for("coaching.ect", ect_id=step.ect_id, _anchor=f"step-{step.id}"))


@bp.post("/steps/<int:step_id>/close")
def close_step(step_id: int):  # noqa: ANN201
    step = coaching.get_step(db(), current_user, step_id)
    coaching.mentorship_for(db(), current_user, step.ect_id)
    try:
        outcome = StepStatus(request.form.get("outcome", ""))
    except ValueError:
        raise InvalidInput("A step is closed as met or moved on.") from None
    step = coaching.close_action_step(db(), current_user, step.id, outcome)
    if wants_json():
        return jsonify(step=step_json(step))
    flash(f"“{step.title}” marked {step.status.label.lower()}.", "info")
    return redirect(url_for("coaching.ect", ect_id=step.ect_id))


@bp.post("/steps/<int:step_id>/repeat")
def repeat_step(step_id: int):  # noqa: ANN201
    step = coaching.get_step(db(), current_user, step_id)
    again = coaching.repeat_action_step(db(), current_user, step.id)
    if wants_json():
        return jsonify(step=step_json(again)), 201
    flash(f"“{again.title}” carried into the next cycle, due {_day(again.review_on)}.", "info")
    return redirect(url_for("coaching.ect", ect_id=again.ect_id))


# --- the meeting record ----------------------------------------------------------------------


@bp.route("/ects/<int:ect_id>/sessions/new", methods=["GET", "POST"])
def new_session(ect_id: int):  # noqa: ANN201
    person = coaching.visible_ect(db(), current_user, ect_id)
    coaching.mentorship_for(db(), current_user, ect_id)
    form = SessionForm()
    steps = [entry.step for entry in coaching.step_timeline(db(), current_user, ect_id)]
    form.step_id.choices = choices(
        [("", "No step")]
        + [
            (str(s.id), f"{s.title} ({s.status.label.lower()}, set {_day(s.created_at)})")
            for s in steps
        ]
    )
    models = model_clips.model_library(db(), current_user)
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

    def page(message: str) -> Callable[[], str]:
        return lambda: render_template(
            "coaching/session_form.html", form=form, chosen=set(chosen), message=message, **context
        )

    if not form.validate():
        return _invalid(form_errors(form), page(form_errors(form)))
    try:
        record = meetings.record_session(db(), current_user, ect_id, form.session_input(chosen))
    except InvalidInput as exc:
        return _invalid(exc.message, page(exc.message))
    if wants_json():
        return jsonify(session=session_json(record)), 201
    flash(f"Meeting on {_day(record.held_on)} recorded.", "info")
    return redirect(url_for("coaching.ect", ect_id=ect_id, _anchor="sessions"))


@bp.post("/sessions/<int:session_id>/reflection")
def reflect(session_id: int):  # noqa: ANN201
    form = ReflectionForm()
    form.validate()
    text = form.reflection.data or ""
    try:
        record = meetings.add_reflection(db(), current_user, session_id, text)
    except InvalidInput as exc:
        if wants_json() or not current_user.has_role(Role.ECT):
            raise
        return _ect_home(reflection_error=exc.message, reflection_text=text)
    if wants_json():
        return jsonify(session=session_json(record))
    flash("Reflection saved. Your mentor will see it before your next meeting.", "info")
    return redirect(url_for("coaching.home"))


# --- the step library ------------------------------------------------------------------------


def _library_page(form: LibraryStepForm, criteria: list[str], message: str | None = None):  # noqa: ANN202
    strand, standard = _text_filters()
    words = request.args.get("q", "")
    is_mentor = policy.mentor_school(current_user) is not None
    return render_template(
        "coaching/library.html",
        templates=coaching.search_library(
            db(), current_user, strand=strand, standard=standard, text=words
        ),
        mentees=[m.ect for m in meetings.mentor_home(db(), current_user)] if is_mentor else [],
        is_mentor=is_mentor,
        form=form,
        criteria=criteria_inputs(criteria),
        message=message,
        filters={"strand": strand or "", "standard": standard or "", "q": words},
        strands=STRAND_CHOICES,
        standards=STANDARD_CHOICES,
        standard_names=TEACHERS_STANDARDS,
    )


@bp.get("/library")
def library():  # noqa: ANN201
    return _library_page(LibraryStepForm(), [])


@bp.post("/library")
def save_template():  # noqa: ANN201
    form = LibraryStepForm()
    form.validate()
    criteria = request.form.getlist("criteria")
    try:
        template = coaching.save_to_library(db(), current_user, form.to_input(criteria))
    except InvalidInput as exc:
        message = exc.message
        return _invalid(message, lambda: _library_page(form, criteria, message))
    if wants_json():
        return jsonify(template={"id": template.id, "title": template.title}), 201
    flash(f"“{template.title}” added to your school's library.", "info")
    return redirect(url_for("coaching.library"))


# --- model clips -----------------------------------------------------------------------------


@bp.get("/models")
def models():  # noqa: ANN201
    strand, standard = _text_filters()
    phase = request.args.get("phase", "")
    return render_template(
        "coaching/models.html",
        clips=model_clips.model_library(
            db(), current_user, strand=strand, standard=standard, phase=phase
        ),
        filters={"strand": strand or "", "standard": standard or "", "phase": phase},
        is_mentor=policy.mentor_school(current_user) is not None,
        strands=STRAND_CHOICES,
        standards=STANDARD_CHOICES,
        standard_names=TEACHERS_STANDARDS,
    )


@bp.post("/models/<int:clip_id>/share")
def share_model(clip_id: int):  # noqa: ANN201
    raw_standard = (request.form.get("standard") or "").strip()
    clip = model_clips.share_model_clip(
        db(),
        current_user,
        clip_id,
        shareable=request.form.get("shareable") in ("1", "on", "true", "y"),
        strand=request.form.get("strand") or None,
        standard=(optional_int(raw_standard) or 0) if raw_standard else None,
        phase=request.form.get("phase") or None,
        ip=request_ip(),
    )
    if wants_json():
        return jsonify(
            clip={
                "id": clip.id,
                "shareable": clip.shareable,
                "strand": clip.strand,
                "standard": clip.standard,
                "phase": clip.phase,
            }
        )
    flash(
        f"“{clip.title}” is {'shared in' if clip.shareable else 'no longer in'} "
        "your school's model library.",
        "info",
    )
    return redirect(url_for("coaching.models"))


# --- rehearsals ------------------------------------------------------------------------------


@bp.get("/rehearsals/<int:clip_id>")
def rehearsal(clip_id: int):  # noqa: ANN201
    view = coaching.rehearsal_view(db(), current_user, clip_id)
    audit_view(view.clip, "rehearsal page")
    return render_template(
        "coaching/rehearsal.html",
        view=view,
        clip=view.clip,
        step=view.step,
        model=view.model,
        can_tick=policy.mentors(db(), current_user, view.step.ect_id),
        feedback=_feedback_lines(view.clip.id),
    )


@bp.post("/rehearsals/<int:clip_id>/criteria/<int:criterion>")
def tick(clip_id: int, criterion: int):  # noqa: ANN201
    met = request.form.get("met", "") in ("1", "on", "true")
    coaching.tick_criterion(db(), current_user, clip_id, criterion, met)
    if wants_json():
        return jsonify(clip_id=clip_id, criterion=criterion, met=met)
    return redirect(url_for("coaching.rehearsal", clip_id=clip_id))


@bp.app_template_filter("standard_name")
def standard_name(number: int | None) -> str:
    return f"{number}. {TEACHERS_STANDARDS[number]}" if number in TEACHERS_STANDARDS else ""


@bp.app_template_global("today")
def today() -> date:
    return date.today()
