"""The front door: the home page and a health check."""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue


def index() -> ResponseReturnValue:
    """Send visitors to the clips list."""
    return redirect(url_for("clips.index"))


def health() -> ResponseReturnValue:
    """Answer that the app is up."""
    return {"status": "ok"}
