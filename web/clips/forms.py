from datetime import date

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, FloatField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from service.models import ClipKind


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
    file = FileField("Video file", validators=[FileRequired(message="Please choose a video file.")])

    def set_kinds(self, kinds: tuple[ClipKind, ...]) -> None:
        self.kind.choices = [(k.value, k.label) for k in kinds]


class CommentForm(FlaskForm):
    at_seconds = FloatField("At", validators=[InputRequired(), NumberRange(min=0)])
    body = TextAreaField(
        "Comment",
        validators=[DataRequired(message="Please write a comment first."), Length(max=5000)],
    )
