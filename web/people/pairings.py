"""The pairings page: a school's ECTs with their mentor, ECT lead and year; pairing, changing
and ending pairings, and the history of ended ones."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.models import Mentorship
from service.people import pairing_admin
from web.errors import wants_json
from web.forms import form_errors, refused
from web.navigation import safe_next
from web.people.pairing_forms import PairForm, school_people_url
from web.resources import db


def pairing_json(pairing: Mentorship) -> dict[str, object]:
    """A pairing as the JSON answers show it."""
    return {
        "id": pairing.id,
        "ect_id": pairing.ect_id,
        "mentor_id": pairing.mentor_id,
        "ect_lead_id": pairing.ect_lead_id,
        "school_id": pairing.school_id,
        "induction_year": pairing.induction_year,
        "cadence_days": pairing.cadence_days,
        "started_on": pairing.started_on.isoformat(),
        "ended_on": pairing.ended_on.isoformat() if pairing.ended_on else None,
    }


def _page(school_id: int, form: PairForm, error: str = "") -> str:
    page = pairing_admin.pairings_page(db(), current_user, school_id)
    return render_template(
        "people/pairings.html",
        page=page,
        form=form,
        error=error,
        school_url=school_people_url(school_id),
    )


def pairings(school_id: int) -> ResponseReturnValue:
    """Show a school's pairings; a POST pairs an ECT or changes their pairing."""
    if request.method == "GET":
        return _page(school_id, PairForm(formdata=None))
    pairing_admin.managed_school(db(), current_user, school_id)  # 404 before a form error
    form = PairForm()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        pairing, changed = pairing_admin.pair_ect(db(), current_user, school_id, form.values())
    except InvalidInput as exc:
        return refused(exc.message, lambda message: _page(school_id, form, message))
    name = pairing.ect.name
    message = (
        f"{name}: year {pairing.induction_year} with {pairing.mentor.name}."
        if changed
        else f"{name}: nothing changed."
    )
    if wants_json():
        return jsonify(message=message, changed=changed, pairing=pairing_json(pairing))
    flash(message, "info")
    return redirect(
        url_for("people.pairings", school_id=school_id, _anchor=f"ect-{pairing.ect_id}")
    )


def end_pairing(pairing_id: int) -> ResponseReturnValue:
    """End a current pairing today; the ECT's clips and records stay with them."""
    pairing, changed = pairing_admin.end_pairing(db(), current_user, pairing_id)
    message = (
        f"The pairing of {pairing.ect.name} with {pairing.mentor.name} has ended: "
        f"{pairing.mentor.name} no longer sees {pairing.ect.name}'s clips."
        if changed
        else f"The pairing of {pairing.ect.name} with {pairing.mentor.name} had already ended."
    )
    if wants_json():
        return jsonify(message=message, changed=changed, pairing=pairing_json(pairing))
    flash(message, "info")
    back = url_for("people.pairings", school_id=pairing.school_id)
    return redirect(safe_next(request.form.get("next"), back))
