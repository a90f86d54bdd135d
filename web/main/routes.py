"""The front door: the home page and a health check."""

from flask import Blueprint, redirect, url_for

bp = Blueprint("main", __name__)


@bp.get("/")
def index():  # noqa: ANN201
    return redirect(url_for("clips.index"))


@bp.get("/health")
def health():  # noqa: ANN201
    return {"status": "ok"}
