"""Choosing a password through an emailed link: an invitation's (``welcome``) or a password
reset's (``reset``), and asking for a reset link (``forgot``).

A link that has expired, was used, or is not valid answers a page that says so and what to
do (400), never an error. Asking for a reset link always answers the same page, so it never
tells whether an account exists; such requests are throttled like sign-ins.
"""

from __future__ import annotations

from flask import flash, render_template, request
from flask.typing import ResponseReturnValue

from service.errors import InvalidInput
from service.models import User
from service.people import invitations
from web import mailing
from web.auth import throttle
from web.auth.forms import ForgotForm, NewPasswordForm
from web.auth.routes import sign_in
from web.extensions import limiter
from web.forms import form_errors
from web.resources import db, settings


def _link_problem(message: str, *, reset: bool) -> ResponseReturnValue:
    return render_template("auth/link_problem.html", message=message, reset=reset), 400


def _form_page(form: NewPasswordForm, person: User, *, reset: bool, error: str = ""):
    page = render_template(
        "auth/new_password.html", form=form, person=person, reset=reset, error=error
    )
    return page, 400 if error else 200


def welcome(token: str) -> ResponseReturnValue:
    """Show an invitation's choose-a-password form, or set the password and sign them in."""
    config = settings()
    try:
        person = invitations.invited_person(
            db(), config.secret_key, token, valid_days=config.invitation_days
        )
    except InvalidInput as exc:
        return _link_problem(exc.message, reset=False)
    form = NewPasswordForm()
    if request.method == "GET":
        return _form_page(form, person, reset=False)
    if not form.validate():
        return _form_page(form, person, reset=False, error=form_errors(form))
    try:
        user = invitations.accept_invitation(
            db(), config.secret_key, token, form.new.data or "", valid_days=config.invitation_days
        )
    except InvalidInput as exc:  # the password is one we refuse: say why, keep the form
        return _form_page(form, person, reset=False, error=exc.message)
    flash(f"Welcome to Coachreel, {user.name}. Your password is set.", "info")
    return sign_in(user, remember=False, next_url=None)


# Every request for a link counts (not only refused ones), per email and per address, so the
# form cannot flood someone's inbox; a throttled one gets this page again (throttle.py).
@limiter.limit(throttle.per_account, key_func=throttle.account_key, methods=["POST"])
@limiter.limit(throttle.per_address, key_func=throttle.address_key, methods=["POST"])
def forgot() -> ResponseReturnValue:
    """Ask for a link to choose a new password; the answer never says if the account exists."""
    form = ForgotForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        error = form_errors(form) if request.method == "POST" else ""
        return render_template("auth/forgot.html", form=form, error=error), status
    config = settings()
    message = invitations.request_password_reset(
        db(),
        form.email.data or "",
        link_for=mailing.link_for("auth.reset"),
        secret_key=config.secret_key,
        valid_hours=config.reset_hours,
    )
    if message is not None:
        mailing.enqueue([message])
    email = (form.email.data or "").strip()
    return render_template("auth/forgot_sent.html", email=email, hours=config.reset_hours)


def reset(token: str) -> ResponseReturnValue:
    """Show a reset link's new-password form, or change the password and sign them in."""
    config = settings()
    try:
        person = invitations.reset_person(
            db(), config.secret_key, token, valid_hours=config.reset_hours
        )
    except InvalidInput as exc:
        return _link_problem(exc.message, reset=True)
    form = NewPasswordForm()
    if request.method == "GET":
        return _form_page(form, person, reset=True)
    if not form.validate():
        return _form_page(form, person, reset=True, error=form_errors(form))
    try:
        user = invitations.reset_password(
            db(), config.secret_key, token, form.new.data or "", valid_hours=config.reset_hours
        )
    except InvalidInput as exc:
        return _form_page(form, person, reset=True, error=exc.message)
    flash("Your password has been changed. Other devices have been signed out.", "info")
    return sign_in(user, remember=False, next_url=None)
