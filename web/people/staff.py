"""Adding a person to a school, and changing a person's name and roles there."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.errors import InvalidInput
from service.models import School, User
from service.people import schools, staff
from web import mailing
from web.errors import wants_json
from web.forms import form_errors, refused
from web.people.forms import ROLE_CHOICES, PersonForm
from web.resources import db


def _person_json(user: User, school_id: int) -> dict[str, object]:
    return {
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "roles": [m.role.value for m in user.memberships if m.school_id == school_id],
    }


def _form(school: School) -> PersonForm:
    form = PersonForm()
    options = staff.staff_options(db(), school.id)
    form.offer_staff(options.mentors, options.staff)
    return form


def new_person(school_id: int) -> ResponseReturnValue:
    """Add a person to a school (an ECT with their induction and mentor) and invite them."""
    school = schools.people_school(db(), current_user, school_id)
    form = _form(school)

    def page(message: str = "") -> ResponseReturnValue:
        return render_template(
            "people/person_form.html",
            form=form,
            school=school,
            person=None,
            error=message,
            role_choices=ROLE_CHOICES,
        )

    if not form.is_submitted():
        return page()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        added = staff.add_person(db(), current_user, school_id, form.values())
    except InvalidInput as exc:
        db().rollback()
        return refused(exc.message, page)
    person = added.user
    if added.created:
        mailing.invite([person.id])
        message = f"{person.name} added and sent an invitation to choose a password."
    else:
        message = f"{person.name} already had an account: they now have roles here too."
    if wants_json():
        return jsonify(message=message, person=_person_json(person, school_id)), 201
    flash(message, "info")
    return redirect(url_for("people.school", school_id=school_id))


def edit_person(school_id: int, user_id: int) -> ResponseReturnValue:
    """Change a person's name, their roles in this school, and an ECT's induction and mentor."""
    row = staff.school_person(db(), current_user, school_id, user_id)
    school = schools.people_school(db(), current_user, school_id)
    form = _form(school)

    def page(message: str = "") -> ResponseReturnValue:
        return render_template(
            "people/person_form.html",
            form=form,
            school=school,
            person=row,
            error=message,
            role_choices=ROLE_CHOICES,
        )

    if not form.is_submitted():
        form.name.data = row.user.name
        form.roles.data = [role.value for role in row.roles]
        form.induction_started_on.data = row.induction_started_on
        if row.pairing is not None:
            form.induction_year.data = str(row.pairing.induction_year)
            form.mentor_id.data = str(row.pairing.mentor_id)
            form.ect_lead_id.data = str(row.pairing.ect_lead_id or "")
        return page()
    try:
        if not form.validate():
            raise InvalidInput(form_errors(form))
        user = staff.edit_person(db(), current_user, school_id, user_id, form.values())
    except InvalidInput as exc:
        db().rollback()
        return refused(exc.message, page)
    message = f"{user.name}'s details saved."
    if wants_json():
        return jsonify(message=message, person=_person_json(user, school_id))
    flash(message, "info")
    return redirect(url_for("people.school", school_id=school_id))
