"""Forms for the coaching cycle: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from service.coaching.meetings import SessionInput
from service.coaching.steps import MAX_CRITERIA, StepInput
from service.models import TEACHERS_STANDARDS, StepStatus, Strand
from web.forms import FriendlyDateField, FriendlyIntegerField, choices, labelled, optional_int

STRAND_CHOICES = labelled(Strand)
STANDARD_CHOICES = [(str(n), f"{n}. {name}") for n, name in TEACHERS_STANDARDS.items()]


def clean_criteria(values: list[str]) -> list[str]:
    """Keep the criteria typed, in order, dropping blank inputs."""
    return [v for v in values if v and v.strip()]


def criteria_inputs(values: list[str]) -> list[str]:
    """Pad the typed criteria to the number of inputs the form shows (never fewer than typed)."""
    return list(values) + [""] * max(0, MAX_CRITERIA - len(values))


class LibraryStepForm(FlaskForm):
    """A step's wording and tags (the criteria are the repeated ``criteria`` inputs)."""

    title = StringField("Step")
    why = TextAreaField("Why this step")
    strand = SelectField("ECF strand", choices=choices(STRAND_CHOICES), validate_choice=False)
    standard = SelectField(
        "Teachers' Standard", choices=choices(STANDARD_CHOICES), validate_choice=False
    )

    def to_input(self, criteria: list[str], **extra) -> StepInput:
        """Return the step as typed, for the use case to judge."""
        return StepInput(
            title=self.title.data or "",
            why=self.why.data or "",
            criteria=clean_criteria(criteria),
            strand=self.strand.data or "",
            standard=optional_int(self.standard.data) or 0,
            **extra,
        )

    def fill(self, data: StepInput) -> None:
        """Fill the form from a step, such as a library template."""
        self.title.data, self.why.data = data.title, data.why
        self.strand.data, self.standard.data = data.strand, str(data.standard)


class StepForm(LibraryStepForm):
    review_on = FriendlyDateField(
        "Review date",
        "Please give the review date as a date, or leave it blank for the usual cycle.",
        validators=[Optional()],
    )
    model_clip_id = SelectField(
        "Model clip", choices=choices([("", "No model clip")]), validate_choice=False
    )
    save_to_library = BooleanField("Also save this step to my school's library")

    def set_models(self, models: list) -> None:
        """Offer the model clips a step may point to."""
        self.model_clip_id.choices = choices(
            [("", "No model clip")] + [(str(c.id), f"{c.title} ({c.owner.name})") for c in models]
        )

    def step_input(self, criteria: list[str]) -> StepInput:
        """Return the step as typed, with its review date and model clip."""
        return self.to_input(
            criteria,
            review_on=self.review_on.data,
            model_clip_id=optional_int(self.model_clip_id.data),
        )


# What became of the ECT's current step, asked when a new one is set (none chosen beforehand:
# the mentor judges it).
OUTCOME_CHOICES = [
    (StepStatus.MET.value, "Met: every success criterion is met"),
    (StepStatus.MOVED_ON.value, "Moved on: moving on before every criterion is met"),
]


class NewStepForm(StepForm):
    current_outcome = RadioField(
        "What became of the current step?", choices=choices(OUTCOME_CHOICES), validate_choice=False
    )

    def outcome(self) -> StepStatus | None:
        """Return what the mentor said became of the current step (None if they did not)."""
        try:
            return StepStatus(self.current_outcome.data or "")
        except ValueError:
            return None


class SessionForm(FlaskForm):
    held_on = FriendlyDateField(
        "Date of the meeting", "Please give the date of the meeting.", default=date.today
    )
    praise = TextAreaField("Praise on the previous step")
    step_id = SelectField("The new or repeated step", choices=[], validate_choice=False)
    model_clip_id = SelectField("Model used", choices=[], validate_choice=False)
    practice_rounds = FriendlyIntegerField(
        "Practice rounds",
        "Practice rounds must be a number from 0 to 50.",
        default=0,
        validators=[Optional()],
    )
    practice_notes = TextAreaField("Practice notes")

    def session_input(self, observation_clip_ids: list[str]) -> SessionInput:
        """Return the meeting record as typed, with the lessons observed."""
        return SessionInput(
            held_on=self.held_on.data or date.today(),
            praise=self.praise.data or "",
            step_id=optional_int(self.step_id.data),
            model_clip_id=optional_int(self.model_clip_id.data),
            practice_rounds=self.practice_rounds.data or 0,
            practice_notes=self.practice_notes.data or "",
            observation_clip_ids=[
                n for n in map(optional_int, observation_clip_ids) if n is not None
            ],
        )


class ReflectionForm(FlaskForm):
    reflection = TextAreaField("Your reflection")
