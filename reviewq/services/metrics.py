"""What ``GET /metrics`` tells Prometheus, read from the database at scrape time.

Nothing is counted in a web process's memory, so any of several gunicorn workers (or web
servers) answers a scrape with the same figures. The one figure the database does not hold,
drafts refused at intake by reason, is counted in Redis (``HINCRBY``, shared by every
process); in embedded mode (no Redis: one process) it is counted in this process.

Each figure is one SQL aggregate over an index: the queue by source and level (the partial
queue index), decisions by action, open escalations by level, callbacks pending or failed,
and the verdicts of the newest oversight run.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

import sqlalchemy as sa
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.orm import Session

from ..domain.workflow import ItemStatus
from ..models import Decision, Delivery, Escalation, Item, OversightResult, OversightRun, Source
from ..models.delivery import DeliveryStatus
from .oversight import DEFAULT_WINDOW

REFUSALS_KEY = "reviewq:metrics:intake-refused"
SLA_REASON = "SLA breached"  # the reason the sweep gives the escalations it opens
_local_refusals: Counter[str] = Counter()
_local_lock = threading.Lock()


def count_refusal(redis: Redis | None, reason: str) -> None:
    """Count a draft refused at intake; never fails the request that refused it."""
    if redis is None:
        with _local_lock:
            _local_refusals[reason] += 1
        return
    with contextlib.suppress(RedisError):  # a lost count is better than a lost answer
        redis.hincrby(REFUSALS_KEY, reason, 1)


def refusals(redis: Redis | None) -> dict[str, int]:
    """Drafts refused at intake so far, by reason (Redis: since Redis last lost its data)."""
    if redis is None:
        with _local_lock:
            return dict(_local_refusals)
    raw = redis.hgetall(REFUSALS_KEY)
    return {
        (key.decode() if isinstance(key, bytes) else key): int(value) for key, value in raw.items()
    }


class Scrape:
    """One scrape's metric families (``prometheus_client.generate_latest`` reads ``collect``)."""

    def __init__(self, session: Session, now: datetime, refused: dict[str, int]) -> None:
        self.session, self.now, self.refused = session, now, refused

    def collect(self) -> Iterator[Metric]:
        yield from self._queue()
        yield from self._decisions()
        yield from self._escalations()
        yield self._deliveries()
        yield self._flags()
        yield from self._intake()

    def _slugs(self) -> dict[int, str]:
        return {id_: slug for id_, slug in self.session.execute(sa.select(Source.id, Source.slug))}

    def _queue(self) -> Iterator[Metric]:
        depth = GaugeMetricFamily(
            "reviewq_queue_depth",
            "Drafts waiting in the queue, by the authority level they need and their source.",
            labels=["level", "source"],
        )
        oldest = GaugeMetricFamily(
            "reviewq_queue_oldest_age_seconds",
            "Age of the oldest draft waiting at each authority level.",
            labels=["level"],
        )
        rows = self.session.execute(
            sa.select(Item.source_id, Item.min_level, sa.func.count(), sa.func.min(Item.created_at))
            .where(Item.status == ItemStatus.QUEUED)
            .group_by(Item.source_id, Item.min_level)
        ).all()
        slugs = self._slugs()
        first: dict[int, datetime] = {}
        for source_id, level, count, created in rows:
            depth.add_metric([str(level), slugs.get(source_id, str(source_id))], count)
            if level not in first or created < first[level]:
                first[level] = created
        for level, created in sorted(first.items()):
            oldest.add_metric([str(level)], max(0.0, (self.now - created).total_seconds()))
        yield depth
        yield oldest
        in_review = self.session.scalar(
            sa.select(sa.func.count()).where(Item.status == ItemStatus.IN_REVIEW)
        )
        yield GaugeMetricFamily(
            "reviewq_items_in_review", "Drafts a reviewer holds right now.", value=in_review or 0
        )

    def _decisions(self) -> Iterator[Metric]:
        family = CounterMetricFamily(
            "reviewq_decisions", "Decisions taken, by action.", labels=["action"]
        )
        rows = self.session.execute(
            sa.select(sa.type_coerce(Decision.action, sa.String), sa.func.count())
            .group_by(Decision.action)
            .order_by(Decision.action)
        ).all()
        for action, count in rows:
            family.add_metric([str(action)], count)
        yield family

    def _escalations(self) -> Iterator[Metric]:
        open_ = GaugeMetricFamily(
            "reviewq_escalations_open", "Escalations not resolved yet, by level.", labels=["level"]
        )
        rows = self.session.execute(
            sa.select(Escalation.level, sa.func.count())
            .where(Escalation.resolved_at.is_(None))
            .group_by(Escalation.level)
            .order_by(Escalation.level)
        ).all()
        for level, count in rows:
            open_.add_metric([str(level)], count)
        yield open_
        breaches = self.session.scalar(
            sa.select(sa.func.count()).where(Escalation.reason == SLA_REASON)
        )
        yield CounterMetricFamily(
            "reviewq_sla_breaches",
            "Drafts escalated because their SLA ran out before a decision.",
            value=breaches or 0,
        )

    def _deliveries(self) -> Metric:
        family = GaugeMetricFamily(
            "reviewq_callbacks",
            "Decision callbacks still to deliver (pending) or given up on (failed).",
            labels=["status"],
        )
        wanted = [DeliveryStatus.PENDING, DeliveryStatus.FAILED]
        counts: dict[str, int] = {
            status: count
            for status, count in self.session.execute(
                sa.select(sa.type_coerce(Delivery.status, sa.String), sa.func.count())
                .where(Delivery.status.in_(wanted))
                .group_by(Delivery.status)
            )
        }
        for status in wanted:
            family.add_metric([status.value], counts.get(status.value, 0))
        return family

    def _flags(self) -> Metric:
        family = GaugeMetricFamily(
            "reviewq_oversight_flagged_reviewers",
            f"Reviewers the newest oversight run ({DEFAULT_WINDOW}-day window) flags, by kind.",
            labels=["verdict"],
        )
        newest = (
            sa.select(OversightRun.id)
            .where(OversightRun.window_days == DEFAULT_WINDOW)
            .order_by(OversightRun.computed_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        counts: dict[str, int] = {
            verdict: count
            for verdict, count in self.session.execute(
                sa.select(OversightResult.verdict, sa.func.count())
                .where(OversightResult.run_id == newest)
                .group_by(OversightResult.verdict)
            )
        }
        for verdict in ("individual", "conditions"):
            family.add_metric([verdict], counts.get(verdict, 0))
        return family

    def _intake(self) -> Iterator[Metric]:
        accepted = CounterMetricFamily(
            "reviewq_intake_accepted", "Drafts accepted at intake, by source.", labels=["source"]
        )
        rows = self.session.execute(
            sa.select(Item.source_id, sa.func.count())
            .where(Item.canary_id.is_(None))
            .group_by(Item.source_id)
        ).all()
        slugs = self._slugs()
        for source_id, count in rows:
            accepted.add_metric([slugs.get(source_id, str(source_id))], count)
        yield accepted
        refused = CounterMetricFamily(
            "reviewq_intake_refused", "Drafts refused at intake, by reason.", labels=["reason"]
        )
        for reason, count in sorted(self.refused.items()):
            refused.add_metric([reason], count)
        yield refused
