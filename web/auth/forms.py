from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    new = PasswordField("New password", validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        "New password again",
        validators=[DataRequired(), EqualTo("new", message="The two new passwords differ.")],
    )


class NewPasswordForm(FlaskForm):
    """Choose a password through an invitation's or a reset's link."""

    new = PasswordField(
        "New password",
        validators=[DataRequired("Please type the password you want."), Length(max=200)],
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Please type the password again, to be sure it is right."),
            EqualTo("new", message="The two passwords differ. Please type the same one twice."),
        ],
    )


class ForgotForm(FlaskForm):
    """Ask for a link to choose a new password."""

    email = EmailField(
        "Email",
        validators=[DataRequired("Please type the email you sign in with."), Length(max=254)],
    )
