"""Forms for coaching on coaching: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField

from service.models import Verdict
from web.forms import choices, labelled, optional_int

VERDICT_CHOICES = labelled(Verdict)


class NoteForm(FlaskForm):
    """A reviewer's note: what it is about, the rubric item, strength or work on, and why."""

    target = SelectField("About", choices=[], validate_choice=False)
    rubric_item = SelectField("Rubric item", choices=[], validate_choice=False)
    verdict = RadioField("Verdict", choices=choices(VERDICT_CHOICES), validate_choice=False)
    body = TextAreaField("Note")

    def set_choices(self, targets: list[tuple[str, str]], rubric: list) -> None:
        """Offer what a note may be about, and the rubric's items."""
        self.target.choices = choices(targets)
        self.rubric_item.choices = choices(
            [("", "Choose a rubric item")] + [(str(i.id), i.label) for i in rubric]
        )

    @property
    def rubric_item_id(self) -> int | None:
        """Return the chosen rubric item's id, if any."""
        return optional_int(self.rubric_item.data)


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply")


class AssignForm(FlaskForm):
    reviewer_id = SelectField("Reviewer", choices=[], validate_choice=False)
    mentor_id = SelectField("Mentor", choices=[], validate_choice=False)


class RubricForm(FlaskForm):
    """One change to a rubric: add, rename, retire, restore, or move an item up or down."""

    trust = HiddenField()
    change = HiddenField()
    item_id = HiddenField()
    label = StringField("Rubric item")
