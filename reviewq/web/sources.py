"""Source controls: pause, resume or retire the AI sources you own or may control."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can, can_control_source
from ..domain.errors import Conflict, ValidationFailed
from ..extensions import db_session
from ..models import SourceStatus
from ..services import sources
from .access import current_actor, signed_in_actor
from .forms import ActionForm, SourceStatusForm, accepted
from .pipeline import committing, found_or_404, page_number

bp = Blueprint("sources", __name__)
STATUS_CHANGES = {
    "pause": SourceStatus.PAUSED,
    "resume": SourceStatus.ACTIVE,
    "retire": SourceStatus.RETIRED,
}


@bp.get("/sources")
@login_required
def source_list() -> str:
    """AI sources with their status (a page at a time); pause, resume or retire the ones you
    may control."""
    actor = current_actor()
    visible = sources.controllable_by(db_session, actor, page_number())
    if not visible.rows and not can(actor, Permission.CONTROL_SOURCES):
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
        return redirect(url_for("sources.source_list"))
    with committing(ValidationFailed, Conflict) as done:
        sources.set_status(db_session, signed_in_actor(), source, status, form.reason.data)
    if done:
        flash(f"{source.name} is now {status}.", "info")
    return redirect(url_for("sources.source_list"))
