"""Search across the transcripts of every clip the user may see."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.clips import transcripts
from web.resources import db


def index() -> ResponseReturnValue:
    """Search the transcripts of the clips the user may see."""
    query = request.args.get("q", "").strip()
    hits = transcripts.search(db(), current_user, query) if query else []
    return render_template("search/index.html", query=query, hits=hits)
