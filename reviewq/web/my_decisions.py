"""My decisions: the signed-in reviewer's own history, with what became of each decision."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..domain.authority import Permission
from ..domain.workflow import REJECT_REASONS
from ..extensions import db_session
from ..models.types import utcnow
from ..services import my_decisions
from .access import require, signed_in_actor
from .pipeline import page_number

bp = Blueprint("my_decisions", __name__)


@bp.get("/my-decisions")
@require(Permission.WORK_QUEUE)
def my_decision_list() -> str:
    """The signed-in reviewer's decisions, newest first, a page at a time (only their own)."""
    rows = my_decisions.page(db_session, signed_in_actor(), page_number())
    return render_template(
        "my_decisions.html", rows=rows, now=utcnow(), reject_reasons=REJECT_REASONS
    )
