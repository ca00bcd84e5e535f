"""The live decisions as a decision log (DESIGN section 6), streamed: plain rows, fetched in
chunks from a server-side cursor and written as they come, so a million decisions take the
memory of one chunk, not of a million ORM objects."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import TextIO

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..domain.oversight import DecisionRecord, RecordError
from ..models import Canary, Decision, Item, QaReview, Source, User
from .oversight import ACTIONS, log_line

log = logging.getLogger(__name__)
CHUNK = 2000  # rows a fetch brings from the server cursor


def decision_log(session: Session, since: datetime) -> Iterator[dict[str, object]]:
    """Every reviewer decision since ``since`` in the decision-log shape, in the order they
    were decided (the same lines as ``oversight.records`` with ``oversight.log_line``).

    A row the log format refuses (e.g. a clock that ran backwards) is logged and left out.
    """
    rows = session.execute(
        sa.select(
            Decision.id,
            Decision.action,
            Decision.content_before,
            Decision.opened_at,
            Decision.decided_at,
            Decision.active_seconds,
            Decision.reason,
            Decision.edit_chars,
            Item.id.label("item_id"),
            Item.content,
            Item.risk_tags,
            Item.canary_id,
            Source.slug,
            User.email,
            Canary.expected,
            QaReview.agrees,
        )
        .join(Item, Item.id == Decision.item_id)
        .join(Source, Source.id == Item.source_id)
        .join(User, User.id == Decision.user_id)
        .outerjoin(Canary, Canary.id == Item.canary_id)
        .outerjoin(QaReview, sa.and_(QaReview.item_id == Item.id, QaReview.done_at.is_not(None)))
        .where(Decision.decided_at >= since, Decision.action.in_(list(ACTIONS)))
        .order_by(Decision.decided_at)
        .execution_options(stream_results=True, yield_per=CHUNK)
    )
    for row in rows:
        action = ACTIONS[row.action]
        try:
            record = DecisionRecord(
                reviewer=row.email,
                item=str(row.item_id),
                source=row.slug,
                risk_tags=tuple(row.risk_tags),
                words=len((row.content_before or row.content).split()),
                action=action,
                edited=row.action == "edit",
                opened_at=row.opened_at,
                decided_at=row.decided_at,
                active_seconds=row.active_seconds,
                canary=row.canary_id is not None,
                canary_expected=row.expected,
                qa_agreed=row.agrees if action == "approve" else None,
                reason=row.reason,
                id=str(row.id),
                link=f"/items/{row.item_id}",
                edit_chars=row.edit_chars,
            )
        except RecordError as exc:
            log.warning("decision %s left out of the export: %s", row.id, exc)
            continue
        yield log_line(record)


def write(session: Session, since: datetime, out: TextIO) -> int:
    """Write the decision log since ``since`` to ``out``, a line per decision.

    Returns:
        How many decisions were written.
    """
    count = 0
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    for line in decision_log(session, since):
        out.write(dumps(line) + "\n")
        count += 1
    return count
