"""Small helpers shared by the browser tests (fixtures live in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """How to sign in as a user the test created."""

    email: str
    password: str
    name: str


def assert_clean(page) -> None:
    """Nothing went wrong on the page so far: no console or page error, dialog or 5xx."""
    assert page.console_errors == [], page.console_errors
    assert page.page_errors == [], page.page_errors
    assert page.dialogs == [], page.dialogs
    assert page.server_errors == [], page.server_errors
