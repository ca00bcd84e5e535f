"""The canary library: known-bad drafts planted among a source's own, and the rate."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from ..domain.errors import NotAllowed, ValidationFailed
from ..domain.intake import BadJSON, parse_json
from ..extensions import db_session
from ..models import Canary
from ..models.types import utcnow
from ..services import canaries, paging, sources
from ..services import canary_library as keeping
from . import render
from .access import require, signed_in_actor
from .forms import ActionForm, CanaryActiveForm, CanaryEditForm, CanaryForm, RateForm, accepted
from .pipeline import committing, found_or_404, get_or_404, page_number

bp = Blueprint("canaries", __name__)


@bp.get("/canaries")
@require(Permission.SUPERVISE)
def canary_library() -> str:
    """The canary library (a page at a time), planting rates per source, and catch rates per
    reviewer."""
    page = canaries.library(db_session, page_number(), utcnow(), sources_number=_sources_page())
    return render_template(
        "canaries.html",
        library=page.canaries,
        sources=page.sources,
        rates=page.rates,
        catches=page.catches,
        planted=page.planted,
        counted_at=page.counted_at,
        categories=canaries.CATEGORIES,
        form=ActionForm(),
        max_rate_percent=f"{canaries.MAX_RATE * 100:g}",
    )


def _sources_page() -> int:
    """The ``sources_page`` query argument (the planting-rate table's page; 1 when absent)."""
    raw = request.args.get("sources_page", "1")
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 6):
        abort(400)
    if not 1 <= int(raw) <= paging.MAX_PAGE:
        abort(400)
    return int(raw)


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
    back = redirect(url_for("canaries.canary_library", sources_page=request.args.get("back")))
    if not accepted(form):
        return back
    source = found_or_404(sources.find(db_session, form.source.data or ""))
    assert form.rate.data is not None  # InputRequired
    with committing(ValidationFailed, NotAllowed) as done:
        canaries.set_rate(db_session, signed_in_actor(), source, round(form.rate.data, 1) / 100)
    if done:
        flash(f"Planting rate of {source.name} set to {form.rate.data:g} %.", "info")
    return back


@bp.get("/canaries/<int:canary_id>")
@require(Permission.SUPERVISE)
def canary(canary_id: int) -> str:
    """One canary: a preview as reviewers see a draft, its edit form, and who caught or
    missed its planted copies (supervisors only)."""
    found = get_or_404(Canary, canary_id, joinedload(Canary.source))
    shown = keeping.results(db_session, found.id, page_number())
    return render_template(
        "canary.html",
        canary=found,
        results=shown,
        render=render,
        form=ActionForm(),
        categories=canaries.CATEGORIES,
    )


@bp.post("/canaries/<int:canary_id>")
@require(Permission.SUPERVISE)
def edit_canary(canary_id: int) -> Response:
    """Change a canary's title, text or expected outcome."""
    found = get_or_404(Canary, canary_id)
    form = CanaryEditForm()
    if accepted(form):
        with committing(ValidationFailed, NotAllowed) as done:
            keeping.update(
                db_session,
                signed_in_actor(),
                found,
                form.title.data or "",
                form.content.data or "",
                form.expected.data or "",
            )
        if done:
            flash("Canary saved.", "info")
    return redirect(url_for("canaries.canary", canary_id=canary_id))


@bp.post("/canaries/<int:canary_id>/active")
@require(Permission.SUPERVISE)
def set_active(canary_id: int) -> Response:
    """Take a canary out of planting, or put it back."""
    found = get_or_404(Canary, canary_id)
    form = CanaryActiveForm()
    if accepted(form):
        with committing(NotAllowed) as done:
            keeping.set_active(db_session, signed_in_actor(), found, form.active.data == "1")
        if done:
            flash("Canary planted again." if found.active else "Canary no longer planted.", "info")
    return redirect(url_for("canaries.canary", canary_id=canary_id))
