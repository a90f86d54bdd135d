"""Search across the transcripts of every clip the user may see."""

from flask import Blueprint, render_template, request
from flask_login import current_user

from service import transcripts
from web.resources import db

bp = Blueprint("search", __name__, url_prefix="/search")


@bp.get("/")
def index():  # noqa: ANN201
    query = request.args.get("q", "").strip()
    hits = transcripts.search(db(), current_user, query) if query else []
    return render_template("search/index.html", query=query, hits=hits)
