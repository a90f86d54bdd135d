"""Forms for retention: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional

from web.forms import FriendlyDateField


class ExtendForm(FlaskForm):
    """Keep one clip until a day, for a reason."""

    until = FriendlyDateField(
        "Keep until", "Please give the date to keep the clip until.", validators=[Optional()]
    )
    reason = StringField("because")


class CompletionForm(FlaskForm):
    """The day an ECT's induction ended (blank: not over yet)."""

    completed_on = FriendlyDateField(
        "Induction completed on",
        "Please give the day the induction ended as a date.",
        validators=[Optional()],
    )
