"""Blind second reviews of sampled approvals."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.agreement import MIN_PAIRS
from ..domain.authority import Permission
from ..domain.errors import Conflict, NotAllowed
from ..extensions import db_session
from ..models import QaReview
from ..models.types import utcnow
from ..services import agreement, canaries
from . import render
from .access import require, signed_in_actor
from .forms import ActionForm, SecondReviewForm, accepted
from .pipeline import committing, get_or_404, page_number

bp = Blueprint("qa", __name__)


@bp.get("/qa")
@require(Permission.SUPERVISE)
def qa_queue() -> str:
    """Approved items sampled for a blind second review (those waiting a page at a time),
    and agreement with the first decisions (Cohen's kappa) per reviewer and per tag."""
    pending, count, done = canaries.qa_queue(db_session, page_number())
    return render_template(
        "qa.html",
        pending=pending,
        count=count,
        done=done,
        now=utcnow(),
        by_reviewer=agreement.by_reviewer(db_session),
        by_tag=agreement.by_tag(db_session),
        min_pairs=MIN_PAIRS,
    )


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
                return redirect(url_for("qa.qa_queue"))
    return render_template(
        "qa_review.html", review=review, item=review.item, render=render, form=ActionForm()
    )
