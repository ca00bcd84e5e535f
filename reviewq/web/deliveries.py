"""Callbacks that failed, for administrators to send again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..domain.authority import Permission
from ..domain.errors import Conflict
from ..extensions import db_session
from ..models import Delivery
from ..models.types import utcnow
from ..services import deliveries
from .access import require, signed_in_actor
from .forms import ActionForm
from .pipeline import committing, get_or_404, page_number

bp = Blueprint("deliveries", __name__)


@bp.get("/admin/deliveries")
@require(Permission.ADMINISTER)
def delivery_list() -> str:
    """Callbacks that failed or were refused (410), with the last error; pending ones too;
    a page at a time."""
    page = deliveries.undelivered(db_session, page_number())
    return render_template("deliveries.html", rows=page, form=ActionForm(), now=utcnow())


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
    return redirect(url_for("deliveries.delivery_list"))
