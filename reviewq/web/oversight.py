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
from ..services import canaries, oversight, oversight_store
from .access import require, signed_in_actor
from .forms import ActionForm, FlagNoteForm, accepted
from .pipeline import committing, get_or_404

bp = Blueprint("oversight", __name__)


PER_PAGE = 50
BACK = re.compile(r"/(oversight|oversight/[0-9]{1,12}|my-stats)(\?days=[0-9]{1,2})?")


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
    """Each reviewer's verdict with the signals behind it; the team's symbolic oversight index
    (stored results: the oversight job computes them)."""
    days = _days()
    sort = _choice("sort", oversight_store.SORTS, "verdict")
    stored = oversight_store.latest(db_session, days)
    if stored is None:
        _page(0)
        return _preparing("oversight.html", days, sort=sort)
    page, pages = _page(oversight_store.reviewer_count(db_session, stored.id))
    rows = oversight_store.page(db_session, stored.id, sort, (page - 1) * PER_PAGE, PER_PAGE)
    shown = [row.result for row in rows]
    people = oversight.people(db_session, (r.reviewer for r in shown))
    by_source = stored.team.get("symbolic_oversight_index", {}).get("by_source") or {}
    return render_template(
        "oversight.html",
        days=days,
        stored=stored,
        can_recompute=True,
        start=stored.computed_at - timedelta(days=days),
        end=stored.computed_at,
        now=utcnow(),
        windows=oversight.WINDOWS,
        sort=sort,
        page=page,
        pages=pages,
        reviewers=shown,
        team=stored.team,
        lines={row.result.reviewer: row.line for row in rows},
        trend=[
            {**week, "verdicts": {row.result.reviewer: row.weeks[k] for row in rows}}
            for k, week in enumerate(stored.trend)
        ],
        people=people,
        notes=oversight.latest_flag_notes(db_session, (u.id for u in people.values())),
        source_names=oversight.source_names(db_session, by_source),
        form=ActionForm(),
    )


@bp.post("/oversight/recompute")
@require(Permission.SUPERVISE, Permission.SEE_REPORTS)
def recompute() -> Response:
    """Ask for the oversight results to be computed again now (one waiting at most)."""
    days = _days()
    if accepted(ActionForm()):
        with committing(NotAllowed) as done:
            oversight_store.request_recompute(db_session, signed_in_actor())
        if done:
            flash("The oversight results are being computed again: reload in a minute.", "info")
    back = request.form.get("back", "")
    if BACK.fullmatch(back):  # only back to an oversight page, never elsewhere
        return redirect(back)
    return redirect(url_for("oversight.overview", days=days))


def _may_recompute() -> bool:
    """Whether the signed-in person may ask for a recompute (the button shows)."""
    actor = signed_in_actor()
    return can(actor, Permission.SUPERVISE) or can(actor, Permission.SEE_REPORTS)


def _preparing(template: str, days: int, **values: object) -> str:
    """A page whose window has no stored results yet: it says they are being prepared."""
    return render_template(
        template,
        days=days,
        stored=None,
        can_recompute=_may_recompute(),
        windows=oversight.WINDOWS,
        form=ActionForm(),
        **values,
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
    """One person's stats page from that person's stored row; ``own`` hides which items
    were canaries and titles it "My review stats"."""
    stored = oversight_store.latest(db_session, days, team=False)
    if stored is None:
        return _preparing("reviewer_stats.html", days, person=person, own=own)
    row = oversight_store.of_reviewer(db_session, stored.id, person.id)
    mine = None if row is None else row.result
    if mine is not None:  # an example names who decided an item, and how (blind review)
        evidence = canaries.without_blind_examples(db_session, signed_in_actor(), mine.evidence)
        mine = dataclasses.replace(mine, evidence=evidence)
    return render_template(
        "reviewer_stats.html",
        person=person,
        own=own,
        days=days,
        stored=stored,
        can_recompute=_may_recompute(),
        start=stored.computed_at - timedelta(days=days),
        end=stored.computed_at,
        now=utcnow(),
        windows=oversight.WINDOWS,
        result=mine,
        evidence=oversight.evidence_for(mine.evidence, own) if mine else [],
        line=row.line if row else [],
        trend=[
            {**week, "verdict": row.weeks[k] if row else None}
            for k, week in enumerate(stored.trend)
        ],
        can_note=can_note,
        notes=oversight.flag_notes(db_session, person.id),
        form=ActionForm(),
    )
