"""Planting canaries so that nobody can tell them from the real drafts around them.

How a canary gets planted:

1. When a real draft arrives, ``schedule`` decides at the source's rate whether a canary
   follows it, and records a pending plant due a random few seconds to minutes later
   (``lookalike.plant_delay``). Nothing is planted yet, so the canary is never next to
   the draft that triggered it and never arrives at the same moment.
2. The source's next draft after the due time (before that draft is stored), or the
   periodic sweep when the source is quiet, takes the due plants (``take_due``). Each gets
   an arrival time strictly between its due time (or the newest item, if later) and now,
   so item ids and arrival times stay in the same order. Both paths run in embedded mode,
   on Redis, and in tests (which pass the clock). Until the source has sent
   ``MIN_HISTORY`` drafts, its plants wait: there is no shape to follow yet.
3. The plant's canary is drawn from the source's active library, never the one planted
   last when there are two or more. Its draft takes the canary's title, text, tags and
   context, and an external_id, webhook-id, metadata and context layout shaped like the
   source's recent real drafts (``domain.lookalike``), with fresh ids that no item of the
   source has; intake stores it like any draft (``planted`` records the link and audit).

The source never hears of a canary: it is never called back, its ids are not the source's
(a source may send the same external_id as a new draft), and the pull API answers for it
as for an unknown id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from ..domain import lookalike
from ..domain.intake import EXTERNAL_ID, Submission
from ..models import Canary, CanaryPlant, Item, Source, SourceStatus
from . import audit

RECENT = 40  # real drafts whose shape a canary follows
# Fewer real drafts than this and a constant (a model name) cannot be told from a value
# that names one draft: the source's plants wait until it has sent this many.
MIN_HISTORY = 10
_rng = random.SystemRandom()


@dataclass(frozen=True)
class Plant:
    """A canary to store now: the pending row, the library entry and the draft carrying it."""

    row: CanaryPlant
    canary: Canary
    draft: Submission
    webhook_id: str
    at: datetime  # its arrival time


def schedule(session: Session, real: Item, now: datetime) -> CanaryPlant | None:
    """After a real draft arrives, decide at the source's rate whether a canary follows.

    Args:
        session: the caller's session.
        real: the real draft that just arrived.
        now: its arrival time.

    Returns:
        The pending plant, or None (no plant this time, or an empty library).
    """
    source = real.source
    if real.canary_id is not None or source.canary_rate <= 0 or _rng.random() >= source.canary_rate:
        return None
    if not _library(session, source):
        return None
    plant = CanaryPlant(
        source_id=source.id,
        trigger_item_id=real.id,
        due_at=now + lookalike.plant_delay(_rng),
        created_at=now,
    )
    session.add(plant)
    session.flush()
    audit.record(
        session,
        "system",
        "canary.scheduled",
        f"source:{source.slug}",
        {"plant": plant.id, "due_at": plant.due_at.isoformat()},
        at=now,
    )
    return plant


def sources_due(session: Session, now: datetime) -> list[Source]:
    """The active sources with a plant due (for the sweep)."""
    due = sa.select(CanaryPlant.source_id).where(
        CanaryPlant.done_at.is_(None), CanaryPlant.due_at <= now
    )
    return list(
        session.scalars(
            sa.select(Source)
            .where(Source.id.in_(due), Source.status == SourceStatus.ACTIVE)
            .order_by(Source.id)
        )
    )


def take_due(session: Session, source: Source, now: datetime) -> list[Plant]:
    """The source's plants due by ``now``, each with its canary and draft, marked done.

    Rows are locked with ``SKIP LOCKED`` (PostgreSQL), so two intakes never take one plant.

    Args:
        session: the caller's session.
        source: the source whose drafts the canaries join.
        now: the current time.

    Returns:
        The plants for intake to store, in due order (none when nothing is due, or while
        the source has sent fewer than ``MIN_HISTORY`` drafts; a plant whose library
        emptied since is marked done without an item).
    """
    rows = session.scalars(
        sa.select(CanaryPlant)
        .where(
            CanaryPlant.source_id == source.id,
            CanaryPlant.done_at.is_(None),
            CanaryPlant.due_at <= now,
        )
        .order_by(CanaryPlant.due_at, CanaryPlant.id)
        .with_for_update(skip_locked=True)
    ).all()
    if not rows:
        return []
    recent = _recent(session, source)
    if len(recent) < MIN_HISTORY:
        return []
    library = {c.id: c for c in _library(session, source)}
    last = _last_planted(session, source)
    newest = session.scalar(sa.select(Item.created_at).order_by(Item.id.desc()).limit(1))
    used: set[str] = set()
    plants = []
    for row in rows:
        row.done_at = now
        if not library:
            continue
        canary = library[lookalike.choose(list(library), last, _rng)]
        at = lookalike.arrival_between(max(row.due_at, newest or row.due_at), now, _rng)
        if newest is not None and at <= newest:  # no room left before now: ids follow time
            at = newest + timedelta(microseconds=1)
        row.canary_id, last, newest = canary.id, canary.id, at
        draft = _draft(session, source, canary, recent, used)
        webhook_id = _fresh(session, source, Item.webhook_id, [i.webhook_id for i in recent], used)
        plants.append(Plant(row, canary, draft, webhook_id, at))
    session.flush()
    return plants


def planted(session: Session, plant: Plant, item: Item) -> None:
    """Link the plant to the item intake stored for it, and audit the planting."""
    plant.row.item_id = item.id
    session.flush()
    audit.record(
        session,
        "system",
        "canary.planted",
        f"item:{item.id}",
        {"canary": plant.canary.id, "plant": plant.row.id},
        at=plant.at,
    )


def _library(session: Session, source: Source) -> list[Canary]:
    return list(
        session.scalars(
            sa.select(Canary)
            .where(Canary.source_id == source.id, Canary.active.is_(True))
            .order_by(Canary.id)
        )
    )


def _recent(session: Session, source: Source) -> list[Item]:
    """The source's latest real drafts: the shapes a canary follows."""
    return list(
        session.scalars(
            sa.select(Item)
            .where(Item.source_id == source.id, Item.canary_id.is_(None))
            .order_by(Item.id.desc())
            .limit(RECENT)
        )
    )


def _last_planted(session: Session, source: Source) -> int | None:
    return session.scalar(
        sa.select(CanaryPlant.canary_id)
        .where(CanaryPlant.source_id == source.id, CanaryPlant.item_id.is_not(None))
        .order_by(CanaryPlant.item_id.desc())
        .limit(1)
    )


def _draft(
    session: Session, source: Source, canary: Canary, recent: list[Item], used: set[str]
) -> Submission:
    """The canary's draft: its own words, the source's shapes, fresh ids."""
    template = _rng.choice(recent)
    return Submission(
        external_id=_fresh(
            session, source, Item.external_id, [i.external_id for i in recent], used
        ),
        title=canary.title,
        content=canary.content,
        content_type=template.content_type,
        risk_tags=list(canary.risk_tags),
        context=lookalike.context_like([i.context for i in recent], canary.context, _rng),
        metadata=lookalike.metadata_like([i.meta for i in recent], canary.title, _rng),
    )


def _fresh(
    session: Session,
    source: Source,
    column: InstrumentedAttribute[str],
    samples: list[str],
    used: set[str],
) -> str:
    """An id shaped like ``samples`` that none of the source's items (canaries included)
    has in ``column``, nor one planted in the same batch (``used``, updated)."""
    for attempt in range(6):
        if attempt == 4:  # every id shaped like the source's is taken: a tiny id space
            samples = [s + s[-1] for s in samples]
        candidates = [
            c
            for c in lookalike.identifier_candidates(samples, _rng, loose=attempt >= 2)
            if EXTERNAL_ID.fullmatch(c) and c not in used
        ]
        taken = set(
            session.scalars(
                sa.select(column).where(Item.source_id == source.id, column.in_(candidates))
            )
        )
        free = [c for c in candidates if c not in taken]
        if free:
            used.add(free[0])
            return free[0]
    return f"{_rng.getrandbits(64):016x}"  # ids no id-like shape can follow
