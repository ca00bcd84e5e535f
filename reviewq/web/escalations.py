"""Escalations: the queue, and claiming, resolving, releasing and keeping one."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import Conflict, NotAllowed
from ..domain.workflow import Action
from ..extensions import db_session
from ..models import Escalation, User
from ..models.types import utcnow
from ..services import escalations
from .access import current_actor, require, signed_in_actor
from .forms import ActionForm, ReassignForm, accepted
from .pipeline import committing, get_or_404, page_number
from .review import decision_form

bp = Blueprint("escalations", __name__)
RESOLUTIONS = {
    "approve": Action.APPROVE,
    "edit": Action.EDIT,
    "reject": Action.REJECT,
    "return": Action.RETURN,
}


@bp.get("/escalations")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def escalation_queue() -> str:
    """Open escalations, a page at a time (highest level, longest waiting first), and recent
    resolutions (less those of items the viewer must second-review blind)."""
    waiting = escalations.open_escalations(db_session, page_number())
    resolved, blind_count = escalations.recent_resolutions(db_session, current_actor())
    return render_template(
        "escalations.html",
        open=waiting,
        open_count=escalations.open_count(db_session),
        resolved=resolved,
        blind_count=blind_count,
        now=utcnow(),
        form=ActionForm(),
        can_claim=can(current_actor(), Permission.SUPERVISE),
        assignees=escalations.assignees(db_session),
    )


@bp.post("/escalations/<int:escalation_id>/claim")
@require(Permission.SUPERVISE)
def claim(escalation_id: int) -> Response:
    """Take an escalation to resolve it, then open its item."""
    if not ActionForm().validate_on_submit():
        abort(400)
    escalation = get_or_404(Escalation, escalation_id, joinedload(Escalation.item))
    with committing(Conflict) as done:
        escalations.claim(db_session, signed_in_actor(), escalation, utcnow())
    if not done:
        return redirect(url_for("escalations.escalation_queue"))
    return redirect(url_for("review.item", item_id=escalation.item_id))


@bp.post("/escalations/<int:escalation_id>/resolve")
@require(Permission.SUPERVISE)
def resolve(escalation_id: int) -> Response | tuple[str, int]:
    """Approve, edit, reject, or return the escalated item to the queue with guidance."""
    escalation = get_or_404(Escalation, escalation_id, joinedload(Escalation.item))
    result = decision_form(
        escalation.item_id,
        RESOLUTIONS,
        "Choose Approve, Edit, Reject or Return to queue.",
        lambda verdict: escalations.resolve(
            db_session, signed_in_actor(), escalation, verdict, utcnow()
        ),
    )
    if not isinstance(result, Action):
        return result
    item = escalation.item
    outcome = {
        "queued": "back in the queue for a second approval by someone else",
        "approved": "approved",
        "rejected": "rejected",
    }[item.status]
    if result is Action.RETURN:
        outcome = "returned to the queue with your guidance"
    flash(f"#{item.id} “{item.title[:60]}”: {outcome}.", "info")
    return redirect(url_for("escalations.escalation_queue"))


@bp.post("/escalations/<int:escalation_id>/release")
@require(Permission.SUPERVISE)
def release(escalation_id: int) -> Response:
    """Give the escalation back unresolved, for another supervisor."""
    if not ActionForm().validate_on_submit():
        abort(400)
    escalation = get_or_404(Escalation, escalation_id, joinedload(Escalation.item))
    with committing(Conflict) as done:
        escalations.release(db_session, signed_in_actor(), escalation, utcnow())
    if done:
        flash(
            f"#{escalation.item_id} is back with the escalations, for another supervisor.", "info"
        )
    return redirect(url_for("escalations.escalation_queue"))


@bp.post("/escalations/<int:escalation_id>/reassign")
@require(Permission.SUPERVISE)
def reassign(escalation_id: int) -> Response:
    """Hand an open escalation to another person who can resolve it (both are told)."""
    form = ReassignForm()
    escalation = get_or_404(Escalation, escalation_id, joinedload(Escalation.item))
    if not accepted(form):
        return redirect(url_for("escalations.escalation_queue"))
    to = db_session.get(User, form.to.data)
    if to is None:
        flash("Reassign to: choose a supervisor from the list.", "error")
        return redirect(url_for("escalations.escalation_queue"))
    with committing(Conflict, NotAllowed) as done:
        escalations.reassign(db_session, signed_in_actor(), escalation, to, utcnow())
    if done:
        flash(f"#{escalation.item_id} is now with {to.name}.", "info")
    return redirect(url_for("escalations.escalation_queue"))


@bp.post("/escalations/<int:escalation_id>/renew")
@require(Permission.SUPERVISE)
def renew(escalation_id: int) -> tuple[Response, int]:
    """Keep the escalation's claim while its page is open (called by the page every minute)."""
    if not ActionForm().validate_on_submit():
        return jsonify({"error": "bad CSRF token"}), 400
    escalation = get_or_404(Escalation, escalation_id, joinedload(Escalation.item))
    try:
        escalations.renew(db_session, signed_in_actor(), escalation, utcnow())
        db_session.commit()
    except Conflict as exc:
        db_session.rollback()
        return jsonify({"error": str(exc)}), 409
    assert escalation.claim_expires_at is not None  # just renewed
    return jsonify({"claim_expires_at": escalation.claim_expires_at.isoformat()}), 200
