"""Browser forms (Flask-WTF: every one carries a CSRF token).

Every form derives from ``Form``, which checks each text field for characters no column
should hold, and every text field has a server-side ``Length`` (``maxlength`` in a template
is only a hint to the browser).
"""

from __future__ import annotations

import math
import re
from typing import Any

from flask import abort, flash
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    FloatField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from ..domain.checklist import MAX_MS as MAX_CHECK_MS
from ..domain.intake import CONTENT_TYPES, MAX_CONTENT, MAX_TAGS, MAX_TITLE, text_problem
from ..domain.workflow import REJECT_REASONS
from ..services.canaries import MAX_RATE
from .routing import MAX_ID

# Control characters a person never means to type: C0 but tab and line breaks, DEL, C1.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def character_problem(value: str, keeps_controls: bool = False) -> str | None:
    """What makes ``value`` unfit for a text field, or None.

    Args:
        value: the submitted text.
        keeps_controls: the field keeps text a source sent (an edited draft), which may
            hold control characters; NUL and lone surrogates are refused there too.
    """
    if problem := text_problem(value):  # NUL, lone surrogates
        return problem
    if not keeps_controls and CONTROL.search(value):
        return "must not contain control characters"
    return None


class KeepsControls:
    """Marks a field whose text may hold control characters (see ``character_problem``)."""

    field_flags = {"keeps_controls": True}

    def __call__(self, form: Any, field: Any) -> None:
        pass


class Form(FlaskForm):
    """Base of every form: each text field is checked with ``character_problem``, so a
    field added later cannot forget it."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            data = field.data
            problem = isinstance(data, str) and character_problem(data, field.flags.keeps_controls)
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid


def show_errors(form: FlaskForm, errors: list[dict[str, str]], fallback: str) -> None:
    """Put a service's field errors (``ValidationFailed.errors``) on the form's fields, so
    the page shows each beside its field; an error naming no field of the form goes on the
    field named ``fallback``."""
    for error in errors:
        field = getattr(form, str(error.get("field")), None) or getattr(form, fallback)
        field.errors = [*field.errors, error["message"]]


def accepted(form: FlaskForm) -> bool:
    """Validate a posted form for a view that redirects: True when every field passed.

    A missing or bad CSRF token is nobody's typing, so it aborts with 400; field problems
    are flashed (``Label: message``) for the page the view redirects to, and give False.
    """
    if form.validate_on_submit():
        return True
    if not form.is_submitted() or "csrf_token" in form.errors:
        abort(400)
    for field in form:
        for error in field.errors:
            flash(f"{field.label.text}: {error}", "error")
    return False


class LoginForm(Form):
    """Email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    submit = SubmitField("Sign in")


class ActionForm(Form):
    """A button that changes state (sign out, review next, skip): only the CSRF token."""


class DecisionForm(Form):
    """Approve, edit, reject or escalate; which one is the ``action`` button pressed."""

    version = IntegerField(
        widget=HiddenField.widget, validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)]
    )
    active_seconds = FloatField(
        widget=HiddenField.widget, validators=[Optional(), NumberRange(min=0, max=86400)]
    )
    content = TextAreaField(
        "Edited text", validators=[Optional(), Length(max=MAX_CONTENT), KeepsControls()]
    )
    reason_code = SelectField(
        "Rejection category",
        choices=[
            SelectChoice("", "Choose why (for Reject)"),
            *(SelectChoice(code, label) for code, label in REJECT_REASONS.items()),
        ],
        validators=[Optional()],
    )
    reason = StringField("Reason", validators=[Optional(), Length(max=2000)])
    action = HiddenField(validators=[Length(max=20)])  # set from the pressed button's value
    # the item's checklist (domain/checklist): boxes ticked, and (from the page's script)
    # when each was ticked and when the context was first in view, in ms since opening
    checks = SelectMultipleField(
        "Checklist", coerce=int, validate_choice=False, validators=[Optional()]
    )
    check_ms = StringField(widget=HiddenField.widget, validators=[Optional(), Length(max=200)])
    context_ms = IntegerField(
        widget=HiddenField.widget,
        validators=[Optional(), NumberRange(min=0, max=MAX_CHECK_MS)],
    )


class SourceStatusForm(Form):
    """Pause (reason required), resume or retire a source; ``change`` is the button."""

    change = HiddenField("Change", validators=[Length(max=20)])
    reason = StringField("Reason", validators=[Length(max=500)])


class CanaryForm(Form):
    """A known-bad draft for a source's canary library."""

    source = StringField("Source", validators=[Length(max=64)])
    title = StringField("Title", validators=[Length(max=MAX_TITLE)])
    content = TextAreaField("Draft text", validators=[Length(max=MAX_CONTENT)])
    risk_tags = StringField("Risk tags", validators=[Length(max=MAX_TAGS * 64)])
    context = TextAreaField("Context", validators=[Length(max=MAX_CONTENT)])
    category = StringField("What is wrong", validators=[Length(max=40)])
    expected = StringField("Expected outcome", validators=[Length(max=20)])


class CanaryEditForm(Form):
    """A canary's text and the outcome a careful reviewer reaches."""

    title = StringField("Title", validators=[Length(max=MAX_TITLE)])
    content = TextAreaField("Draft text", validators=[Length(max=MAX_CONTENT)])
    expected = StringField("Expected outcome", validators=[Length(max=20)])


class CanaryActiveForm(Form):
    """Take a canary out of planting or put it back: ``active`` is the button (0 or 1)."""

    active = HiddenField("Active", validators=[Length(max=1), AnyOf(["0", "1"])])


def _finite(form: Any, field: Any) -> None:
    if field.data is not None and not math.isfinite(field.data):
        raise StopValidation("must be a number")


def _one_decimal(form: Any, field: Any) -> None:
    if field.data is not None and abs(field.data * 10 - round(field.data * 10)) > 1e-6:
        raise ValidationError("use at most one decimal (e.g. 2.5)")


class RateForm(Form):
    """How often a source's canaries are planted, in percent (stored as a fraction)."""

    source = StringField("Source", validators=[Length(max=64)])
    rate = FloatField(
        "Rate (%)",
        validators=[
            InputRequired(message="enter a percent, e.g. 2.5"),
            _finite,
            NumberRange(
                min=0, max=MAX_RATE * 100, message=f"must be between 0 and {MAX_RATE * 100:g} %%"
            ),
            _one_decimal,
        ],
    )


class ReassignForm(Form):
    """Hand an escalation to another person: ``to`` is their user id."""

    to = IntegerField("Reassign to", validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])


class ReleaseForm(Form):
    """Release an item in review: ``holder`` is who the page showed holding it."""

    holder = IntegerField(
        widget=HiddenField.widget, validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)]
    )


class SecondReviewForm(Form):
    """A blind second review: ``verdict`` is the button (agree or change), with a note."""

    verdict = HiddenField("Verdict", validators=[Length(max=20)])
    note = StringField("Note", validators=[Length(max=2000)])


class FlagNoteForm(Form):
    """A supervisor acknowledges or dismisses a reviewer's flag (``status``, the button)."""

    signal = HiddenField("Signal", validators=[Length(max=16)])
    status = HiddenField("Status", validators=[Length(max=20)])
    note = StringField("Note", validators=[Length(max=1000)])


class PreviewForm(Form):
    """Text being edited, to show as the item page would (the editor's live preview)."""

    content = TextAreaField(validators=[Optional(), Length(max=MAX_CONTENT), KeepsControls()])
    content_type = SelectField(
        choices=[SelectChoice(kind, kind) for kind in CONTENT_TYPES], validators=[DataRequired()]
    )


class TokenForm(Form):
    """A name for a new reports API token (what it is for: "Power BI", "weekly sheet")."""

    name = StringField("Token name", validators=[DataRequired(), Length(max=80)])
