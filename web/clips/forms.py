from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from service.models import ClipKind, CommentKind


class UploadForm(FlaskForm):
    kind = SelectField("What is it?", choices=[], validators=[DataRequired()])
    title = StringField(
        "Title", validators=[DataRequired(message="Please give the clip a title."), Length(max=200)]
    )
    recorded_on = DateField(
        "Date recorded",
        default=date.today,
        validators=[DataRequired(message="Please give the date recorded.")],
    )
    step = SelectField("Action step rehearsed", choices=[], default="")
    file = FileField("Video file", validators=[FileRequired(message="Please choose a video file.")])

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        self.kind.choices = [SelectChoice(k.value, k.label) for k in kinds]

    def set_steps(self, steps: list[tuple[int, str]]) -> None:
        self.step.choices = [SelectChoice("", "Not linked to a step")] + [
            SelectChoice(str(i), t) for i, t in steps
        ]

    def step_id(self) -> int | None:
        """The chosen step, for a rehearsal; other kinds are never linked to a step."""
        if self.kind.data != ClipKind.REHEARSAL.value or not self.step.data:
            return None
        return int(self.step.data)


class CommentForm(FlaskForm):
    at_seconds = FloatField("At", validators=[InputRequired(), NumberRange(min=0)])
    end_seconds = FloatField("To", validators=[Optional(), NumberRange(min=0)])
    kind = RadioField(
        "Kind",
        choices=[SelectChoice(k.value, k.label) for k in CommentKind],
        default=CommentKind.NOTE.value,
    )
    body = TextAreaField(
        "Comment",
        validators=[DataRequired(message="Please write a comment first."), Length(max=5000)],
    )


class ReplyForm(FlaskForm):
    body = TextAreaField(
        "Reply",
        validators=[DataRequired(message="Please write a reply first."), Length(max=5000)],
    )


class EditCommentForm(FlaskForm):
    body = TextAreaField(
        "Comment",
        validators=[DataRequired(message="Please write a comment first."), Length(max=5000)],
    )
    kind = StringField("Kind")  # left out for a reply, which has no kind of its own


class SeenForm(FlaskForm):
    seen = HiddenField("Seen", default="true")  # "false" marks it not seen again
