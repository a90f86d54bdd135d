"""The year's roll-over page: a preview of each ECT's move, then apply what is ticked."""

from __future__ import annotations

from datetime import date

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.people import rollover as rolling
from service.people.pairing_admin import managed_school
from web.auditing import request_ip
from web.errors import wants_json
from web.forms import form_errors, refused
from web.people.pairing_forms import RollOverForm, school_people_url
from web.resources import db


def _preview(school_id: int, last_day: date | None, error: str = "") -> str:
    try:
        plan = rolling.plan(db(), current_user, school_id, last_day)
    except InvalidInput as exc:  # a day out of range: preview the default day, with the reason
        plan, error = rolling.plan(db(), current_user, school_id), exc.message
    return render_template(
        "people/rollover.html",
        plan=plan,
        error=error,
        school_url=school_people_url(school_id),
    )


def _chosen_day(form: RollOverForm) -> date | None:
    if not form.validate():
        raise InvalidInput(form_errors(form))
    return form.last_day.data


def rollover(school_id: int) -> ResponseReturnValue:
    """Preview the roll-over (GET, for a chosen last day), or apply it to the ECTs ticked."""
    if request.method == "GET":
        form = RollOverForm(formdata=request.args, meta={"csrf": False})
        managed_school(db(), current_user, school_id)  # 404 before a form error
        try:
            day = _chosen_day(form)
        except InvalidInput as exc:
            return _preview(school_id, None, exc.message), 400
        return _preview(school_id, day)
    managed_school(db(), current_user, school_id)
    form = RollOverForm()
    try:
        day = _chosen_day(form)
        result = rolling.apply(db(), current_user, school_id, day, form.chosen(), ip=request_ip())
    except InvalidInput as exc:
        return refused(exc.message, lambda message: _preview(school_id, None, message))
    to_two = [r for r in result.moved if r.move == rolling.Move.TO_YEAR_TWO]
    done = [r for r in result.moved if r.move == rolling.Move.COMPLETE]
    if result.moved:
        message = (
            f"Rolled over {len(result.moved)} ECT(s): {len(to_two)} moved on to year 2, "
            f"{len(done)} completed their induction."
        )
    else:
        message = "Nobody was rolled over: nothing changed."
    if result.left_out:
        message += " Left as they are: " + ", ".join(r.ect.name for r in result.left_out) + "."
    if wants_json():
        return jsonify(
            message=message,
            last_day=result.plan.last_day.isoformat(),
            to_year_two=[r.ect.id for r in to_two],
            completed=[r.ect.id for r in done],
            left_out=[r.ect.id for r in result.left_out],
        )
    flash(message, "info")
    return redirect(
        url_for("people.rollover", school_id=school_id, last_day=result.plan.last_day.isoformat())
    )
