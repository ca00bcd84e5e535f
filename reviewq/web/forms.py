"""Browser forms (Flask-WTF: every one carries a CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..domain.workflow import REJECT_REASONS


class LoginForm(FlaskForm):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField("Sign in")


class ActionForm(FlaskForm):
    """A button that changes state (sign out, review next, skip): only the CSRF token."""


class DecisionForm(FlaskForm):
    """Approve, edit, reject or escalate; which one is the ``action`` button pressed."""

    version = IntegerField(widget=HiddenField.widget, validators=[DataRequired()])
    active_seconds = FloatField(
        widget=HiddenField.widget, validators=[Optional(), NumberRange(min=0, max=86400)]
    )
    content = TextAreaField("Edited text", validators=[Optional()])
    reason_code = SelectField(
        "Rejection category",
        choices=[
            SelectChoice("", "Choose why (for Reject)"),
            *(SelectChoice(code, label) for code, label in REJECT_REASONS.items()),
        ],
        validators=[Optional()],
    )
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])
    action = HiddenField()  # set from the pressed button's value
