"""Supervisors' side: the escalation queue, claiming and resolving escalations; source
controls; notifications; failed callbacks for admins."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can, can_control_source
from ..domain.errors import Conflict, ValidationFailed
from ..domain.workflow import Action
from ..extensions import db_session
from ..models import Delivery, Escalation, SourceStatus
from ..models.types import utcnow
from ..services import canaries, deliveries, escalations, notifications, reading, sources
from .access import current_actor, require, signed_in_actor
from .forms import ActionForm, SourceStatusForm, accepted
from .pipeline import committing, found_or_404, get_or_404
from .review import decision_form

bp = Blueprint("supervise", __name__)
RESOLUTIONS = {
    "approve": Action.APPROVE,
    "edit": Action.EDIT,
    "reject": Action.REJECT,
    "return": Action.RETURN,
}
STATUS_CHANGES = {
    "pause": SourceStatus.PAUSED,
    "resume": SourceStatus.ACTIVE,
    "retire": SourceStatus.RETIRED,
}


@bp.get("/escalations")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def escalation_queue() -> str:
    """Open escalations (highest level, longest waiting first) and recent resolutions (less
    those of items the viewer must second-review blind)."""
    resolved, blind_count = escalations.recent_resolutions(db_session, current_actor())
    return render_template(
        "escalations.html",
        open=escalations.open_escalations(db_session),
        resolved=resolved,
        blind_count=blind_count,
        now=utcnow(),
        form=ActionForm(),
        can_claim=can(current_actor(), Permission.SUPERVISE),
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
        return redirect(url_for("supervise.escalation_queue"))
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
    return redirect(url_for("supervise.escalation_queue"))


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
    return redirect(url_for("supervise.escalation_queue"))


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


@bp.get("/notifications")
@login_required
def notification_list() -> str:
    """My notifications, newest first (what they say about an item I must second-review
    blind is held back until I have)."""
    notes = notifications.recent(db_session, current_user.id)
    about = {n.id: _item_of(n.link) for n in notes}
    blind = canaries.blind_items(db_session, current_actor(), {i for i in about.values() if i})
    return render_template(
        "notifications.html",
        notes=notes,
        blind={n: blind[i] for n, i in about.items() if i in blind},
        # only links the reader may open (no item page for admins, nor above one's level)
        links={n.id: reading.openable_link(db_session, current_actor(), n.link) for n in notes},
        now=utcnow(),
        form=ActionForm(),
    )


def _item_of(link: str) -> int | None:
    """The item a notification links to (``/items/<id>``), if any."""
    prefix, _, rest = link.partition("/items/")
    return int(rest) if not prefix and rest.isdigit() else None


@bp.post("/notifications/read")
@login_required
def mark_read() -> Response:
    """Mark all my notifications read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(db_session, current_user.id, utcnow())
    db_session.commit()
    return redirect(url_for("supervise.notification_list"))


@bp.get("/sources")
@login_required
def source_list() -> str:
    """AI sources with their status; pause, resume or retire the ones you may control."""
    actor = current_actor()
    visible = sources.controllable_by(db_session, actor)
    if not visible and not can(actor, Permission.CONTROL_SOURCES):
        abort(403)
    return render_template("sources.html", sources=visible, form=ActionForm())


@bp.post("/sources/<slug>/status")
@login_required
def change_source(slug: str) -> Response:
    """Pause (reason required), resume or retire (reason required) a source; audited."""
    form = SourceStatusForm()
    source = found_or_404(sources.find(db_session, slug))
    if not can_control_source(current_actor(), source.owner_id):
        abort(403)
    status = STATUS_CHANGES.get(form.change.data or "")
    if status is None:  # no button pressed: not something the page sends
        abort(400)
    if not accepted(form):
        return redirect(url_for("supervise.source_list"))
    with committing(ValidationFailed, Conflict) as done:
        sources.set_status(db_session, signed_in_actor(), source, status, form.reason.data)
    if done:
        flash(f"{source.name} is now {status}.", "info")
    return redirect(url_for("supervise.source_list"))


@bp.get("/admin/deliveries")
@require(Permission.ADMINISTER)
def delivery_list() -> str:
    """Callbacks that failed or were refused (410), with the last error; pending ones too."""
    rows = deliveries.undelivered(db_session)
    return render_template("deliveries.html", rows=rows, form=ActionForm(), now=utcnow())


@bp.post("/admin/deliveries/<int:delivery_id>/redeliver")
@require(Permission.ADMINISTER)
def redeliver(delivery_id: int) -> Response:
    """Send a failed callback again now (same webhook-id)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    delivery = get_or_404(Delivery, delivery_id)
    with committing(Conflict) as done:
        deliveries.redeliver(db_session, signed_in_actor(), delivery, utcnow())
    if done:
        flash(f"Callback {delivery.msg_id} queued again.", "info")
    return redirect(url_for("supervise.delivery_list"))
