"""Cookie sessions are for people's pages: the API has none."""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class PagesOnly(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, except on the API (``/api/``): sources authenticate
    by signature or bearer token, never by a cookie, so their requests neither read nor
    write one (the signed intake spends no time on a session it cannot use)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith("/api/"):
            return self.make_null_session(app)  # empty; writing to it raises
        return super().open_session(app, request)
