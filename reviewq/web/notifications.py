"""Each person's notifications."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..extensions import db_session
from ..models.types import utcnow
from ..services import canaries, notifications, reading
from .access import current_actor
from .forms import ActionForm
from .pipeline import page_number

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def notification_list() -> str:
    """My notifications, newest first, a page at a time (what they say about an item I must
    second-review blind is held back until I have)."""
    page = notifications.recent(db_session, current_user.id, page_number())
    about = {n.id: reading.item_of(n.link) for n in page.rows}
    blind = canaries.blind_items(db_session, current_actor(), {i for i in about.values() if i})
    # only links the reader may open (no item page for admins, nor above one's level)
    openable = reading.openable_links(db_session, current_actor(), (n.link for n in page.rows))
    return render_template(
        "notifications.html",
        notes=page,
        blind={n: blind[i] for n, i in about.items() if i in blind},
        links={n.id: openable[n.link] for n in page.rows},
        now=utcnow(),
        form=ActionForm(),
    )


@bp.post("/notifications/read")
@login_required
def mark_read() -> Response:
    """Mark all my notifications read."""
    if not ActionForm().validate_on_submit():
        abort(400)
    notifications.mark_all_read(db_session, current_user.id, utcnow())
    db_session.commit()
    return redirect(url_for("notifications.notification_list"))
