"""Forms for the people pages: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, SelectMultipleField, StringField
from wtforms.validators import Optional

from service.errors import InvalidInput
from service.induction.terms import DEFAULT_TIMEZONE
from service.models import Trust, User
from service.people.schools import SchoolInput
from service.people.staff import PERSON_ROLES, PersonDetails
from web.forms import FriendlyDateField, choices, labelled, optional_int

ROLE_CHOICES = labelled(PERSON_ROLES)
YEAR_CHOICES = [("1", "Year 1"), ("2", "Year 2")]


class SchoolForm(FlaskForm):
    """A school's name, URN and time zone (and, when adding one, its trust)."""

    trust_id = SelectField("Trust", validate_choice=False)
    name = StringField("School name")
    urn = StringField("URN (optional)")
    timezone = StringField("Time zone", default=DEFAULT_TIMEZONE)

    def offer_trusts(self, trusts: list[Trust]) -> None:
        """Offer the trusts the user manages."""
        self.trust_id.choices = choices((str(t.id), t.name) for t in trusts)

    def values(self) -> SchoolInput:
        """Return the school as typed, for the use case to judge."""
        return SchoolInput(
            name=self.name.data or "",
            urn=self.urn.data or "",
            timezone=self.timezone.data or DEFAULT_TIMEZONE,
            trust_id=optional_int(self.trust_id.data),
        )


class PersonForm(FlaskForm):
    """A person of a school: email (when adding), name, roles; an ECT's induction and pairing."""

    email = StringField("Email address")
    name = StringField("Full name")
    roles = SelectMultipleField(
        "Roles in this school", choices=choices(ROLE_CHOICES), validate_choice=False
    )
    induction_started_on = FriendlyDateField(
        "Induction start date",
        "Please give the induction start date as a date, e.g. 1 September 2026.",
        validators=[Optional()],
    )
    induction_year = SelectField("Induction year", choices=choices(YEAR_CHOICES), default="1")
    mentor_id = SelectField("Mentor", validate_choice=False)
    ect_lead_id = SelectField("ECT lead (optional)", validate_choice=False)

    def offer_staff(self, mentors: list[User], staff: list[User]) -> None:
        """Offer the school's mentors and staff as the ECT's mentor and ECT lead."""
        self.mentor_id.choices = choices(
            [("", "No mentor yet")] + [(str(u.id), u.name) for u in mentors]
        )
        self.ect_lead_id.choices = choices([("", "None")] + [(str(u.id), u.name) for u in staff])

    def values(self) -> PersonDetails:
        """Return the person as typed, for the use case to judge."""
        known = {role.value: role for role in PERSON_ROLES}
        if any(value not in known for value in self.roles.data or []):
            raise InvalidInput("Please choose the roles from the list.")
        roles = frozenset(known[value] for value in self.roles.data or [])
        return PersonDetails(
            email=self.email.data or "",
            name=self.name.data or "",
            roles=roles,
            induction_started_on=self.induction_started_on.data,
            induction_year=optional_int(self.induction_year.data) or 1,
            mentor_id=optional_int(self.mentor_id.data),
            ect_lead_id=optional_int(self.ect_lead_id.data),
        )


class RosterForm(FlaskForm):
    """A roster file to preview."""

    file = FileField("Roster file (CSV)")
