"""Small helpers shared by the browser tests (fixtures live in conftest.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    """How to sign in as a user the test created."""

    email: str
    password: str
    name: str


def watch(page):
    """Record what goes wrong on ``page`` in its ``console_errors``, ``page_errors``,
    ``dialogs`` and ``server_errors`` lists (dialogs are dismissed at once); returns it."""
    page.console_errors = []
    page.page_errors = []
    page.dialogs = []
    page.server_errors = []

    def on_console(message) -> None:
        if message.type == "error":
            page.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_dialog(dialog) -> None:
        page.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def on_response(response) -> None:
        if response.status >= 500:
            page.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))
    page.on("dialog", on_dialog)
    page.on("response", on_response)
    return page


def assert_clean(page) -> None:
    """Nothing went wrong on the page so far: no console or page error, dialog or 5xx."""
    assert page.console_errors == [], page.console_errors
    assert page.page_errors == [], page.page_errors
    assert page.dialogs == [], page.dialogs
    assert page.server_errors == [], page.server_errors
