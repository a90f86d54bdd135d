"""The settings page's API tokens: list them, make one (its secret shown once), revoke one."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField

from service import tokens
from service.errors import InvalidInput
from web.errors import wants_json
from web.forms import refused
from web.resources import db


class TokenForm(FlaskForm):
    name = StringField("Name (what will use it, such as “School MIS”)")
    can_write = BooleanField("It can change things (add comments and replies), not only read")


class RevokeForm(FlaskForm):
    pass


def _page(form: TokenForm, *, error: str = "", secret: str | None = None, status: int = 200):
    return (
        render_template(
            "tokens/index.html",
            form=form,
            revoke_form=RevokeForm(),
            tokens=tokens.live_tokens(db(), current_user),
            error=error,
            secret=secret,
        ),
        status,
    )


def index() -> ResponseReturnValue:
    """List the person's API tokens, and make one; the new secret is shown once, here."""
    form = TokenForm()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return refused("Your session has expired. Please reload the page and try again.",
                       lambda message: _page(form, error=message)[0])  # fmt: skip
    try:
        token, secret = tokens.create_token(
            db(), current_user, form.name.data or "", can_write=bool(form.can_write.data)
        )
    except InvalidInput as exc:
        return refused(exc.message, lambda message: _page(form, error=message)[0])
    if wants_json():
        return jsonify(id=token.id, name=token.name, token=secret), 201
    return _page(TokenForm(formdata=None), secret=secret, status=201)


def revoke(token_id: int) -> ResponseReturnValue:
    """Revoke one of the person's tokens: it stops working at once."""
    token = tokens.revoke_token(db(), current_user, token_id)
    message = f"The token “{token.name}” is revoked: it no longer works."
    if wants_json():
        return jsonify(message=message)
    flash(message, "info")
    return redirect(url_for("tokens.index"))
