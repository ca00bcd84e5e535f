"""Oversight tools for supervisors: the canary library and blind second reviews."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..extensions import db
from ..models import Canary, Item, QaReview, Source, User
from ..models.types import utcnow
from ..services import canaries
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
        canaries.create(
            db.session,
            current_actor(),
            _source(form.get("source", "")),
            form.get("title", ""),
            form.get("content", ""),
            tags,
            form.get("category", ""),
            form.get("expected", ""),
        )
        db.session.commit()
        flash("Canary added to the library.", "info")
    except (ValidationFailed, NotAllowed) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    return redirect(url_for("oversight.canary_library"))


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
