"""Oversight: canaries, blind second reviews, and the signals that tell real review from
symbolic review (for supervisors and managers, and each reviewer's own)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..domain.intake import BadJSON, parse_json
from ..extensions import db
from ..models import Canary, Item, QaReview, Source, User
from ..models.types import utcnow
from ..services import canaries, oversight
from . import render
from .access import current_actor, require
from .forms import ActionForm

bp = Blueprint("oversight", __name__)


def _source(slug: str) -> Source:
    source = db.session.scalar(sa.select(Source).where(Source.slug == slug))
    if source is None:
        abort(404)
    return source


@bp.get("/canaries")
@require(Permission.SUPERVISE)
def canary_library() -> str:
    """The canary library, planting rates per source, and catch rates per reviewer."""
    rates = canaries.catch_rates(db.session)
    names = dict(db.session.execute(sa.select(User.id, User.name).where(User.id.in_(rates))).all())
    planted = dict(
        db.session.execute(
            sa.select(Item.canary_id, sa.func.count())
            .where(Item.canary_id.is_not(None))
            .group_by(Item.canary_id)
        ).all()
    )
    return render_template(
        "canaries.html",
        library=db.session.scalars(
            sa.select(Canary).options(joinedload(Canary.source)).order_by(Canary.id.desc())
        ).all(),
        sources=db.session.scalars(sa.select(Source).order_by(Source.slug)).all(),
        catches=sorted(
            ((names.get(uid, uid), c, t) for uid, (c, t) in rates.items()),
            key=lambda row: row[1] / row[2],
        ),
        planted=planted,
        categories=canaries.CATEGORIES,
        form=ActionForm(),
    )


@bp.post("/canaries")
@require(Permission.SUPERVISE)
def add_canary() -> Response:
    """Add a known-bad draft to a source's canary library."""
    if not ActionForm().validate_on_submit():
        abort(400)
    form = request.form
    tags = [t.strip() for t in form.get("risk_tags", "").split(",") if t.strip()]
    try:
        context = _context_field(form.get("context", ""))
        canaries.create(
            db.session,
            current_actor(),
            _source(form.get("source", "")),
            form.get("title", ""),
            form.get("content", ""),
            tags,
            form.get("category", ""),
            form.get("expected", ""),
            context,
        )
        db.session.commit()
        flash("Canary added to the library.", "info")
    except (ValidationFailed, NotAllowed) as exc:
        db.session.rollback()
        flash(str(exc), "error")
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
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        rate = float(request.form.get("rate", "")) / 100
        canaries.set_rate(
            db.session, current_actor(), _source(request.form.get("source", "")), rate
        )
        db.session.commit()
        flash("Planting rate saved.", "info")
    except ValueError:
        flash("The rate must be a number of percent.", "error")
    except (ValidationFailed, NotAllowed) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("oversight.canary_library"))


@bp.get("/qa")
@require(Permission.SUPERVISE)
def qa_queue() -> str:
    """Approved items sampled for a blind second review."""
    pending = db.session.scalars(
        sa.select(QaReview)
        .options(joinedload(QaReview.item))
        .where(QaReview.done_at.is_(None))
        .order_by(QaReview.created_at)
    ).all()
    done = db.session.scalars(
        sa.select(QaReview)
        .where(QaReview.done_at.is_not(None))
        .order_by(QaReview.done_at.desc())
        .limit(20)
    ).all()
    return render_template("qa.html", pending=pending, done=done, now=utcnow())


@bp.route("/qa/<int:review_id>", methods=["GET", "POST"])
@require(Permission.SUPERVISE)
def qa_review(review_id: int) -> Response | str | tuple[str, int]:
    """The blind second review: the approved text and its context, not the first decision."""
    review = db.session.get(QaReview, review_id, options=[joinedload(QaReview.item)])
    if review is None:
        abort(404)
    if request.method == "POST":
        if not ActionForm().validate_on_submit() or request.form.get("verdict") not in (
            "agree",
            "change",
        ):
            abort(400)
        try:
            canaries.answer(
                db.session,
                current_actor(),
                review,
                request.form["verdict"] == "agree",
                request.form.get("note", ""),
                utcnow(),
            )
            db.session.commit()
            flash("Second review recorded.", "info")
            return redirect(url_for("oversight.qa_queue"))
        except (NotAllowed, Conflict) as exc:
            db.session.rollback()
            flash(str(exc), "error")
    return render_template(
        "qa_review.html", review=review, item=review.item, render=render, form=ActionForm()
    )


SORTS = {
    "verdict": lambda r: ({"individual": 0, "conditions": 1, "ok": 2}[r.verdict], r.reviewer),
    "decisions": lambda r: -(r.metrics.get("decisions") or 0),
    "speed": lambda r: -(r.metrics.get("items_per_hour") or 0),
    "dwell": lambda r: r.metrics.get("median_dwell_seconds") or 0,
    "floor": lambda r: -(r.metrics.get("under_floor_share_all") or 0),
    "name": lambda r: r.reviewer,
}


def _people() -> dict[str, User]:
    return {u.email: u for u in db.session.scalars(sa.select(User))}


def sparkline(values: list[float], width: int = 120, height: int = 28) -> Markup:
    """An inline SVG of dwell / reading floor; the dashed line is the floor (ratio 1)."""
    if not values:
        return Markup("")
    top = max(3.0, max(values))
    step = width / max(1, len(values) - 1)
    points = " ".join(
        f"{i * step:.1f},{height - min(v, top) / top * height:.1f}" for i, v in enumerate(values)
    )
    floor_y = height - 1 / top * height
    return Markup(
        '<svg class="spark" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
        'aria-label="dwell against the reading floor, last {n} decisions">'
        '<line x1="0" x2="{w}" y1="{f:.1f}" y2="{f:.1f}" stroke="#b42318" stroke-dasharray="3 3"/>'
        '<polyline fill="none" stroke="#2457c5" stroke-width="1.5" points="{p}"/></svg>'
    ).format(w=width, h=height, n=len(values), f=floor_y, p=points)


@bp.get("/oversight")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def overview() -> str:
    """Each reviewer's verdict with the signals behind it; the team's symbolic oversight index."""
    result, lines = oversight.report(db.session, utcnow())
    sort = request.args.get("sort", "verdict")
    reviewers = sorted(result.reviewers, key=SORTS.get(sort, SORTS["verdict"]))
    return render_template(
        "oversight.html",
        reviewers=reviewers,
        team=result.team,
        lines=lines,
        sparkline=sparkline,
        people=_people(),
        sort=sort,
    )


@bp.route("/oversight/<int:user_id>", methods=["GET", "POST"])
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def reviewer_detail(user_id: int) -> Response | str:
    """One reviewer: every signal with its numbers, baseline, threshold and example decisions."""
    person = db.session.get(User, user_id) or abort(404)
    if request.method == "POST":
        if not ActionForm().validate_on_submit():
            abort(400)
        try:
            oversight.set_flag(
                db.session,
                current_actor(),
                person,
                request.form.get("signal", ""),
                request.form.get("status", ""),
                request.form.get("note", ""),
                utcnow(),
            )
            db.session.commit()
            flash("Your note on the flag is recorded.", "info")
        except (ValidationFailed, NotAllowed) as exc:
            db.session.rollback()
            flash(str(exc), "error")
        return redirect(url_for("oversight.reviewer_detail", user_id=user_id))
    return _stats_page(person, can_note=can(current_actor(), Permission.SUPERVISE))


@bp.get("/my-stats")
@require(Permission.WORK_QUEUE)
def my_stats() -> str:
    """A reviewer's own signals: the same numbers supervisors see, first to the person."""
    return _stats_page(db.session.get(User, current_actor().id), can_note=False)


def _stats_page(person: User, can_note: bool) -> str:
    result, lines = oversight.report(db.session, utcnow())
    mine = next((r for r in result.reviewers if r.reviewer == person.email), None)
    if mine is not None:  # an example names who decided an item, and how
        evidence = canaries.without_blind_examples(db.session, current_actor(), mine.evidence)
        mine = dataclasses.replace(mine, evidence=evidence)
    return render_template(
        "reviewer_stats.html",
        person=person,
        result=mine,
        team=result.team,
        line=lines.get(person.email, []),
        sparkline=sparkline,
        can_note=can_note,
        notes=oversight.flag_notes(db.session, person.id),
        form=ActionForm(),
    )
