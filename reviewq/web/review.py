"""The reviewer workspace: the queue, the item page and the decisions taken on it."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from ..domain.authority import Permission, can
from ..domain.checklist import Ticks, parse_times
from ..domain.errors import Conflict, NotAllowed, ValidationFailed
from ..domain.policy import RISK_NAMES
from ..domain.workflow import REJECT_REASONS, Action, ItemStatus
from ..extensions import db_session
from ..models import Decision, Item
from ..models.types import utcnow
from ..services import (
    approvals,
    canaries,
    escalation_records,
    escalations,
    policy,
    reading,
    review,
    sources,
    undo,
    verdicts,
)
from ..services import queue as queue_service
from ..services.verdicts import Verdict
from . import render
from .access import require, signed_in_actor
from .forms import ActionForm, DecisionForm
from .pipeline import committing, get_or_404

bp = Blueprint("review", __name__)
VERDICTS = {
    "approve": Action.APPROVE,
    "edit": Action.EDIT,
    "reject": Action.REJECT,
    "escalate": Action.ESCALATE,
}


@bp.before_request
def _start_clock() -> None:
    g.review_started = time.perf_counter()


@bp.after_request
def _server_timing(response: Response) -> Response:
    """Tell the client where the server's time went (``Server-Timing``: the claim, if one was
    made, and the whole view), so load tests measure the server and not their own queueing."""
    parts = [f"claim;dur={g.claim_ms:.2f}"] if "claim_ms" in g else []
    if "review_started" in g:
        parts.append(f"app;dur={(time.perf_counter() - g.review_started) * 1000:.2f}")
    if parts:
        response.headers["Server-Timing"] = ", ".join(parts)
    return response


SKIP_MEMORY = 20  # how many recently skipped items Review next passes over


RISK_PRIORITY = {name: priority for priority, name in RISK_NAMES.items()}
FILTERS = ("source", "risk")


def _filter() -> review.QueueFilter:
    """Queue filters from the query string or form, plus the items this reviewer skipped
    recently, so Skip never hands the same item straight back. An unknown source or risk is
    ignored with a message (never an error); the ones kept travel on with every decision,
    Skip, Stop and Review next (``_filters``), so the next claim is within them."""
    if "queue_filter" not in g:
        values = request.values
        source = sources.find(db_session, values.get("source", ""))
        priority = RISK_PRIORITY.get(values.get("risk", ""))
        g.filters = {
            name: value
            for name, value, ok in (
                ("source", source.slug if source else "", source is not None),
                ("risk", values.get("risk", ""), priority is not None),
            )
            if ok
        }
        ignored = [name for name in FILTERS if values.get(name) and name not in g.filters]
        if ignored:
            flash(f"Unknown {' and '.join(ignored)} filter ignored: showing all.", "error")
        g.queue_filter = review.QueueFilter(
            source_id=source.id if source else None,
            priority=priority,
            skipped=frozenset(session.get("skipped", [])),
        )
    return g.queue_filter


def _filters() -> dict[str, Any]:
    """The request's valid queue filters, by name, for links and hidden fields."""
    _filter()
    return dict(g.filters)


def _undo_window() -> timedelta:
    return timedelta(seconds=current_app.config.get("UNDO_SECONDS", 0))


def _pending_undo() -> dict[str, object] | None:
    """The signed-in reviewer's last decision while it can still be taken back: the item,
    what was decided and the seconds left (for the undo bar), or None."""
    last = session.get("undo")
    if not last:
        return None
    left = last["until"] - utcnow().timestamp()
    if left <= 0:
        session.pop("undo", None)
        return None
    return {**last, "seconds": int(left + 0.999)}


def _claim_next() -> Item | None:
    """Claim the next item for the signed-in reviewer (in the caller's transaction); the
    claim's server time, to the end of the request's commit, goes into ``Server-Timing``."""
    g.claim_started = time.perf_counter()
    return review.claim_next(db_session, signed_in_actor(), utcnow(), _filter())


def _open(item: Item | None, message: str | None = None) -> Response:
    """After a decision, skip or Review next (committed): open ``item``, or the queue when
    nothing is left."""
    if "claim_started" in g:
        g.claim_ms = (time.perf_counter() - g.claim_started) * 1000
    if message:
        flash(message, "info")
    if item is None:
        flash("Nothing left that you can review. Well done.", "info")
        return redirect(url_for("review.queue", **_filters()))
    return redirect(url_for("review.item", item_id=item.id, **_filters()))


def _next_or_queue(message: str | None = None) -> Response:
    """Claim the next item in a transaction of its own and open it, or go back to the queue."""
    item = _claim_next()
    db_session.commit()
    return _open(item, message)


def _load(item_id: int) -> Item:
    """The item, or 404 when there is none or it is above the reader's level and they are
    not involved with it (need-to-know: answered as for an item that is not there)."""
    item = get_or_404(Item, item_id, joinedload(Item.source))
    if not reading.may_read(db_session, signed_in_actor(), item):
        abort(404)
    return item


@bp.get("/queue")
@require(Permission.WORK_QUEUE, Permission.SEE_REPORTS)
def queue() -> str:
    """Counts by risk, source and age; my open claims; the items next in line."""
    actor, now = signed_in_actor(), utcnow()
    where = _filter()
    data = queue_service.overview(db_session, actor, now, where)
    return render_template(
        "queue.html",
        data=data,
        now=now,
        risk_names=RISK_NAMES,
        form=ActionForm(),
        can_review=can(actor, Permission.WORK_QUEUE),
        selected={name: _filters().get(name, "") for name in FILTERS},
        filters=_filters(),
        undo=_pending_undo(),
    )


@bp.get("/queue/counts")
@require(Permission.WORK_QUEUE, Permission.SEE_REPORTS)
def queue_counts() -> Response:
    """The queue page's counts as JSON (same filters), which the page refreshes itself from."""
    data = queue_service.tally(db_session, signed_in_actor(), utcnow(), _filter())
    return jsonify(
        {
            "eligible": data.eligible,
            "about": data.counted_at is not None,
            "counted_at": data.counted_at.isoformat() if data.counted_at else None,
            "by_risk": {RISK_NAMES[p]: data.by_priority.get(p, 0) for p in sorted(RISK_NAMES)},
            "by_source": [
                {"slug": slug, "name": name, "count": count} for slug, name, count in data.by_source
            ],
            "by_age": data.by_age,
            "overdue": data.overdue,
        }
    )


@bp.post("/queue/next")
@require(Permission.WORK_QUEUE)
def review_next() -> Response:
    """Claim the most urgent item this reviewer may decide, and open it."""
    if not ActionForm().validate_on_submit():
        abort(400)
    return _next_or_queue()


def item_page(item: Item, form: DecisionForm, status: int = 200) -> tuple[str, int]:
    """Render the item page; also used by the escalation views."""
    actor, now = signed_in_actor(), utcnow()
    # only an escalated item has an open escalation (it closes as the item leaves that state)
    escalation = None
    if item.status is ItemStatus.ESCALATED:
        escalation = escalation_records.current(db_session, item.id)
    resolving = bool(escalation and escalations.holds(escalation, actor, now))
    # Blind second review: the decisions are not even loaded for someone who must answer
    # the item's QA sample first.
    blind_review = canaries.blind_items(db_session, actor, [item.id]).get(item.id)
    decisions: Sequence[Decision] = []
    if blind_review is None:
        decisions = verdicts.history(db_session, item.id)
        approved = approvals.standing(decisions)  # the history is at hand: no second query
    else:
        approved = approvals.approvers(db_session, item.id)
    holds = review.holds_claim(item, actor, now)
    if (holds or resolving) and not form.is_submitted():
        form.version.data = item.version
        form.content.data = item.current_content
    return render_template(
        "item.html",
        item=item,
        form=form,
        decisions=decisions,
        now=now,
        render=render,
        holds=holds,
        can_decide=holds and can(actor, Permission.DECIDE, item.min_level),
        risk=RISK_NAMES[item.priority],
        reject_reasons=REJECT_REASONS,
        action_form=ActionForm(),
        escalation=escalation,
        resolving=resolving,
        approvals=len(approved),
        blind_review=blind_review,
        can_claim_escalation=can(actor, Permission.SUPERVISE),
        checklist=policy.checklist_for(db_session, item) if holds or resolving else None,
        filters=_filters(),
        undo=_pending_undo(),
        stop_after=session.get("stop_after", False),
    ), status


@bp.get("/items/<int:item_id>")
@require(Permission.VIEW_ITEM)
def item(item_id: int) -> tuple[str, int]:
    """The draft, its context and history, and (for the claim holder) the decision buttons."""
    return item_page(_load(item_id), DecisionForm())


def decision_form(
    item_id: int,
    choices: dict[str, Action],
    prompt: str,
    apply: Callable[[Verdict], Decision],
) -> Action | Response | tuple[str, int]:
    """Read the decision form, apply it with ``apply`` and commit; shared by reviewers and
    supervisors resolving escalations.

    Returns:
        The action recorded (an edit that changed nothing is an approval), or the response
        to send instead (the page again with field messages, or a redirect with the reason
        nothing changed).
    """
    form = DecisionForm()
    action = choices.get(form.action.data or "")
    if not form.validate_on_submit() or action is None:
        if action is None:
            flash(prompt, "error")
        return item_page(_load(item_id), form, 400)
    try:
        ticks = Ticks(
            ticked=frozenset(form.checks.data or ()),
            ticked_ms=parse_times(form.check_ms.data or ""),
            context_opened_ms=form.context_ms.data,
        )
    except ValueError as exc:
        form.checks.errors = [str(exc)]
        return item_page(_load(item_id), form, 400)
    verdict = Verdict(
        ticks=ticks,
        action=action,
        version=form.version.data,
        content=form.content.data if action is Action.EDIT else None,
        reason_code=form.reason_code.data or None,
        reason=form.reason.data,
        active_seconds=form.active_seconds.data,
    )
    try:
        recorded = apply(verdict).action
        db_session.commit()
    except ValidationFailed as exc:
        db_session.rollback()
        for error in exc.errors:
            getattr(form, error["field"]).errors.append(error["message"])
        return item_page(_load(item_id), form, 422)
    except (Conflict, StaleDataError, NotAllowed) as exc:
        db_session.rollback()
        stale = "Someone else changed this item at the same moment. Nothing was changed."
        flash(stale if isinstance(exc, StaleDataError) else str(exc), "error")
        return redirect(url_for("review.item", item_id=item_id))
    return recorded


@bp.post("/items/<int:item_id>/decision")
@require(Permission.WORK_QUEUE)
def decide(item_id: int) -> Response | tuple[str, int]:
    """Approve, edit, reject or escalate the item this reviewer holds, and open the next."""
    item = _load(item_id)
    claimed: list[Item | None] = []
    stop = request.form.get("stop_after") == "1"  # "Stop after this decision", remembered
    window = _undo_window()

    def decide_and_claim(verdict: Verdict) -> Decision:
        # one transaction: the decision, its consequences and the next claim commit together
        decision = review.decide(db_session, signed_in_actor(), item, verdict, utcnow(), window)
        claimed.append(None if stop else _claim_next())
        return decision

    result = decision_form(
        item_id, VERDICTS, "Choose Approve, Edit, Reject or Escalate.", decide_and_claim
    )
    if not isinstance(result, Action):
        return result
    session["stop_after"] = stop
    message: str | None = _done_message(item, result)
    if item.settles_at is not None:  # said by the undo bar, with its countdown
        session["undo"] = {"item": item.id, "what": message, "until": item.settles_at.timestamp()}
        message = None
    if stop:
        if message:
            flash(message, "info")
        return redirect(url_for("review.queue", **_filters()))
    return _open(claimed[0], message)


def _done_message(item: Item, action: Action) -> str:
    outcome = {
        "queued": "back in the queue for a second approval",
        "approved": "approved",
        "rejected": "rejected",
        "escalated": "escalated to a supervisor",
    }[item.status]
    edited = " with your edits" if action is Action.EDIT else ""
    return f"#{item.id} “{item.title[:60]}”: {outcome}{edited}."


@bp.post("/items/<int:item_id>/skip")
@require(Permission.WORK_QUEUE)
def skip(item_id: int) -> Response:
    """Give the item back to the queue without deciding, and move on."""
    if not ActionForm().validate_on_submit():
        abort(400)
    with committing(Conflict) as done:
        review.skip(db_session, signed_in_actor(), _load(item_id), utcnow())
    if not done:
        return redirect(url_for("review.queue", **_filters()))
    session["skipped"] = [item_id, *session.get("skipped", [])][:SKIP_MEMORY]
    return _next_or_queue(f"#{item_id} skipped: back in the queue for someone else.")


@bp.post("/items/<int:item_id>/renew")
@require(Permission.WORK_QUEUE)
def renew(item_id: int) -> tuple[Response, int]:
    """Keep the claim while the page is open (called by the page every minute)."""
    if not ActionForm().validate_on_submit():
        return jsonify({"error": "bad CSRF token"}), 400
    try:
        until = review.renew(db_session, signed_in_actor(), _load(item_id), utcnow())
        db_session.commit()
    except Conflict as exc:
        db_session.rollback()
        return jsonify({"error": str(exc)}), 409
    return jsonify({"claim_expires_at": until.isoformat()}), 200


@bp.post("/items/<int:item_id>/stop")
@require(Permission.WORK_QUEUE)
def stop(item_id: int) -> Response:
    """Stop reviewing: give the item back to the queue at once and go to the queue."""
    if not ActionForm().validate_on_submit():
        abort(400)
    with committing(Conflict) as done:
        review.release(db_session, signed_in_actor(), _load(item_id), utcnow())
    if done:
        flash(f"#{item_id} is back in the queue. You hold no item now.", "info")
    return redirect(url_for("review.queue", **_filters()))


@bp.post("/items/<int:item_id>/undo")
@require(Permission.WORK_QUEUE)
def take_back(item_id: int) -> Response:
    """Take back this reviewer's decision on the item within its undo window, and reopen
    it; too late answers 409, someone else's decision 403 (the error pages say why)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    decision = undo.undo(db_session, signed_in_actor(), _load(item_id), utcnow())
    db_session.commit()
    session.pop("undo", None)
    flash(f"Your {decision.action} of #{item_id} was taken back: nothing was sent.", "info")
    return redirect(url_for("review.item", item_id=item_id, **_filters()))
