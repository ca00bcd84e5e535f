"""Review steps for service tests: claim, a verdict on an item's current version, decide.

Each step commits, as the request that would run it does.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from reviewq.domain.authority import Actor
from reviewq.domain.workflow import Action
from reviewq.extensions import db
from reviewq.models import Decision, Item
from reviewq.services import review
from reviewq.services.review import QueueFilter, Verdict
from tests.support.clock import NOW

ANY = QueueFilter()


def claim(actor: Actor, at: datetime = NOW, where: QueueFilter = ANY) -> Item | None:
    """Review next as ``actor``: the item claimed, or None when nothing is left."""
    item = review.claim_next(db.session, actor, at, where)
    db.session.commit()
    return item


def verdict(item: Item, action: str, **fields: Any) -> Verdict:
    """A verdict of ``action`` on ``item``'s current version."""
    return Verdict(action=Action(action), version=item.version, **fields)


def decide(
    actor: Actor, item: Item, action: str, at: datetime = NOW + timedelta(seconds=30), **fields: Any
) -> Decision:
    """Decide ``item`` as ``actor`` (who holds its claim)."""
    decision = review.decide(db.session, actor, item, verdict(item, action, **fields), at)
    db.session.commit()
    return decision
