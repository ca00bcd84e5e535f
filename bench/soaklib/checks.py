"""The soak's end checks, each read from the database (SQL) and from what the clients and
the receiver saw; and the latency table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import psycopg

from .actors import Ledger
from .client import Sample
from .cluster import KillWindow
from .receiver import Hit

SUPERVISOR_LEVEL = 9  # supervisors cover every level (domain/authority.effective_level)
FINAL = {"approved": "item.approved", "rejected": "item.rejected", "withdrawn": "item.withdrawn"}
# Audit actions that end an item's claim (a decision, a skip, an expiry, a withdrawal...).
CLAIM_ENDS = {
    "item.skipped",
    "item.claim_expired",
    "item.approve",
    "item.edit",
    "item.reject",
    "item.escalate",
    "item.withdrawn",
    "item.sla_breached",
}
ESCALATION_CLAIM_ENDS = {
    "escalation.released",
    "escalation.claim_expired",
    "item.approve",
    "item.edit",
    "item.reject",
    "item.return",
    "item.withdrawn",
}


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def rows(conn: psycopg.Connection[Any], sql: str) -> list[tuple[Any, ...]]:
    return conn.execute(sql).fetchall()


def drafts_stored(conn: psycopg.Connection[Any], ledger: Ledger) -> Check:
    """Every draft a source had accepted is stored, once, and nothing else is."""
    stored = {
        (slug, ext): item_id
        for item_id, slug, ext in rows(
            conn,
            "SELECT i.id, s.slug, i.external_id FROM items i JOIN sources s ON s.id = i.source_id"
            " WHERE i.canary_id IS NULL",
        )
    }
    missing = set(ledger.accepted) - set(stored)
    extra = set(stored) - set(ledger.accepted)
    moved = [k for k, v in ledger.accepted.items() if k in stored and stored[k] != v]
    ok = not missing and not extra and not moved and not ledger.refused
    detail = (
        f"{len(ledger.accepted)} accepted, {len(stored)} stored; missing {len(missing)}, "
        f"unexpected {len(extra)}, id mismatch {len(moved)}, never accepted {len(ledger.refused)}"
    )
    return Check("drafts accepted = items stored", ok, detail)


def decided_by_policy(conn: psycopg.Connection[Any], ledger: Ledger) -> Check:
    """Each item is final and was decided as its requirements say: approvals by that many
    different eligible people (of the text in force), rejections by an eligible person,
    always-escalate items resolved by a supervisor, withdrawals only by the source."""
    items = rows(
        conn,
        "SELECT id, status, min_level, approvals_required, always_escalate FROM items"
        " WHERE canary_id IS NULL",
    )
    decisions: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
    for item_id, user_id, action, level, role in rows(
        conn,
        "SELECT d.item_id, d.user_id, d.action, u.level, u.role FROM decisions d"
        " JOIN users u ON u.id = d.user_id ORDER BY d.id",
    ):
        effective = SUPERVISOR_LEVEL if role == "supervisor" else level
        decisions[item_id].append((action, user_id, effective))
    by_supervisor = {
        item_id
        for (item_id,) in rows(
            conn,
            "SELECT e.item_id FROM escalations e JOIN users u ON u.id = e.resolved_by_id"
            " WHERE u.role = 'supervisor'",
        )
    }
    problems: list[str] = []
    counts: dict[str, int] = defaultdict(int)
    for item_id, status, min_level, required, always in items:
        counts[status] += 1
        made = decisions.get(item_id, [])
        unfit = [user for _, user, level in made if level < min_level]
        if unfit:
            problems.append(f"item {item_id}: decided by users {unfit} below level {min_level}")
        if status == "approved":
            standing: set[int] = set()
            for action, user, _ in made:
                if action == "edit":
                    standing = {user}
                elif action == "approve":
                    standing.add(user)
            if len(standing) < required:
                problems.append(f"item {item_id}: {len(standing)} of {required} approvals")
        elif status == "rejected":
            if not made or made[-1][0] != "reject":
                problems.append(f"item {item_id}: rejected without a reject decision last")
        elif status == "withdrawn":
            if item_id not in ledger.withdrawn:
                problems.append(f"item {item_id}: withdrawn, but not by its source")
        else:
            problems.append(f"item {item_id}: still {status} after the drain")
        if always and status in ("approved", "rejected") and item_id not in by_supervisor:
            problems.append(f"item {item_id}: always escalates, not resolved by a supervisor")
    statuses = {item_id: status for item_id, status, *_ in items}
    for item_id in ledger.withdrawn:
        if statuses.get(item_id) != "withdrawn":
            problems.append(f"item {item_id}: withdrawal answered 200 but item is not withdrawn")
    detail = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
    if problems:
        detail += f"; {len(problems)} problems, e.g. " + "; ".join(problems[:5])
    return Check("every item decided as its policy requires", not problems, detail)


def delivered_once_each(conn: psycopg.Connection[Any], hits: list[Hit], refused: int) -> Check:
    """Every final decision has one callback (one webhook-id), delivered at least once; every
    callback that arrived verified and belongs to one of them."""
    final = {
        item_id: status
        for item_id, status in rows(
            conn,
            "SELECT id, status FROM items WHERE canary_id IS NULL"
            " AND status IN ('approved', 'rejected', 'withdrawn')",
        )
    }
    outbox: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for item_id, msg_id, status in rows(
        conn,
        "SELECT item_id, msg_id, status FROM deliveries"
        " WHERE event IN ('item.approved', 'item.rejected', 'item.withdrawn')",
    ):
        outbox[item_id].append((msg_id, status))
    received: dict[int, set[str]] = defaultdict(set)
    tries = 0
    for hit in hits:
        data = hit.payload.get("data", {})
        if hit.payload.get("type") in FINAL.values():
            received[int(data["item_id"])].add(hit.msg_id)
            tries += 1
    problems = []
    for item_id in final:
        ids = outbox.get(item_id, [])
        if len(ids) != 1:
            problems.append(f"item {item_id}: {len(ids)} callbacks in the outbox")
            continue
        msg_id, state = ids[0]
        if received.get(item_id) != {msg_id}:
            problems.append(f"item {item_id}: received {sorted(received.get(item_id, []))}")
        if state != "delivered":
            problems.append(f"item {item_id}: callback {state}")
    strays = set(received) - set(final)
    if strays:
        problems.append(f"callbacks for items not final: {sorted(strays)[:5]}")
    if refused:
        problems.append(f"{refused} callbacks failed signature verification")
    distinct = sum(len(v) for v in received.values())
    detail = (
        f"{len(final)} final decisions, {distinct} distinct webhook-ids received "
        f"({tries - distinct} redeliveries de-duplicated), {refused} bad signatures"
    )
    if problems:
        detail += f"; {len(problems)} problems, e.g. " + "; ".join(problems[:5])
    return Check("every final decision delivered, one webhook-id each", not problems, detail)


def no_double_claims(conn: psycopg.Connection[Any], ledger: Ledger) -> Check:
    """No item or escalation was ever held by two people at once: walked from the audit
    trail (each claim must follow the end of the one before), and from the pages the
    reviewers were given (two people shown the same item at the same version)."""
    holder: dict[str, str] = {}
    esc_holder: dict[str, str] = {}
    doubles: list[str] = []
    events = "SELECT actor, action, subject FROM audit_events WHERE subject LIKE 'item:%'"
    for actor, action, subject in rows(conn, events + " ORDER BY id"):
        if action == "item.claimed":
            if subject in holder and holder[subject] != actor:
                doubles.append(f"{subject} by {actor} while {holder[subject]} held it")
            holder[subject] = actor
        elif action == "escalation.claimed":
            if subject in esc_holder and esc_holder[subject] != actor:
                doubles.append(f"{subject} (escalation) by {actor} while {esc_holder[subject]}")
            esc_holder[subject] = actor
        if action in CLAIM_ENDS:
            holder.pop(subject, None)
        if action in ESCALATION_CLAIM_ENDS:
            esc_holder.pop(subject, None)
    seen = ledger.double_claims()
    doubles += [f"item {i} v{v} shown to {sorted(who)}" for i, v, who in seen]
    detail = f"{len(doubles)} double claims ({len(ledger.claims)} claims seen by reviewers)"
    if doubles:
        detail += ": " + "; ".join(doubles[:5])
    return Check("zero double claims", not doubles, detail)


def deadlocks(conn: psycopg.Connection[Any], before: int, logs: str) -> Check:
    """PostgreSQL's deadlock count for the database did not move, and no process logged one."""
    (after,) = conn.execute(
        "SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()"
    ).fetchone() or (0,)
    logged = logs.count("deadlock detected")
    ok = after - before == 0 and logged == 0
    detail = f"pg_stat_database.deadlocks +{after - before}, 'deadlock detected' in logs {logged}"
    return Check("zero deadlocks", ok, detail)


def no_errors_outside_windows(samples: list[Sample], windows: list[KillWindow]) -> Check:
    """No 5xx and no unanswered request outside the kill windows."""
    outside: dict[str, int] = defaultdict(int)
    inside: dict[str, int] = defaultdict(int)
    for s in samples:
        if s.status >= 500 or s.status == 0:
            bucket = inside if any(w.covers(s.began, s.ended) for w in windows) else outside
            bucket["no answer" if s.status == 0 else str(s.status)] += 1
    fmt = lambda d: ", ".join(f"{n}x {k}" for k, n in sorted(d.items())) or "none"  # noqa: E731
    detail = f"outside the kill windows: {fmt(outside)}; inside: {fmt(inside)}"
    return Check("zero 5xx outside the kill windows", not outside, detail)


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of sorted seconds, in milliseconds."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def latency_table(
    samples: Iterable[Sample], seconds: float, windows: list[KillWindow]
) -> list[dict[str, Any]]:
    """Per endpoint: answered requests, rate over ``seconds``, p50 and p99 (client time), of
    the requests outside the kill windows (a restart's cost is the availability checks')."""
    by_label: dict[str, list[float]] = defaultdict(list)
    for s in samples:
        if s.status and not any(w.covers(s.began, s.ended) for w in windows):
            by_label[s.label].append(s.seconds)
    table = []
    for label in sorted(by_label, key=lambda k: -len(by_label[k])):
        times = sorted(by_label[label])
        table.append(
            {
                "endpoint": label,
                "requests": len(times),
                "rate": len(times) / seconds if seconds else 0.0,
                "p50_ms": percentile(times, 0.5),
                "p99_ms": percentile(times, 0.99),
            }
        )
    return table
