"""Forms for the privacy pages: they parse what was typed; the use cases judge it."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import InputRequired

from service.models import ConsentState, LawfulBasis, TeacherMicrophone
from service.privacy.settings import PrivacySettings
from web.forms import FriendlyIntegerField, choices, labelled

LAWFUL_BASIS_CHOICES = labelled(LawfulBasis)
CONSENT_CHOICES = labelled(ConsentState)
MICROPHONE_CHOICES = labelled(TeacherMicrophone)


class SettingsForm(FlaskForm):
    """A school's blur settings, retention periods and how its teachers are recorded."""

    blur_by_default = BooleanField("Blur pupils' faces by default on new uploads")
    blur_outside_teacher = BooleanField("Blur everything except the teacher")
    blur_without_review = BooleanField("Blurred videos may be shared without the uploader's check")
    original_retention_days = FriendlyIntegerField(
        "Delete original uploads after (days)",
        "Please give the days to keep original uploads as a whole number, e.g. 30.",
        validators=[InputRequired("Please say how many days to keep original uploads.")],
    )
    teacher_microphone = SelectField(
        "How are teachers recorded?",
        choices=choices(MICROPHONE_CHOICES),
        default="none",
        validate_choice=False,  # the use case refuses an unknown value in plain words
    )
    clip_retention_days = FriendlyIntegerField(
        "Delete lesson and rehearsal clips after the end of induction (days)",
        "Please give the days to keep clips after induction as a whole number, e.g. 90.",
        validators=[InputRequired("Please say how many days to keep clips after induction.")],
    )

    def values(self) -> PrivacySettings:
        """Return the settings as typed, for the use case to judge."""
        return PrivacySettings(
            blur_by_default=bool(self.blur_by_default.data),
            original_retention_days=self.original_retention_days.data or 0,
            clip_retention_days=self.clip_retention_days.data or 0,
            # Left out of a request (a script changing retention): keep the school's setting.
            teacher_microphone=self.teacher_microphone.data
            if self.teacher_microphone.raw_data
            else None,
            blur_outside_teacher=bool(self.blur_outside_teacher.data),
            blur_without_review=bool(self.blur_without_review.data),
        )


class ConsentForm(FlaskForm):
    """A clip's consent record, as the coordinator changes it."""

    lawful_basis = SelectField("Lawful basis", choices=choices(LAWFUL_BASIS_CHOICES))
    consent_state = SelectField("Pupils' consent", choices=choices(CONSENT_CHOICES))
    recorded_by = StringField("Recorded by")

    def values(self) -> tuple[LawfulBasis, ConsentState, str]:
        """Return the lawful basis, consent state and who recorded the clip."""
        return (
            LawfulBasis(self.lawful_basis.data),
            ConsentState(self.consent_state.data),
            self.recorded_by.data or "",
        )
