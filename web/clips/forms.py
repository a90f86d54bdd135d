"""Forms for clips: upload, comments and replies; they parse what was typed."""

from __future__ import annotations

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
from web.forms import choices, labelled


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
        choices=choices(labelled(LawfulBasis)),
        default=LawfulBasis.PUBLIC_TASK.value,
    )
    consent_state = RadioField(
        "Pupils' consent",
        choices=choices(labelled(ConsentState)),
        # Always one ticked on the page; a client that sends none means "not recorded yet".
        default=ConsentState.NOT_RECORDED.value,
    )
    recorded_by = StringField("Who recorded it", validators=[Length(max=200)])
    blur_faces = BooleanField("Blur pupils' faces")
    file = FileField("Video file", validators=[FileRequired(message="Please choose a video file.")])

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        """Offer the kinds of clip this person may upload."""
        self.kind.choices = choices(labelled(kinds))

    def set_steps(self, steps: list[tuple[int, str]]) -> None:
        """Offer the steps a rehearsal may be linked to."""
        self.step.choices = choices(
            [("", "Not linked to a step")] + [(str(i), t) for i, t in steps]
        )

    def set_classes(self, classes: list[SchoolClass]) -> None:
        """Offer the school's classes, marking those recorded as sound only."""
        self.school_class.choices = [SelectChoice("", "No class")] + [
            SelectChoice(
                str(c.id),
                f"{c.name} (sound only)" if c.audio_only else c.name,
                render_kw={"data-sound-only": "true"} if c.audio_only else {},
            )
            for c in classes
        ]

    def class_id(self) -> int | None:
        """Return the chosen class, if any."""
        return int(self.school_class.data) if self.school_class.data else None

    def step_id(self) -> int | None:
        """The chosen step, for a rehearsal; other kinds are never linked to a step."""
        if self.kind.data != ClipKind.REHEARSAL.value or not self.step.data:
            return None
        return int(self.step.data)


class EditClipForm(FlaskForm):
    """An owner's changes to their clip: its title, its kind, and a rehearsal's step."""

    title = StringField(
        "Title", validators=[DataRequired(message="Please give the clip a title."), Length(max=200)]
    )
    kind = SelectField("What is it?", choices=[], validators=[DataRequired()])
    step = SelectField("Action step rehearsed", choices=[], default="")

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        """Offer the kinds this clip may become."""
        self.kind.choices = choices(labelled(kinds))

    def set_steps(self, steps: list[tuple[int, str]]) -> None:
        """Offer the steps a rehearsal may be linked to."""
        self.step.choices = choices(
            [("", "Not linked to a step")] + [(str(i), t) for i, t in steps]
        )

    def step_id(self) -> int | None:
        """The chosen step, for a rehearsal; other kinds are never linked to a step."""
        if self.kind.data != ClipKind.REHEARSAL.value or not self.step.data:
            return None
        return int(self.step.data)


class DeleteClipForm(FlaskForm):
    next = HiddenField("Back to", default="")  # where to go afterwards (same-site paths only)
    # The clips cut from it: kept (the default), or deleted with it.
    highlights = RadioField(
        "Its highlights",
        choices=choices([("keep", "Keep them"), ("delete", "Delete them too")]),
        default="keep",
    )


def _text(label: str, missing: str) -> TextAreaField:
    """Return a comment's or reply's text field: required, and at most 5,000 characters."""
    return TextAreaField(label, validators=[DataRequired(message=missing), Length(max=5000)])


class CommentForm(FlaskForm):
    at_seconds = FloatField("At", validators=[InputRequired(), NumberRange(min=0)])
    end_seconds = FloatField("To", validators=[Optional(), NumberRange(min=0)])
    kind = RadioField(
        "Kind",
        choices=choices(labelled(CommentKind)),
        default=CommentKind.NOTE.value,
    )
    body = _text("Comment", "Please write a comment first.")


class ReplyForm(FlaskForm):
    body = _text("Reply", "Please write a reply first.")


class EditCommentForm(FlaskForm):
    body = _text("Comment", "Please write a comment first.")
    kind = StringField("Kind")  # left out for a reply, which has no kind of its own


class SeenForm(FlaskForm):
    seen = HiddenField("Seen", default="true")  # "false" marks it not seen again


class HighlightForm(FlaskForm):
    """A part of a clip to save as a clip of its own: in and out typed as m:ss or seconds."""

    start = StringField("From", validators=[DataRequired(message="Please say where it starts.")])
    end = StringField("To", validators=[DataRequired(message="Please say where it ends.")])
    title = StringField(
        "Title",
        validators=[DataRequired(message="Please give the highlight a title."), Length(max=200)],
    )
    kind = SelectField("Save as", choices=[], default=ClipKind.HIGHLIGHT.value)
    with_comments = BooleanField("Bring the feedback inside this part", default=True)
    with_transcript = BooleanField("Bring this part of the transcript", default=True)
    exact = BooleanField("Cut on the exact frames (slower)", default=False)

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        """Offer the kinds the cut may be saved as."""
        self.kind.choices = choices(labelled(kinds))
