"""An area's URL map as a table: each area's ``blueprint()`` (in ``web/<area>/__init__.py``)
lists its routes as (methods, URL rule, view) rows, so one file shows every URL of the area."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint
from flask.typing import ResponseReturnValue

GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")

Route = tuple[tuple[str, ...], str, Callable[..., ResponseReturnValue]]


def add_routes(bp: Blueprint, routes: Iterable[Route]) -> None:
    """Add each (methods, URL rule, view) row to the blueprint; a view's name is its endpoint."""
    for methods, rule, view in routes:
        bp.add_url_rule(rule, view_func=view, methods=methods)
