from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
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

from service.models import ClipKind, CommentKind, ConsentState, LawfulBasis, SchoolClass


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
    school_class = SelectField("Class", choices=[], default="")
    lawful_basis = SelectField(
        "Lawful basis for recording",
        choices=[SelectChoice(b.value, b.label) for b in LawfulBasis],
        default=LawfulBasis.PUBLIC_TASK.value,
    )
    consent_state = RadioField(
        "Pupils' consent",
        choices=[SelectChoice(s.value, s.label) for s in ConsentState],
        # Always one ticked on the page; a client that sends none means "not recorded yet".
        default=ConsentState.NOT_RECORDED.value,
    )
    recorded_by = StringField("Who recorded it", validators=[Length(max=200)])
    blur_faces = BooleanField("Blur pupils' faces")
    file = FileField("Video file", validators=[FileRequired(message="Please choose a video file.")])

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        self.kind.choices = [SelectChoice(k.value, k.label) for k in kinds]

    def set_steps(self, steps: list[tuple[int, str]]) -> None:
        self.step.choices = [SelectChoice("", "Not linked to a step")] + [
            SelectChoice(str(i), t) for i, t in steps
        ]

    def set_classes(self, classes: list[SchoolClass]) -> None:
        self.school_class.choices = [SelectChoice("", "No class")] + [
            SelectChoice(
                str(c.id),
                f"{c.name} (sound only)" if c.audio_only else c.name,
                render_kw={"data-sound-only": "true"} if c.audio_only else {},
            )
            for c in classes
        ]

    def class_id(self) -> int | None:
        return int(self.school_class.data) if self.school_class.data else None

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
