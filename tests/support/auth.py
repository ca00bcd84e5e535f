"""Signing in over HTTP, as a person does through the login form (CSRF included).

``sign_in`` is the one function that posts the form; the browser tests sign in by typing
into the page instead (tests/e2e/conftest.py).
"""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.services import users

PASSWORD = "long-enough-pw"


def csrf(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page carries (every page has it in a meta tag)."""
    html = client.get(path, follow_redirects=True).get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD) -> TestResponse:
    """Post the login form as ``email``; the answer (302 on success), unchecked."""
    return client.post(
        "/login", data={"csrf_token": csrf(client), "email": email, "password": password}
    )


def client_of(app: Flask, email: str, password: str = PASSWORD) -> FlaskClient:
    """A new client signed in as an existing user (the sign-in must succeed)."""
    client = app.test_client()
    response = sign_in(client, email, password)
    assert response.status_code == 302, f"sign-in failed for {email}"
    return client


def signed_in(app: Flask, email: str, role: str, level: int = 3) -> FlaskClient:
    """Create a user (named after their email) and return a client signed in as them."""
    with app.app_context():
        users.create_user(
            db.session, Actor.system("test"), email, email.split("@")[0], role, level, PASSWORD
        )
        db.session.commit()
    return client_of(app, email)
