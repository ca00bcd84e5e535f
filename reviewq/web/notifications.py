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

bp = Blueprint("notifications", __name__)


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
    return redirect(url_for("notifications.notification_list"))
