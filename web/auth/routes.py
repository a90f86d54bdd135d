"""Signing in and out."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_user, logout_user

from service.accounts import authenticate
from web.auth.forms import LoginForm
from web.navigation import safe_next
from web.resources import db


def login() -> ResponseReturnValue:
    """Show the sign-in form, or sign in with the details it sends."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(db(), form.email.data or "", form.password.data or "")
        if user is None:
            flash("That email and password do not match an account.", "error")
            return render_template("auth/login.html", form=form), 401
        login_user(user, remember=bool(form.remember.data))
        return redirect(safe_next(request.args.get("next"), url_for("clips.index")))
    return render_template("auth/login.html", form=form)


def logout() -> ResponseReturnValue:
    """Sign out."""
    logout_user()
    flash("You have signed out.", "info")
    return redirect(url_for("auth.login"))
