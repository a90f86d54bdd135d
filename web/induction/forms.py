"""Forms for the induction audit: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from service.induction.observations import ObservationInput
from service.induction.terms import HALF_TERM_NAMES
from service.models import ObservationKind
from web.forms import FriendlyDateField, FriendlyIntegerField, choices, labelled, optional_int

KIND_CHOICES = labelled(ObservationKind)
YEAR_CHOICES = [("1", "Year 1"), ("2", "Year 2")]


class CadenceForm(FlaskForm):
    """A pairing's induction year and coaching cadence."""

    induction_year = SelectField(
        "Induction year", choices=choices(YEAR_CHOICES), validate_choice=False
    )
    cadence_days = FriendlyIntegerField(
        "Coaching every (days)",
        "The cadence is a whole number of days, for example 7 for weekly.",
        validators=[Optional()],
    )

    def values(self) -> tuple[int | None, int | None]:
        """Return the induction year and cadence in days, as typed."""
        return optional_int(self.induction_year.data), self.cadence_days.data


class TermsForm(FlaskForm):
    """The six half terms' first and last days, and the school's time zone."""

    timezone = StringField("Time zone")

    def spans(self) -> list[tuple[date | None, date | None]]:
        """Return each half term's first and last day, in order."""
        return [
            (getattr(self, f"start_{n}").data, getattr(self, f"end_{n}").data) for n in range(1, 7)
        ]

    def fields(self) -> list[tuple[str, object, object]]:
        """(half term name, start field, end field) in order, for the template."""
        return [
            (name, getattr(self, f"start_{n}"), getattr(self, f"end_{n}"))
            for n, name in enumerate(HALF_TERM_NAMES, start=1)
        ]


for _n, _name in enumerate(HALF_TERM_NAMES, start=1):
    setattr(
        TermsForm,
        f"start_{_n}",
        FriendlyDateField(
            f"{_name}: first day",
            f"{_name}: please give the first day as a date.",
            validators=[Optional()],
        ),
    )
    setattr(
        TermsForm,
        f"end_{_n}",
        FriendlyDateField(
            f"{_name}: last day",
            f"{_name}: please give the last day as a date.",
            validators=[Optional()],
        ),
    )


class ObservationForm(FlaskForm):
    observed_on = FriendlyDateField(
        "Date of the observation", "Please give the date of the observation.", default=date.today
    )
    kind = SelectField("Kind", choices=choices(KIND_CHOICES), validate_choice=False)
    observer_id = SelectField("Observer", choices=[], validate_choice=False)
    with_ect_lead = BooleanField("Observed with the ECT lead (a joint formal observation)")
    clip_id = SelectField("From a clip", choices=[], validate_choice=False)
    notes = TextAreaField("Notes")

    def observation_input(self) -> ObservationInput:
        """Return the observation as typed, for the use case to judge."""
        return ObservationInput(
            observed_on=self.observed_on.data or date.today(),
            kind=self.kind.data or "",
            observer_id=optional_int(self.observer_id.data),
            with_ect_lead=bool(self.with_ect_lead.data),
            notes=self.notes.data or "",
            clip_id=optional_int(self.clip_id.data),
        )
