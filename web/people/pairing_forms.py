"""Forms for the pairings and roll-over pages: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from flask import request, url_for
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms.validators import InputRequired, Optional

from service.people.pairings import PairingInput
from web.forms import FriendlyDateField, FriendlyIntegerField, optional_int

DATE_HELP = "Please give the day as a date, for example 15/01/2026."


class PairForm(FlaskForm):
    """An ECT's mentor, ECT lead and induction year, and the day a new mentor starts."""

    ect_id = FriendlyIntegerField(
        "ECT",
        "Please choose the ECT from the list.",
        validators=[InputRequired("Please choose the ECT to pair.")],
    )
    mentor_id = FriendlyIntegerField(
        "Mentor",
        "Please choose a mentor from the list.",
        validators=[InputRequired("Please choose a mentor from the list.")],
    )
    ect_lead_id = FriendlyIntegerField(
        "ECT lead", "Please choose an ECT lead from the list, or none.", validators=[Optional()]
    )
    induction_year = FriendlyIntegerField(
        "Induction year",
        "Please choose year 1 or year 2.",
        validators=[InputRequired("Please choose year 1 or year 2.")],
    )
    started_on = FriendlyDateField("From", DATE_HELP, validators=[Optional()])

    def values(self) -> PairingInput:
        """Return the pairing as chosen, for the use case to judge."""
        return PairingInput(
            ect_id=self.ect_id.data or 0,
            mentor_id=self.mentor_id.data or 0,
            induction_year=self.induction_year.data or 0,
            ect_lead_id=self.ect_lead_id.data or None,
            started_on=self.started_on.data,
        )


class RollOverForm(FlaskForm):
    """The last day of the year that ends, and the ECTs ticked to roll over."""

    last_day = FriendlyDateField(
        "Last day of the induction year", DATE_HELP, validators=[Optional()]
    )

    @staticmethod
    def chosen() -> set[int]:
        """Return the ids of the ECTs ticked (unticked boxes send nothing)."""
        ids = (optional_int(value) for value in request.form.getlist("ect"))
        return {i for i in ids if i is not None}


def school_people_url(school_id: int) -> str:
    """Return the school's people page (``people.school``), even before that page is there."""
    try:
        return url_for("people.school", school_id=school_id)
    except BuildError:
        return f"/people/schools/{school_id}"
