"""Every browser form derives from the base ``Form`` and bounds every text field on the
server; ``maxlength`` in a template is only a hint to the browser."""

from __future__ import annotations

import inspect

import pytest
from flask_wtf import FlaskForm
from wtforms import Field, StringField
from wtforms.validators import Length

from reviewq.web import forms
from reviewq.web.forms import character_problem

pytestmark = pytest.mark.domain_only
FORMS = [
    cls
    for _, cls in inspect.getmembers(forms, inspect.isclass)
    if issubclass(cls, FlaskForm) and cls not in (FlaskForm, forms.Form)
]


def unbound_fields(form: type[FlaskForm]) -> dict[str, Field]:
    return {name: f for name, f in vars(form).items() if hasattr(f, "field_class")}


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.__name__)
def test_every_form_derives_from_the_base_form(form: type[FlaskForm]) -> None:
    assert issubclass(form, forms.Form)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.__name__)
def test_every_text_field_has_a_server_side_length(form: type[FlaskForm]) -> None:
    unbounded = [
        name
        for name, field in unbound_fields(form).items()
        if issubclass(field.field_class, StringField)
        and not any(isinstance(v, Length) and v.max > 0 for v in field.kwargs.get("validators", []))
    ]
    assert unbounded == []


@pytest.mark.parametrize(
    ("value", "keeps_controls", "problem"),
    [
        ("Plain text, with\ttab and\r\nlines", False, None),
        ("a\x00b", False, "must not contain NUL characters"),
        ("a\x00b", True, "must not contain NUL characters"),
        ("\ud800", True, "must be valid Unicode (no lone surrogates)"),
        ("\x1b[2J", False, "must not contain control characters"),
        ("\x7f", False, "must not contain control characters"),
        ("\x85", False, "must not contain control characters"),
        ("\x1b[2J", True, None),
        ("\u202e\u200b emoji \U0001f600", False, None),
    ],
)
def test_character_problems(value: str, keeps_controls: bool, problem: str | None) -> None:
    assert character_problem(value, keeps_controls) == problem
