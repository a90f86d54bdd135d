"""The front door: each person's home page, and a health check."""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.coaching.home import Home, home_for

# Where each kind of home lives.
HOME_ENDPOINTS = {
    Home.COACHING: "coaching.home",
    Home.REVIEWS: "review.queue",
    Home.INDUCTION: "induction.home",
    Home.CLIPS: "clips.index",
}


def home_url() -> str:
    """Return the signed-in person's home page: their step or ECTs, queue, or dashboard."""
    return url_for(HOME_ENDPOINTS[home_for(current_user)])


def index() -> ResponseReturnValue:
    """Send a signed-in person to their own home page."""
    return redirect(home_url())


def health() -> ResponseReturnValue:
    """Answer that the app is up."""
    return {"status": "ok"}
