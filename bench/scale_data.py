"""A PostgreSQL database at production scale, built in SQL (generate_series), not the ORM.

Used by bench/pages.py: ``build(app, rows, escalations)`` fills a migrated, empty database with
``rows`` queued items, ``rows`` decided items with one decision each (spread over 90 days,
by 200 reviewers), ``escalations`` open escalations, and what goes with them: five sources,
a callback outbox (one delivery per decision, some failed or pending), notifications, a canary
library with planted canaries among the decided items, and blind second reviews. The people
who sign in (one per role) are made by the service, so their passwords hash as in production.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.services import sources, users

PASSWORD = "bench-password-long"
ROLES = {
    "reviewer": ("reviewer@bench.example", 3),
    "supervisor": ("supervisor@bench.example", 3),
    "manager": ("manager@bench.example", 3),
    "admin": ("admin@bench.example", 3),
}
CONTENT = (
    "Dear customer, thank you for getting in touch about your order, and I am sorry the "
    "blender arrived with a cracked jug. I have checked your order history and confirmed that "
    "the item was delivered on 3 November and reported damaged the same day, which is well "
    "inside our thirty-day returns window. A full refund of $42.00 has been issued to the card "
    "ending 4417; depending on your bank it should appear within three to five business days."
)
DRAFT = {
    "content": CONTENT,
    "context": '{"prompt": "Draft a reply", "conversation": [{"role": "user", "content": "?"}]}',
    "meta": '{"model": "m"}',
    "tags": '["refund", "customer-facing"]',
    "words": len(CONTENT.split()),  # as intake counts them
}


@dataclass
class Sample:
    """Ids the page bench opens: an item the reviewer may read, a pending QA review, a
    reviewer with decisions, a canary with planted copies."""

    item_id: int
    qa_review_id: int
    reviewer_id: int
    canary_id: int = 0


def _timed(label: str, conn: sa.Connection, sql: str, **params: object) -> None:
    started = time.perf_counter()
    conn.execute(sa.text(sql), params)
    print(f"  {label}: {time.perf_counter() - started:.1f} s", flush=True)


def build(app: Flask, rows: int, escalations: int) -> Sample:
    """Fill the app's (migrated, empty) database. Returns the ids the bench opens."""
    with app.app_context():
        system = Actor.system("bench")
        people = {
            role: users.create_user(db.session, system, email, role, role, level, PASSWORD)
            for role, (email, level) in ROLES.items()
        }
        db.session.flush()
        for n in range(5):
            sources.create_source(
                db.session, system, f"bot-{n}", f"Bot {n}", ROLES["admin"][0], None
            )
        db.session.commit()
        conn = db.session.connection()
        _fill(conn, rows, escalations, people["reviewer"].password_hash)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as auto:
            _timed("vacuum analyze", auto, "VACUUM ANALYZE")
    return sample(app)


def sample(app: Flask) -> Sample:
    """The ids the bench opens, from a filled database."""
    with app.app_context():
        item_id = db.session.scalar(
            sa.text("SELECT min(id) FROM items WHERE status = 'queued' AND min_level = 1")
        )
        qa_id = db.session.scalar(sa.text("SELECT min(id) FROM qa_reviews WHERE done_at IS NULL"))
        reviewer_id = db.session.scalar(sa.text("SELECT min(user_id) FROM decisions"))
        canary_id = db.session.scalar(sa.text("SELECT min(canary_id) FROM items"))
    return Sample(item_id or 0, qa_id or 0, reviewer_id or 0, canary_id or 0)


def _fill(conn: sa.Connection, rows: int, escalations: int, password_hash: str) -> None:
    """The bulk rows, in dependency order."""
    _timed(
        "200 reviewers, 5 supervisors, 2 managers",
        conn,
        """INSERT INTO users (email, name, role, level, password_hash, active, created_at)
           SELECT 'r' || g || '@bench.example', 'Reviewer ' || g,
                  CASE WHEN g <= 200 THEN 'reviewer' WHEN g <= 205 THEN 'supervisor'
                       ELSE 'manager' END,
                  1 + g % 3, :hash, true, now() - interval '1 year'
           FROM generate_series(1, 207) g""",
        hash=password_hash,
    )
    _timed(
        "20 canaries",
        conn,
        """INSERT INTO canaries (source_id, title, content, risk_tags, context, category,
                                 expected, active, created_by_id, created_at)
           SELECT (SELECT min(id) FROM sources) + g % 5, 'Reply to ticket #c' || g, :content,
                  '["refund"]', '{}', 'wrong_facts', 'reject', true,
                  (SELECT min(id) FROM users), now() - interval '30 days'
           FROM generate_series(1, 20) g""",
        content=CONTENT,
    )
    # one statement per kind of item; ids follow in order (queued, decided, escalated)
    item_sql = """
        INSERT INTO items (source_id, external_id, webhook_id, title, content, content_type,
            context, metadata, risk_tags, unknown_tags, min_level, approvals_required,
            sla_minutes, always_escalate, qa_rate, routing_reason, due_at, status, version,
            edited, decided_at, created_at, updated_at, priority, canary_id, words)
        SELECT (SELECT min(id) FROM sources) + g % 5, :kind || '-' || g, 'msg-' || :kind || g,
            'Reply to ticket #' || g, :content, 'text/markdown', CAST(:context AS json),
            CAST(:meta AS json), CAST(:tags AS json), '[]', 1 + g % 3, 1, 120, false,
            0.05, '["tag refund: level 1+, 1 approval, SLA 120 min"]', {due}, {status}, 1,
            false, {decided}, {created}, {created}, 1 + g % 3, {canary}, :words
        FROM generate_series(1, :n) g"""
    _timed(
        f"{rows:,} queued items",
        conn,
        item_sql.format(
            due="now() + (g % 2880) * interval '1 minute'",
            status="'queued'",
            decided="NULL",
            created="now() - (g % 240) * interval '1 minute'",
            canary="NULL",
        ),
        kind="q",
        n=rows,
        **DRAFT,
    )
    decided_at = "now() - (g % 129600) * interval '1 minute'"  # over 90 days
    _timed(
        f"{rows:,} decided items",
        conn,
        item_sql.format(
            due=f"{decided_at} + interval '1 hour'",
            status="CASE WHEN g % 10 = 0 THEN 'rejected' ELSE 'approved' END",
            decided=decided_at,
            created=f"{decided_at} - interval '20 minutes'",
            canary="CASE WHEN g % 100 = 0 THEN (SELECT min(id) FROM canaries) + g % 20 END",
        ),
        kind="d",
        n=rows,
        **DRAFT,
    )
    _timed(
        f"{escalations:,} escalated items",
        conn,
        item_sql.format(
            due="now() - interval '1 hour'",
            status="'escalated'",
            decided="NULL",
            created="now() - (g % 4320) * interval '1 minute' - interval '3 hours'",
            canary="NULL",
        ),
        kind="e",
        n=escalations,
        **DRAFT,
    )
    _timed(
        f"{rows:,} decisions",
        conn,
        """INSERT INTO decisions (item_id, user_id, action, item_version, reason_code, reason,
               opened_at, decided_at, active_seconds)
           SELECT i.id, (SELECT min(id) FROM users WHERE email LIKE 'r%%@bench.example')
                        + i.id % 200,
                  CASE i.status WHEN 'rejected' THEN 'reject' ELSE 'approve' END, 1,
                  CASE i.status WHEN 'rejected' THEN 'wrong_facts' END,
                  CASE i.status WHEN 'rejected' THEN 'The refund amount is wrong.' END,
                  i.decided_at - (20 + i.id % 90) * interval '1 second', i.decided_at,
                  15 + i.id % 60
           FROM items i WHERE i.status IN ('approved', 'rejected')""",
    )
    _timed(
        f"{escalations:,} open escalations (+ as many resolved)",
        conn,
        """INSERT INTO escalations (item_id, reason, raised_at, level, level_since,
               resolved_at, outcome)
           SELECT i.id, 'SLA breached', i.due_at, 1 + i.id % 3, i.due_at, NULL, NULL
           FROM items i WHERE i.status = 'escalated'
           UNION ALL
           SELECT i.id, 'Escalated by a reviewer', i.decided_at - interval '10 minutes', 1,
                  i.decided_at - interval '10 minutes', i.decided_at, i.status
           FROM items i WHERE i.status IN ('approved', 'rejected') AND i.id % 100 = 1""",
    )
    _timed(
        "deliveries (one per decision; 0.2% failed, 0.05% pending)",
        conn,
        """INSERT INTO deliveries (item_id, source_id, event, msg_id, payload, status, attempts,
               next_attempt_at, last_status, last_error, delivered_at, created_at)
           SELECT i.id, i.source_id, 'item.' || i.status, 'msg_d' || i.id,
                  json_build_object('type', 'item.' || i.status, 'data',
                                    json_build_object('item_id', i.id, 'outcome', i.status)),
                  CASE WHEN i.id % 500 = 0 THEN 'failed' WHEN i.id % 2000 = 1 THEN 'pending'
                       ELSE 'delivered' END,
                  CASE WHEN i.id % 500 = 0 THEN 8 ELSE 1 END, i.decided_at,
                  CASE WHEN i.id % 500 = 0 THEN 503 ELSE 200 END,
                  CASE WHEN i.id % 500 = 0 THEN 'HTTP 503' END,
                  CASE WHEN i.id % 500 = 0 OR i.id % 2000 = 1 THEN NULL ELSE i.decided_at END,
                  i.decided_at
           FROM items i WHERE i.status IN ('approved', 'rejected') AND i.canary_id IS NULL""",
    )
    _timed(
        "notifications (one per escalation to each supervisor, 500 per reviewer)",
        conn,
        """INSERT INTO notifications (user_id, text, link, created_at, read_at)
           SELECT u.id, 'Escalated: #' || e.item_id || ' Reply to ticket (SLA breached)',
                  '/items/' || e.item_id, e.raised_at,
                  CASE WHEN e.item_id % 3 = 0 THEN e.raised_at END
           FROM escalations e CROSS JOIN users u
           WHERE u.role = 'supervisor' AND e.resolved_at IS NULL
           UNION ALL
           SELECT u.id, 'Guidance on #' || g, '/items/' || g, now() - g * interval '1 hour',
                  now()
           FROM users u CROSS JOIN generate_series(1, 500) g WHERE u.role = 'reviewer'""",
    )
    _timed(
        "blind second reviews of 2% of approvals (5% of those pending)",
        conn,
        """INSERT INTO qa_reviews (item_id, created_at, reviewer_id, agrees, done_at)
           SELECT i.id, i.decided_at,
                  CASE WHEN i.id % 1000 <> 1 THEN (SELECT min(id) FROM users
                                                   WHERE role = 'supervisor') END,
                  CASE WHEN i.id % 1000 <> 1 THEN i.id % 7 <> 0 END,
                  CASE WHEN i.id % 1000 <> 1 THEN i.decided_at + interval '1 day' END
           FROM items i WHERE i.status = 'approved' AND i.id % 50 = 1""",
    )
    _timed(
        "30 claims held by the signed-in reviewer",
        conn,
        """UPDATE items SET status = 'in_review', claimed_at = now(),
               claimed_by_id = (SELECT id FROM users WHERE email = 'reviewer@bench.example'),
               claim_expires_at = now() + interval '15 minutes'
           WHERE id IN (SELECT id FROM items WHERE status = 'queued' ORDER BY id DESC LIMIT 30)""",
    )
