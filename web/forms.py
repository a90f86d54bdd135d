"""What every area's forms share: select options, friendly parse errors, reading what was typed,
and answering a form the use case refused."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.fields.choices import SelectChoice

from service.errors import InvalidInput
from service.numbers import MAX_ID, parse_integer
from web.errors import wants_json

# What a checkbox (or a script standing in for one) sends when it is ticked.
TICKED = ("1", "on", "true", "y")


def labelled(members: Iterable) -> list[tuple[str, str]]:
    """Return (value, label) pairs for a string enum's members, in their order."""
    return [(member.value, member.label) for member in members]


def choices(pairs: Iterable[tuple[str, str]]) -> list[SelectChoice]:
    """Return a select's options, from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class _FriendlyParseError:
    """Make a field's parse error say what to do, instead of WTForms' generic wording."""

    def __init__(self, label: str, message: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def process_formdata(self, valuelist: list[str]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


class StrictIntegerField(IntegerField):
    """A whole-number field that reads ASCII digits only, no larger than an id column holds."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist:
            return
        # WTForms' own int() reads "１" as 1 and lets numbers through that the database refuses.
        self.data = parse_integer(str(valuelist[0]).strip(), minimum=-MAX_ID)
        if self.data is None:
            raise ValueError(self.gettext("Not a valid integer value."))


class FriendlyDateField(_FriendlyParseError, DateField):
    """A date field whose parse error says what to do."""


class FriendlyIntegerField(_FriendlyParseError, StrictIntegerField):
    """A whole-number field whose parse error says what to do."""


def optional_int(value: object, *, refuse: str | None = None) -> int | None:
    """Read a select's value or a query argument as a whole number: None when blank.

    A value that is not a whole number (ASCII digits, no larger than an id) reads as None too,
    or is refused with ``refuse`` as the message where one is given.
    """
    text = str(value or "").strip()
    number = parse_integer(text)
    if number is not None:
        return number
    if text and refuse is not None:
        raise InvalidInput(refuse)
    return None


def ticked(value: str | None) -> bool:
    """Say whether a checkbox's value means ticked."""
    return value in TICKED


def form_errors(form: FlaskForm) -> str:
    """Join a form's parse errors into one message."""
    return " ".join(error for errors in form.errors.values() for error in errors)


def refused(message: str, page: Callable[[str], ResponseReturnValue]) -> ResponseReturnValue:
    """Answer a refused form: JSON for a script, else the page again with the message (400)."""
    if wants_json():
        return jsonify(error=message, status=400), 400
    return page(message), 400
