"""Oversight: canaries, blind second reviews, and the signals that tell real review from
symbolic review (for supervisors and managers, and each reviewer's own)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..domain.intake import BadJSON, parse_json
from ..extensions import db_session
from ..models import QaReview, User
from ..models.types import utcnow
from ..services import canaries, oversight, sources
from . import render
from .access import require, signed_in_actor
from .forms import ActionForm, CanaryForm, FlagNoteForm, RateForm, SecondReviewForm, accepted
from .pipeline import committing, found_or_404, get_or_404

bp = Blueprint("oversight", __name__)


@bp.get("/canaries")
@require(Permission.SUPERVISE)
def canary_library() -> str:
    """The canary library, planting rates per source, and catch rates per reviewer."""
    page = canaries.library(db_session)
    return render_template(
        "canaries.html",
        library=page.canaries,
        sources=page.sources,
        catches=page.catches,
        planted=page.planted,
        categories=canaries.CATEGORIES,
        form=ActionForm(),
    )


@bp.post("/canaries")
@require(Permission.SUPERVISE)
def add_canary() -> Response:
    """Add a known-bad draft to a source's canary library."""
    form = CanaryForm()
    if not accepted(form):
        return redirect(url_for("oversight.canary_library"))
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
    return redirect(url_for("oversight.canary_library"))


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
        return redirect(url_for("oversight.canary_library"))
    try:
        rate = float(form.rate.data or "") / 100
    except ValueError:
        flash("The rate must be a number of percent.", "error")
        return redirect(url_for("oversight.canary_library"))
    with committing(ValidationFailed, NotAllowed) as done:
        canaries.set_rate(
            db_session,
            signed_in_actor(),
            found_or_404(sources.find(db_session, form.source.data or "")),
            rate,
        )
    if done:
        flash("Planting rate saved.", "info")
    return redirect(url_for("oversight.canary_library"))


@bp.get("/qa")
@require(Permission.SUPERVISE)
def qa_queue() -> str:
    """Approved items sampled for a blind second review."""
    pending, done = canaries.qa_queue(db_session)
    return render_template("qa.html", pending=pending, done=done, now=utcnow())


@bp.route("/qa/<int:review_id>", methods=["GET", "POST"])
@require(Permission.SUPERVISE)
def qa_review(review_id: int) -> Response | str | tuple[str, int]:
    """The blind second review: the approved text and its context, not the first decision."""
    review = get_or_404(QaReview, review_id, joinedload(QaReview.item))
    if request.method == "POST":
        form = SecondReviewForm()
        if form.verdict.data not in ("agree", "change"):
            abort(400)
        if accepted(form):
            with committing(NotAllowed, Conflict) as done:
                canaries.answer(
                    db_session,
                    signed_in_actor(),
                    review,
                    form.verdict.data == "agree",
                    form.note.data or "",
                    utcnow(),
                )
            if done:
                flash("Second review recorded.", "info")
                return redirect(url_for("oversight.qa_queue"))
    return render_template(
        "qa_review.html", review=review, item=review.item, render=render, form=ActionForm()
    )


VERDICT_ORDER = {"individual": 0, "conditions": 1, "insufficient": 2, "ok": 3}
SORTS = {
    "verdict": lambda r: (VERDICT_ORDER.get(r.verdict, 9), r.reviewer),
    "decisions": lambda r: -(r.metrics.get("decisions") or 0),
    "speed": lambda r: -(r.metrics.get("items_per_hour") or 0),
    "dwell": lambda r: r.metrics.get("median_dwell_seconds") or 0,
    "floor": lambda r: -(r.metrics.get("under_floor_share_all") or 0),
    "name": lambda r: r.reviewer,
}
PER_PAGE = 50


def _choice(name: str, allowed: Iterable[str], default: str) -> str:
    """A query-string value that must be one of ``allowed`` (400 otherwise)."""
    value = request.args.get(name, default)
    options = list(allowed)
    if value not in options:
        abort(400, description=f"{name} must be one of: {', '.join(options)}")
    return value


def _days() -> int:
    """The window chosen with ``?days=`` (7, 14, 28 or 90; 14 when not given)."""
    return int(_choice("days", map(str, oversight.WINDOWS), str(oversight.DEFAULT_WINDOW)))


def _page(count: int) -> tuple[int, int]:
    """The page chosen with ``?page=`` and how many pages ``count`` rows make."""
    pages = max(1, -(-count // PER_PAGE))
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= 100_000:
        abort(400, description="page must be a whole number from 1")
    if int(raw) > pages:
        abort(404, description=f"there are {pages} pages")
    return int(raw), pages


@bp.get("/oversight")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def overview() -> str:
    """Each reviewer's verdict with the signals behind it; the team's symbolic oversight index."""
    days = _days()
    sort = _choice("sort", SORTS, "verdict")
    now = utcnow()
    win = oversight.window(db_session, now, days)
    ranked = sorted(win.report.reviewers, key=SORTS[sort])
    page, pages = _page(len(ranked))
    shown = ranked[(page - 1) * PER_PAGE : page * PER_PAGE]
    people = oversight.people(db_session, (r.reviewer for r in shown))
    by_source = win.report.team["symbolic_oversight_index"].get("by_source") or {}
    return render_template(
        "oversight.html",
        days=days,
        start=now - timedelta(days=days),
        end=now,
        windows=oversight.WINDOWS,
        sort=sort,
        page=page,
        pages=pages,
        reviewers=shown,
        team=win.report.team,
        lines=win.lines,
        trend=win.trend,
        people=people,
        notes=oversight.latest_flag_notes(db_session, (u.id for u in people.values())),
        source_names=oversight.source_names(db_session, by_source),
    )


@bp.route("/oversight/<int:user_id>", methods=["GET", "POST"])
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def reviewer_detail(user_id: int) -> Response | str:
    """One reviewer: every signal with its numbers, baseline, threshold and example decisions."""
    days = _days()
    person = get_or_404(User, user_id)
    actor = signed_in_actor()
    own = person.id == actor.id
    if request.method == "POST":
        form = FlagNoteForm()
        if not accepted(form):
            return redirect(url_for("oversight.reviewer_detail", user_id=user_id, days=days))
        with committing(ValidationFailed, NotAllowed) as done:
            oversight.set_flag(
                db_session,
                actor,
                person,
                form.signal.data or "",
                form.status.data or "",
                form.note.data or "",
                utcnow(),
            )
        if done:
            flash("Your note on the flag is recorded.", "info")
        return redirect(url_for("oversight.reviewer_detail", user_id=user_id, days=days))
    return _stats_page(person, days, own=own, can_note=can(actor, Permission.SUPERVISE) and not own)


@bp.get("/my-stats")
@require(Permission.WORK_QUEUE)
def my_stats() -> str:
    """A reviewer's own signals: the same numbers supervisors see, first to the person."""
    days = _days()
    person = get_or_404(User, signed_in_actor().id)
    return _stats_page(person, days, own=True, can_note=False)


def _stats_page(person: User, days: int, own: bool, can_note: bool) -> str:
    """One person's stats page; ``own`` hides which items were canaries and titles it
    "My review stats"."""
    now = utcnow()
    win = oversight.window(db_session, now, days)
    mine = next((r for r in win.report.reviewers if r.reviewer == person.email), None)
    if mine is not None:  # an example names who decided an item, and how (blind review)
        evidence = canaries.without_blind_examples(db_session, signed_in_actor(), mine.evidence)
        mine = dataclasses.replace(mine, evidence=evidence)
    return render_template(
        "reviewer_stats.html",
        person=person,
        own=own,
        days=days,
        start=now - timedelta(days=days),
        end=now,
        windows=oversight.WINDOWS,
        result=mine,
        evidence=oversight.evidence_for(mine.evidence, own) if mine else [],
        team=win.report.team,
        line=win.lines.get(person.email, []),
        trend=[{**week, "verdict": week["verdicts"].get(person.email)} for week in win.trend],
        can_note=can_note,
        notes=oversight.flag_notes(db_session, person.id),
        form=ActionForm(),
    )
