"""The people pages' schools: the list of schools a person manages, one school's people, and
adding or changing a school."""

from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.errors import InvalidInput
from service.models import School
from service.people import schools, staff
from web.errors import wants_json
from web.forms import form_errors, refused
from web.people.forms import SchoolForm
from web.resources import db

# Pages of the people area built beside these ones: linked once they exist.
SCHOOL_LINKS = ("people.pairings", "people.rollover")
PERSON_LINKS = ("people.leaver", "people.invite")


def _linked(names: tuple[str, ...]) -> set[str]:
    return {name for name in names if name in current_app.view_functions}


def index() -> ResponseReturnValue:
    """List the schools whose people the user manages."""
    return render_template(
        "people/index.html",
        schools=schools.managed_schools(db(), current_user),
        trusts=(trusts := schools.managed_trusts(db(), current_user)),
        adds_schools=bool(trusts),
        edits=lambda school: policy.manages_school_record(db(), current_user, school),
    )


def school(school_id: int) -> ResponseReturnValue:
    """Show a school's people, their roles, mentors and whether they have signed in yet."""
    found, people = staff.school_people(db(), current_user, school_id)
    return render_template(
        "people/school.html",
        school=found,
        people=people,
        edits_school=policy.manages_school_record(db(), current_user, found),
        links=_linked(SCHOOL_LINKS + PERSON_LINKS),
    )


def _school_json(found: School) -> dict[str, object]:
    return {
        "id": found.id,
        "name": found.name,
        "urn": found.urn,
        "timezone": found.timezone,
        "trust_id": found.trust_id,
    }


def new_school() -> ResponseReturnValue:
    """Add a school to a trust the user manages."""
    form = SchoolForm()
    form.offer_trusts(schools.managed_trusts(db(), current_user))

    def page(message: str = "") -> ResponseReturnValue:
        return render_template("people/school_form.html", form=form, school=None, error=message)

    if not form.is_submitted():
        return page()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        added = schools.create_school(db(), current_user, form.values())
    except InvalidInput as exc:
        return refused(exc.message, page)
    if wants_json():
        return jsonify(school=_school_json(added)), 201
    flash(f"{added.name} added. Now add its people, or import them from a roster file.", "info")
    return redirect(url_for("people.school", school_id=added.id))


def edit_school(school_id: int) -> ResponseReturnValue:
    """Change a school's name, URN or time zone."""
    found = schools.editable_school(db(), current_user, school_id)
    form = SchoolForm(obj=found)
    form.offer_trusts([])  # a school stays in its trust

    def page(message: str = "") -> ResponseReturnValue:
        return render_template("people/school_form.html", form=form, school=found, error=message)

    if not form.is_submitted():
        form.urn.data = found.urn or ""
        return page()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        found = schools.update_school(db(), current_user, school_id, form.values())
    except InvalidInput as exc:
        db().rollback()
        return refused(exc.message, page)
    if wants_json():
        return jsonify(school=_school_json(found))
    flash(f"{found.name}'s details saved.", "info")
    return redirect(url_for("people.school", school_id=school_id))
