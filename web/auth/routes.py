"""Signing in and out, and changing one's password."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from service import accounts
from service.errors import InvalidInput
from service.models import User
from web.auth import throttle
from web.auth.forms import LoginForm, PasswordForm
from web.extensions import limiter
from web.main.routes import home_url
from web.navigation import safe_next
from web.resources import db


def _rotate_csrf_token() -> None:
    # A token planted before sign-in (or read from the signed-out page) must not carry over:
    # Flask-WTF makes a fresh one when the session holds none.
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(field, None)
    g.pop(field, None)


# Failed sign-ins are counted per email and per address (web.auth.throttle); a throttled one
# is answered by throttle.too_many_attempts before this view runs.
@limiter.limit(
    throttle.per_account,
    key_func=throttle.account_key,
    methods=["POST"],
    deduct_when=throttle.refused,
)
@limiter.limit(
    throttle.per_address,
    key_func=throttle.address_key,
    methods=["POST"],
    deduct_when=throttle.refused,
)
def login() -> ResponseReturnValue:
    """Show the sign-in form, or sign in with the details it sends."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(db(), form.email.data or "", form.password.data or "")
        if user is None:
            flash("That email and password do not match an account.", "error")
            return render_template("auth/login.html", form=form), 401
        return sign_in(user, remember=bool(form.remember.data), next_url=request.args.get("next"))
    return render_template("auth/login.html", form=form)


def sign_in(user: User, *, remember: bool, next_url: str | None) -> ResponseReturnValue:
    """Sign the user in on this browser and send them on: how every way of signing in ends."""
    _rotate_csrf_token()
    login_user(user, remember=remember)
    # A safe ?next= (the page that sent them to sign in) wins; else their own home.
    return redirect(safe_next(next_url, home_url()))


def logout() -> ResponseReturnValue:
    """Sign out, ending this user's sessions on every device."""
    accounts.end_sessions(db(), current_user.id)
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))


def password() -> ResponseReturnValue:
    """Show the change-password form, or change the password with what it sends."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.change_password(
                db(), current_user.id, form.current.data or "", form.new.data or ""
            )
        except InvalidInput as exc:
            flash(exc.message, "error")
            return render_template("auth/password.html", form=form), 400
        # The change ended every session, this one too: sign this one in again with the new
        # token, keeping "Keep me signed in" if this device had it.
        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
        login_user(user, remember=remembered in request.cookies)
        flash("Your password has been changed. Other devices have been signed out.", "info")
        return redirect(home_url())
    return render_template("auth/password.html", form=form)
