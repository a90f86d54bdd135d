"""Sending a person their invitation to choose a password (again)."""

from __future__ import annotations

from flask import flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue

from web import mailing
from web.errors import wants_json
from web.navigation import safe_next


def invite(user_id: int) -> ResponseReturnValue:
    """Email a person of a school the user manages a new link to choose their password.

    Someone outside those schools is not found (404); earlier links keep working until they
    expire or one is used.
    """
    mailing.invite([user_id])
    message = "Invitation sent. The link in it works for a limited time and only once."
    if wants_json():
        return jsonify(message=message, invited=user_id)
    flash(message, "info")
    return redirect(safe_next(request.form.get("next"), url_for("main.index")))
