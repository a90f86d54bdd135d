"""Choosing a password through an emailed link: an invitation's (``welcome``) or a password
reset's (``reset``), and asking for a reset link (``forgot``).

A link that has expired, was used, or is not valid answers a page that says so and what to
do (400), never an error. Asking for a reset link always answers the same page, so it never
tells whether an account exists; such requests are throttled like sign-ins.
"""

from __future__ import annotations

from collections.abc import Callable

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


def _choose_password(
    token: str,
    *,
    reset: bool,
    person_for: Callable[[str], User],
    set_password: Callable[[str, str], User],
    done: str,
) -> ResponseReturnValue:
    """The one flow of both links: the form, then the password set and the person signed in."""
    try:
        person = person_for(token)
    except InvalidInput as exc:
        return _link_problem(exc.message, reset=reset)
    form = NewPasswordForm()
    if request.method == "GET":
        return _form_page(form, person, reset=reset)
    if not form.validate():
        return _form_page(form, person, reset=reset, error=form_errors(form))
    try:
        user = set_password(token, form.new.data or "")
    except InvalidInput as exc:  # the password is one we refuse: say why, keep the form
        return _form_page(form, person, reset=reset, error=exc.message)
    flash(done.format(name=user.name), "info")
    return sign_in(user, remember=False, next_url=None)


def welcome(token: str) -> ResponseReturnValue:
    """Show an invitation's choose-a-password form, or set the password and sign them in."""
    key, days = settings().secret_key, settings().invitation_days
    return _choose_password(
        token,
        reset=False,
        person_for=lambda t: invitations.invited_person(db(), key, t, valid_days=days),
        set_password=lambda t, new: invitations.accept_invitation(
            db(), key, t, new, valid_days=days
        ),
        done="Welcome to Coachreel, {name}. Your password is set.",
    )


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
    key, hours = settings().secret_key, settings().reset_hours
    return _choose_password(
        token,
        reset=True,
        person_for=lambda t: invitations.reset_person(db(), key, t, valid_hours=hours),
        set_password=lambda t, new: invitations.reset_password(
            db(), key, t, new, valid_hours=hours
        ),
        done="Your password has been changed. Other devices have been signed out.",
    )
