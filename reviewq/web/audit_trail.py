"""The audit trail for administrators: filter, read (data pretty-printed, escaped), page
back through millions of events, download as CSV, and verify the whole log."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response as WerkzeugResponse

from ..domain.authority import Permission
from ..domain.errors import NotAllowed
from ..extensions import db, db_session
from ..services import audit_trail
from .access import require, signed_in_actor
from .forms import ActionForm, accepted, character_problem
from .pipeline import committing
from .routing import MAX_ID

bp = Blueprint("audit_trail", __name__)
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
QUERY = ("actor", "action", "subject", "since", "until", "before")


def _day(name: str) -> datetime | None:
    raw = request.args.get(name, "")
    if not raw:
        return None
    if not DATE.fullmatch(raw):
        abort(400, f"{name} must be a date, YYYY-MM-DD")
    try:
        return datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        abort(400, f"{name} is not a calendar date")


def _filter() -> audit_trail.Filter:
    """The filters from the query string; anything malformed is a 400 saying which."""
    texts = {}
    for name in ("actor", "action", "subject"):
        value = request.args.get(name, "").strip()
        if len(value) > 200 or character_problem(value):
            abort(400, f"{name} must be up to 200 plain characters")
        texts[name] = value
    until = _day("until")
    return audit_trail.Filter(
        **texts,
        since=_day("since"),
        until=until + timedelta(days=1) if until else None,  # the whole last day
    )


def _before() -> int | None:
    raw = request.args.get("before", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and 1 <= int(raw) <= MAX_ID):
        abort(400, "before must be an event id")
    return int(raw)


@bp.get("/admin/audit")
@require(Permission.ADMINISTER)
def trail() -> str:
    """The events matching the filters, newest first, fifty at a time."""
    where = _filter()
    page = audit_trail.events(db_session, signed_in_actor(), where, _before())
    verified = audit_trail.latest_verification(db_session)
    return render_template(
        "audit_trail.html",
        page=page,
        where=where,
        args={k: v for k, v in request.args.items() if k in QUERY and k != "before" and v},
        verified=verified,
        form=ActionForm(),
        pretty=lambda data: json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True),
    )


@bp.get("/admin/audit.csv")
@require(Permission.ADMINISTER)
def trail_csv() -> Response:
    """The matching events as CSV (oldest first), streamed; all of them, not one page
    (``before`` is checked like the page's, then not used)."""
    _before()
    lines = audit_trail.csv_lines(db.engine, signed_in_actor(), _filter())
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        lines,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{stamp}.csv"'},
    )


@bp.post("/admin/audit/verify")
@require(Permission.ADMINISTER)
def verify() -> WerkzeugResponse:
    """Verify the whole log in the background; the page shows the result when it is in."""
    if accepted(ActionForm()):
        with committing(NotAllowed) as done:
            audit_trail.request_verification(db_session, signed_in_actor())
        if done:
            flash("Verification started: the result appears here when it is done.", "info")
    return redirect(url_for("audit_trail.trail"))
