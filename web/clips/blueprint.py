"""The clips blueprint, shared by the modules that add routes to it."""

from flask import Blueprint

bp = Blueprint("clips", __name__, url_prefix="/clips")
