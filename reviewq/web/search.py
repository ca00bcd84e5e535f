"""Search items by id, external id, title or status."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from ..domain.authority import Permission
from ..domain.workflow import ItemStatus
from ..extensions import db_session
from ..models.types import utcnow
from ..services import search as search_service
from .access import require
from .forms import character_problem
from .pipeline import page_number

bp = Blueprint("search", __name__)


@bp.get("/search")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def search() -> str:
    """Items whose id, external id or title match ``q``, optionally in one ``status``,
    newest first, a page at a time."""
    query, raw_status = request.args.get("q", ""), request.args.get("status", "")
    if len(query) > search_service.MAX_QUERY or character_problem(query):
        abort(400)  # too long, or characters no title holds (NUL, lone surrogates, controls)
    status = None
    if raw_status:
        if raw_status not in {s.value for s in ItemStatus}:
            abort(400)
        status = ItemStatus(raw_status)
    number = page_number()
    searched = bool(query.strip() or status)
    page = search_service.items(db_session, query, status, number) if searched else None
    return render_template(
        "search.html",
        page=page,
        query=query,
        status=raw_status,
        statuses=[s.value for s in ItemStatus],
        now=utcnow(),
    )
