"""Demo data for trying reviewq: one user per role, two sources, a policy, ~50 drafts."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .demo_drafts import DRAFTS
from .domain.errors import NotFound
from .domain.intake import parse_submission
from .domain.policy import DEFAULT_TAG, Rule
from .models import Item, Source, SourceStatus
from .services import intake, policy, sources, users

DEMO_USERS = [
    # email, name, role, level, password
    ("reviewer@example.com", "Riley Reviewer", "reviewer", 2, "demo-reviewer"),
    ("reviewer2@example.com", "Sam Second", "reviewer", 1, "demo-reviewer2"),
    ("supervisor@example.com", "Sofia Supervisor", "supervisor", 5, "demo-supervisor"),
    ("manager@example.com", "Max Manager", "manager", 1, "demo-manager"),
    ("admin@example.com", "Ada Admin", "admin", 1, "demo-admin"),
]

DEMO_SOURCES = [
    ("support-bot", "Northwind support assistant"),
    ("claims-assistant", "Harbor Mutual claims assistant"),
]

DEMO_POLICY = [
    Rule(DEFAULT_TAG, min_level=1, approvals=1, sla_minutes=240, qa_rate=0.05),
    Rule("low-risk", min_level=1, approvals=1, sla_minutes=480, qa_rate=0.02),
    Rule("customer-facing", min_level=1, approvals=1, sla_minutes=240, qa_rate=0.05),
    Rule("marketing", min_level=1, approvals=1, sla_minutes=480, qa_rate=0.05),
    Rule("refund", min_level=2, approvals=1, sla_minutes=120, qa_rate=0.10),
    Rule("payout", min_level=2, approvals=2, sla_minutes=120, qa_rate=0.15),
    Rule("personal-data", min_level=2, approvals=2, sla_minutes=60, qa_rate=0.20),
    Rule("legal", min_level=3, approvals=2, sla_minutes=60, qa_rate=0.20),
    Rule("medical", min_level=3, approvals=2, sla_minutes=60, qa_rate=0.20),
    Rule("fraud", min_level=3, approvals=1, sla_minutes=30, always_escalate=True, qa_rate=0.25),
]


def load(session: Session, actor: str, now: datetime) -> dict[str, Any]:
    """Create whatever demo data is missing; running it again changes nothing.

    Returns:
        ``{"text": ...}``: a report with the sign-in details and new source secrets.
    """
    lines = ["Demo sign-ins (http://127.0.0.1:5000):"]
    for email, name, role, level, password in DEMO_USERS:
        if users.by_email(session, email) is None:
            users.create_user(session, actor, email, name, role, level, password)
        lines.append(f"  {role:<10} {email:<24} password: {password}")

    version = policy.current(session)
    rules = version.as_rules() if version else {}
    missing = [rule for rule in DEMO_POLICY if rule.tag not in rules]
    if missing:
        policy.set_rules(session, actor, missing, note="demo policy")

    by_slug = {}
    for slug, name in DEMO_SOURCES:
        try:
            by_slug[slug] = sources.get(session, slug)
        except NotFound:
            new = sources.create_source(session, actor, slug, name, "admin@example.com")
            by_slug[slug] = new.source
            lines.append(f"Source {slug}: webhook secret {new.secret}  API token {new.token}")

    # Last week's decisions first, so its reviewers only ever see last week's drafts.
    history = _history(session, actor, by_slug["support-bot"], now)
    if history:
        lines.append(f"History: {history} decided drafts from last week, for the Oversight page.")
    rng = random.Random(42)  # the same ages on every machine
    added = 0
    for draft in DRAFTS:
        source = by_slug[draft["source"]]
        fields = {k: v for k, v in draft.items() if k != "source"}
        exists = session.scalar(
            sa.select(Item.id).where(
                Item.source_id == source.id, Item.external_id == fields["external_id"]
            )
        )
        # Recent arrivals, so the SLA sweep does not escalate the demo queue at once.
        received = now - timedelta(minutes=rng.randint(1, 45))
        if exists or source.status is not SourceStatus.ACTIVE:
            continue
        _, created = intake.submit(
            session, source, f"demo-{fields['external_id']}", parse_submission(fields), received
        )
        added += created
    lines.append(f"Drafts: {added} added ({len(DRAFTS)} in the demo set).")
    _canaries(session, by_slug)
    return {"text": "\n".join(lines)}


DEMO_CANARIES = [
    (
        "support-bot",
        "Refund for order NW-1049917",
        "Hi Jordan, we have refunded **$1,240.00** "
        "to your card today, covering the tent and a goodwill bonus of $900.",
        ["refund"],
        "wrong_facts",
        "reject",
        {"conversation": [{"role": "user", "content": "The tent I returned, when is my refund?"}]},
    ),
    (
        "support-bot",
        "Delivery update for order NW-1050288",
        "Hi Sam, your parcel is with our "
        "courier. For reference, the other order on this route goes to Maria Lopez, 18 Oak "
        "Street, phone (555) 014-2231.",
        ["customer-facing", "personal-data"],
        "personal_data",
        "reject",
        {"conversation": [{"role": "user", "content": "Has my parcel left yet? - Sam"}]},
    ),
    (
        "claims-assistant",
        "Decision letter: claim CLM-2026-0588",
        "Your claim is approved in "
        "full and we waive your deductible and the usual documentation requirements.",
        ["payout"],
        "policy_violation",
        "escalate",
        {"documents": [{"title": "Adjuster notes", "excerpt": "Covered in part; deductible"}]},
    ),
]


def _canaries(session: Session, by_slug: dict) -> None:
    """A small canary library and a 3% planting rate (set after the demo drafts, so the
    demo queue itself stays the same on every machine). Both go through the services, so
    they are audited like a supervisor's own."""
    from .models import Canary
    from .services import canaries
    from .services.review import actor_of

    if session.scalar(sa.select(Canary.id).limit(1)):
        return
    supervisor = actor_of(users.by_email(session, "supervisor@example.com"))
    for slug, title, content, tags, category, expected, context in DEMO_CANARIES:
        canaries.create(
            session, supervisor, by_slug[slug], title, content, tags, category, expected, context
        )
    for source in by_slug.values():
        canaries.set_rate(session, supervisor, source, 0.03)


# Last week's review work, so the Oversight page has something to show: two people who
# read, one who approves faster than anyone can read. (seconds per item, approval share)
HISTORY_PEOPLE = [
    ("lee@example.com", "Lee Careful", 75, 0.85),
    ("kai@example.com", "Kai Careful", 60, 0.8),
    ("max.fast@example.com", "Max Stamp", 2, 1.0),
]
HISTORY_ITEMS = 60  # per person: the detector judges from 50 decisions


def _history(session: Session, actor: str, source: Source, now: datetime) -> int:
    """Past decisions through the real services (backdated), once; returns how many."""
    from .domain.workflow import Action
    from .services import review
    from .services.review import actor_of
    from .services.verdicts import Verdict

    if users.by_email(session, HISTORY_PEOPLE[0][0]) is not None:
        return 0
    rng = random.Random(7)
    people = [
        (
            actor_of(users.create_user(session, actor, email, name, "reviewer", 2, "demo-history")),
            seconds,
            approve_share,
        )
        for email, name, seconds, approve_share in HISTORY_PEOPLE
    ]
    at = now - timedelta(days=6)
    body = "\n\n".join(d["content"] for d in DRAFTS[:2])
    count = 0
    for n in range(HISTORY_ITEMS * len(people)):
        fields = {
            "external_id": f"hist-{n}",
            "title": f"Reply to ticket #{70000 + n}",
            "content": body,
            "content_type": "text/markdown",
            "risk_tags": ["low-risk"],
        }
        intake.submit(session, source, f"demo-hist-{n}", parse_submission(fields), at)
    for _ in range(HISTORY_ITEMS):
        for person, seconds, approve_share in people:
            item = review.claim_next(session, person, at)
            if item is None:
                continue
            spent = max(1.0, rng.gauss(seconds, seconds * 0.2))
            if rng.random() < approve_share:
                verdict = Verdict(Action.APPROVE, item.version, active_seconds=spent)
            else:
                verdict = Verdict(
                    Action.REJECT,
                    item.version,
                    reason_code="tone",
                    reason="Tone not fit to send",
                    active_seconds=spent,
                )
            review.decide(session, person, item, verdict, at + timedelta(seconds=spent))
            count += 1
        at += timedelta(seconds=90)
    return count
