"""Items in review: who holds each and until when, and releasing one to the queue."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import Conflict, NotAllowed
from ..domain.workflow import ItemStatus
from ..extensions import db_session
from ..models import Item, Source, User
from ..models.types import utcnow
from ..services import holds, sources
from .access import current_actor, require, signed_in_actor
from .forms import ReleaseForm, accepted
from .pipeline import committing, get_or_404, page_number
from .routing import MAX_ID

bp = Blueprint("holds", __name__)


def _filters() -> tuple[int | None, Source | None]:
    """The ``reviewer`` (a user id) and ``source`` (a slug) filters; malformed or unknown
    ones are a 400, never an empty page that looks like nobody is reviewing."""
    raw_reviewer, slug = request.args.get("reviewer", ""), request.args.get("source", "")
    reviewer = None
    if raw_reviewer:
        if not (raw_reviewer.isascii() and raw_reviewer.isdigit() and len(raw_reviewer) < 12):
            abort(400)
        reviewer = int(raw_reviewer)
        if not 1 <= reviewer <= MAX_ID:
            abort(400)
    source = sources.find(db_session, slug) if slug else None
    if slug and source is None:
        abort(400)
    return reviewer, source


@bp.get("/in-review")
@require(Permission.SUPERVISE, Permission.ADMINISTER)
def in_review() -> str:
    """Items in review a page at a time (lease ending soonest first): holder, since when,
    until when; filter by reviewer or source; Release each."""
    reviewer, source = _filters()
    page = holds.in_review(db_session, page_number(), reviewer, source.id if source else None)
    holders = db_session.execute(
        sa.select(User.id, User.name)
        .where(
            User.id.in_(sa.select(Item.claimed_by_id).where(Item.status == ItemStatus.IN_REVIEW))
        )
        .order_by(User.name)
    ).all()
    return render_template(
        "in_review.html",
        page=page,
        holders=holders,
        sources=db_session.scalars(sa.select(Source).order_by(Source.slug)).all(),
        selected={"reviewer": reviewer, "source": source.slug if source else ""},
        now=utcnow(),
        form=ReleaseForm(),
        reads_items=can(current_actor(), Permission.SUPERVISE),
    )


@bp.post("/in-review/<int:item_id>/release")
@require(Permission.SUPERVISE, Permission.ADMINISTER)
def release(item_id: int) -> Response:
    """Give an item in review back to the queue (its holder's page can no longer decide)."""
    form = ReleaseForm()
    item = get_or_404(Item, item_id)
    if accepted(form):
        assert form.holder.data is not None  # DataRequired
        with committing(Conflict, NotAllowed) as done:
            holds.release(db_session, signed_in_actor(), item, form.holder.data, utcnow())
        if done:
            flash(f"#{item.id} is back in the queue.", "info")
    kept: dict[str, Any] = {
        k: v for k, v in request.args.items() if k in ("reviewer", "source", "page")
    }
    return redirect(url_for("holds.in_review", **kept))
