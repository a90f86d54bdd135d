"""The coaching cycle: home pages, action steps, libraries, rehearsals and meeting records."""

from flask import Blueprint

bp = Blueprint("coaching", __name__, url_prefix="/coaching")
