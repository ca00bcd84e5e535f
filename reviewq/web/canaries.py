"""The canary library: known-bad drafts planted among a source's own, and the rate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.intake import BadJSON, parse_json
from ..extensions import db_session
from ..models.types import utcnow
from ..services import canaries, sources
from .access import require, signed_in_actor
from .forms import ActionForm, CanaryForm, RateForm, accepted
from .pipeline import committing, found_or_404, page_number

bp = Blueprint("canaries", __name__)


@bp.get("/canaries")
@require(Permission.SUPERVISE)
def canary_library() -> str:
    """The canary library (a page at a time), planting rates per source, and catch rates per
    reviewer."""
    page = canaries.library(db_session, page_number(), utcnow())
    return render_template(
        "canaries.html",
        library=page.canaries,
        sources=page.sources,
        catches=page.catches,
        planted=page.planted,
        counted_at=page.counted_at,
        categories=canaries.CATEGORIES,
        form=ActionForm(),
    )


@bp.post("/canaries")
@require(Permission.SUPERVISE)
def add_canary() -> Response:
    """Add a known-bad draft to a source's canary library."""
    form = CanaryForm()
    if not accepted(form):
        return redirect(url_for("canaries.canary_library"))
    tags = [t.strip() for t in (form.risk_tags.data or "").split(",") if t.strip()]
    with committing(ValidationFailed, NotAllowed) as done:
        context = _context_field(form.context.data or "")
        canaries.create(
            db_session,
            signed_in_actor(),
            found_or_404(sources.find(db_session, form.source.data or "")),
            form.title.data or "",
            form.content.data or "",
            tags,
            form.category.data or "",
            form.expected.data or "",
            context,
        )
    if done:
        flash("Canary added to the library.", "info")
    return redirect(url_for("canaries.canary_library"))


def _context_field(text: str) -> dict[str, Any] | None:
    """The optional context field: a JSON object as the source sends it (None when blank).

    Raises:
        ValidationFailed: not JSON, or not an object.
    """
    if not text.strip():
        return None
    try:
        context = parse_json(text.encode())
    except BadJSON as exc:
        raise ValidationFailed([{"field": "context", "message": str(exc)}]) from None
    if not isinstance(context, dict):
        raise ValidationFailed([{"field": "context", "message": "must be a JSON object"}])
    return context


@bp.post("/canaries/rate")
@require(Permission.SUPERVISE)
def set_rate() -> Response:
    """Set how often a source's canaries are planted among its incoming drafts."""
    form = RateForm()
    if not accepted(form):
        return redirect(url_for("canaries.canary_library"))
    try:
        rate = float(form.rate.data or "") / 100
    except ValueError:
        flash("The rate must be a number of percent.", "error")
        return redirect(url_for("canaries.canary_library"))
    with committing(ValidationFailed, NotAllowed) as done:
        canaries.set_rate(
            db_session,
            signed_in_actor(),
            found_or_404(sources.find(db_session, form.source.data or "")),
            rate,
        )
    if done:
        flash("Planting rate saved.", "info")
    return redirect(url_for("canaries.canary_library"))
