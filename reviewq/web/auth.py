"""Signing in and out of the browser workspace."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import TooManyAttempts
from ..extensions import db_session
from ..models.types import utcnow
from ..services import auth
from .access import current_actor
from .forms import ActionForm, LoginForm

bp = Blueprint("auth", __name__)


def home_url() -> str | None:
    """Where a signed-in person starts: admins on administration (sources), supervisors on
    escalations, reviewers on their queue, managers on the reports summary; None for
    someone none of those pages is for."""
    actor = current_actor()
    if actor is None:
        return None
    for permission, endpoint in (
        (Permission.ADMINISTER, "sources.source_list"),
        (Permission.SUPERVISE, "escalations.escalation_queue"),
        (Permission.WORK_QUEUE, "review.queue"),
        (Permission.READ_REPORTS, "reports.summary"),
    ):
        if can(actor, permission):
            return url_for(endpoint)
    return None


def _safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Sign in with email and password (throttled against guessing)."""
    if current_user.is_authenticated:
        return redirect(home_url() or url_for("health.index"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            token = auth.sign_in(
                db_session,
                form.email.data,
                form.password.data,
                request.remote_addr or "",
                utcnow(),
                current_app.config["PERMANENT_SESSION_LIFETIME"],
            )
        except TooManyAttempts as exc:
            db_session.rollback()
            form.password.errors.append(str(exc))
            wait = {"Retry-After": str(exc.retry_after_seconds)}
            return render_template("login.html", form=form), 429, wait
        db_session.commit()
        if token is None:
            form.password.errors.append("Wrong email or password.")
            return render_template("login.html", form=form), 401
        user = auth.user_for_token(db_session, token, utcnow())
        assert user is not None  # the token was made a moment ago
        user.session_token = token
        session.clear()  # a fresh session on every sign-in (no fixation)
        session.permanent = True
        login_user(user)
        start = _safe_next(request.args.get("next")) or home_url()
        return redirect(start or url_for("health.index"))
    return render_template("login.html", form=form), 200 if not form.errors else 400


@bp.post("/logout")
def logout() -> Response:
    """Sign out: the session is revoked on the server, so copies of the cookie die too."""
    if ActionForm().validate_on_submit() and current_user.is_authenticated:
        auth.sign_out(db_session, current_user.session_token, utcnow())
        db_session.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))
