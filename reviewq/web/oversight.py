"""Oversight: the signals that tell real review from symbolic review (for supervisors and
managers, and each reviewer's own)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.errors import NotAllowed, ValidationFailed
from ..extensions import db_session
from ..models import User
from ..models.types import utcnow
from ..services import canaries, oversight
from .access import require, signed_in_actor
from .forms import ActionForm, FlagNoteForm, accepted
from .pipeline import committing, get_or_404

bp = Blueprint("oversight", __name__)


VERDICT_ORDER = {"individual": 0, "conditions": 1, "insufficient": 2, "ok": 3}
SORTS = {
    "verdict": lambda r: (VERDICT_ORDER.get(r.verdict, 9), r.reviewer),
    "decisions": lambda r: -(r.metrics.get("decisions") or 0),
    "speed": lambda r: -(r.metrics.get("items_per_hour") or 0),
    "dwell": lambda r: r.metrics.get("median_dwell_seconds") or 0,
    "floor": lambda r: -(r.metrics.get("under_floor_share_all") or 0),
    "name": lambda r: r.reviewer,
}
PER_PAGE = 50


def _choice(name: str, allowed: Iterable[str], default: str) -> str:
    """A query-string value that must be one of ``allowed`` (400 otherwise)."""
    value = request.args.get(name, default)
    options = list(allowed)
    if value not in options:
        abort(400, description=f"{name} must be one of: {', '.join(options)}")
    return value


def _days() -> int:
    """The window chosen with ``?days=`` (7, 14, 28 or 90; 14 when not given)."""
    return int(_choice("days", map(str, oversight.WINDOWS), str(oversight.DEFAULT_WINDOW)))


def _page(count: int) -> tuple[int, int]:
    """The page chosen with ``?page=`` and how many pages ``count`` rows make."""
    pages = max(1, -(-count // PER_PAGE))
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or not 1 <= int(raw) <= 100_000:
        abort(400, description="page must be a whole number from 1")
    if int(raw) > pages:
        abort(404, description=f"there are {pages} pages")
    return int(raw), pages


@bp.get("/oversight")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def overview() -> str:
    """Each reviewer's verdict with the signals behind it; the team's symbolic oversight index."""
    days = _days()
    sort = _choice("sort", SORTS, "verdict")
    now = utcnow()
    win = oversight.window(db_session, now, days)
    ranked = sorted(win.report.reviewers, key=SORTS[sort])
    page, pages = _page(len(ranked))
    shown = ranked[(page - 1) * PER_PAGE : page * PER_PAGE]
    people = oversight.people(db_session, (r.reviewer for r in shown))
    by_source = win.report.team["symbolic_oversight_index"].get("by_source") or {}
    return render_template(
        "oversight.html",
        days=days,
        start=now - timedelta(days=days),
        end=now,
        windows=oversight.WINDOWS,
        sort=sort,
        page=page,
        pages=pages,
        reviewers=shown,
        team=win.report.team,
        lines=win.lines,
        trend=win.trend,
        people=people,
        notes=oversight.latest_flag_notes(db_session, (u.id for u in people.values())),
        source_names=oversight.source_names(db_session, by_source),
    )


@bp.route("/oversight/<int:user_id>", methods=["GET", "POST"])
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def reviewer_detail(user_id: int) -> Response | str:
    """One reviewer: every signal with its numbers, baseline, threshold and example decisions."""
    days = _days()
    person = get_or_404(User, user_id)
    actor = signed_in_actor()
    own = person.id == actor.id
    if request.method == "POST":
        form = FlagNoteForm()
        if not accepted(form):
            return redirect(url_for("oversight.reviewer_detail", user_id=user_id, days=days))
        with committing(ValidationFailed, NotAllowed) as done:
            oversight.set_flag(
                db_session,
                actor,
                person,
                form.signal.data or "",
                form.status.data or "",
                form.note.data or "",
                utcnow(),
            )
        if done:
            flash("Your note on the flag is recorded.", "info")
        return redirect(url_for("oversight.reviewer_detail", user_id=user_id, days=days))
    return _stats_page(person, days, own=own, can_note=can(actor, Permission.SUPERVISE) and not own)


@bp.get("/my-stats")
@require(Permission.WORK_QUEUE)
def my_stats() -> str:
    """A reviewer's own signals: the same numbers supervisors see, first to the person."""
    days = _days()
    person = get_or_404(User, signed_in_actor().id)
    return _stats_page(person, days, own=True, can_note=False)


def _stats_page(person: User, days: int, own: bool, can_note: bool) -> str:
    """One person's stats page; ``own`` hides which items were canaries and titles it
    "My review stats"."""
    now = utcnow()
    win = oversight.window(db_session, now, days)
    mine = next((r for r in win.report.reviewers if r.reviewer == person.email), None)
    if mine is not None:  # an example names who decided an item, and how (blind review)
        evidence = canaries.without_blind_examples(db_session, signed_in_actor(), mine.evidence)
        mine = dataclasses.replace(mine, evidence=evidence)
    return render_template(
        "reviewer_stats.html",
        person=person,
        own=own,
        days=days,
        start=now - timedelta(days=days),
        end=now,
        windows=oversight.WINDOWS,
        result=mine,
        evidence=oversight.evidence_for(mine.evidence, own) if mine else [],
        team=win.report.team,
        line=win.lines.get(person.email, []),
        trend=[{**week, "verdict": week["verdicts"].get(person.email)} for week in win.trend],
        can_note=can_note,
        notes=oversight.flag_notes(db_session, person.id),
        form=ActionForm(),
    )
