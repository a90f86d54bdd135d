"""An area's URL map as a table: each area's ``blueprint()`` (in ``web/<area>/__init__.py``)
lists its routes as (methods, URL rule, view) rows, so one file shows every URL of the area."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Blueprint
from flask.typing import ResponseReturnValue
from werkzeug.routing import BaseConverter, ValidationError

from service.numbers import parse_integer

GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")

Route = tuple[tuple[str, ...], str, Callable[..., ResponseReturnValue]]


def add_routes(bp: Blueprint, routes: Iterable[Route]) -> None:
    """Add each (methods, URL rule, view) row to the blueprint; a view's name is its endpoint."""
    for methods, rule, view in routes:
        bp.add_url_rule(rule, view_func=view, methods=methods)


class IdConverter(BaseConverter):
    """Match a URL part naming a row id: ASCII digits only, within an id column's range.

    Registered as ``int`` by ``create_app``, so every ``<int:...>`` in a route table uses it.
    Werkzeug's own matches any Unicode digit ("１") and any size, which the database refuses
    with a server error; here such a URL matches no route and answers 404.
    """

    regex = r"[0-9]+"
    weight = 50  # as werkzeug's int converter, so rules sort the same way

    def to_python(self, value: str) -> int:
        number = parse_integer(value)
        if number is None:
            raise ValidationError()
        return number

    def to_url(self, value: object) -> str:
        return str(int(value))  # type: ignore[call-overload]
