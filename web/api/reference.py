"""The API's reference page: the OpenAPI document rendered by Swagger UI, served from here."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue


def reference() -> ResponseReturnValue:
    """Show the API's reference, rendered from /api/v1/openapi.json."""
    return render_template("api/reference.html")
