"""Weeks of past review work for the demo's Reports pages: two sources' drafts decided by two
careful reviewers over eight weeks, five to twelve weeks ago (older than the Oversight page's
28-day windows, so its demo verdicts stay as they are). In the last of those weeks the claims
assistant's drafts (a new model) are rejected far more often: the AI quality report marks it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from .domain.authority import Actor
from .domain.intake import parse_submission
from .domain.workflow import Action
from .models import Source
from .services import intake, review, users
from .services.verdicts import Verdict

REPORT_PEOPLE = [
    ("hana@example.com", "Hana Weekly", 55.0),
    ("omar@example.com", "Omar Weekly", 70.0),
]
WEEKS = 8
FIRST_DAY = 35  # the newest week starts this many days ago (and ends 30 days ago)
PER_WEEK = 24  # drafts per source and week
REASONS = ("factual_error", "tone", "policy_violation", "off_topic")


def load(
    session: Session, actor: Actor, by_slug: dict[str, Source], body: str, now: datetime
) -> int:
    """Submit and decide the weeks' drafts through the real services (backdated), once.

    Returns:
        How many drafts were decided (0 when the history is there already).
    """
    if users.by_email(session, REPORT_PEOPLE[0][0]) is not None:
        return 0
    people = [
        (users.create_user(session, actor, email, name, "reviewer", 2, "demo-weekly").actor, s)
        for email, name, s in REPORT_PEOPLE
    ]
    rng = random.Random(13)
    count = 0
    for week in range(WEEKS):
        start = now - timedelta(days=FIRST_DAY + 7 * (WEEKS - 1 - week))
        for slug, source in sorted(by_slug.items()):
            newest = week == WEEKS - 1
            reject_share = 0.45 if newest and slug == "claims-assistant" else 0.08
            model = "harbor-2026-10" if newest and slug == "claims-assistant" else f"{slug}-v1"
            times = sorted(rng.uniform(0, 5 * 24 * 3600) for _ in range(PER_WEEK))
            for k, offset in enumerate(times):
                at = start + timedelta(seconds=offset)
                fields = {
                    "external_id": f"weekly-{week}-{k}",
                    "title": f"Reply to case #{week * 100 + k}",
                    "content": body,
                    "content_type": "text/markdown",
                    "risk_tags": ["low-risk"],
                    "metadata": {"model": model},
                }
                webhook = f"demo-weekly-{slug}-{week}-{k}"
                intake.submit(session, source, webhook, parse_submission(fields), at)
                person, seconds = people[k % len(people)]
                item = review.claim_next(session, person, at)
                if item is None:
                    continue
                spent = max(5.0, rng.gauss(seconds, seconds * 0.2))
                roll = rng.random()
                if roll < reject_share:
                    verdict = Verdict(
                        Action.REJECT,
                        item.version,
                        reason_code=rng.choice(REASONS),
                        reason="Not fit to send",
                        active_seconds=spent,
                    )
                elif roll < reject_share + 0.1:
                    verdict = Verdict(
                        Action.EDIT,
                        item.version,
                        content=item.content + "\n\nKind regards, the support team",
                        active_seconds=spent,
                    )
                else:
                    verdict = Verdict(Action.APPROVE, item.version, active_seconds=spent)
                review.decide(session, person, item, verdict, at + timedelta(seconds=spent))
                count += 1
    return count
