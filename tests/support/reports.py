"""Rows for the report tests, written straight into the tables with the times a fixture
needs (the services that make them always stamp the current time)."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from typing import Any

from reviewq.domain.authority import Actor
from reviewq.domain.workflow import Action, ItemStatus
from reviewq.extensions import db
from reviewq.models import Decision, Escalation, Item, Source, User
from reviewq.services import sources, users

_ids = itertools.count(1)


class History:
    """Makes sources, people, items and decisions at given times."""

    def __init__(self) -> None:
        system = Actor.system("test")
        self.owner = users.create_user(
            db.session, system, "owner@example.com", "Owner", "admin", 1, "owner-password-long"
        )
        db.session.flush()
        self.system = system

    def source(self, slug: str) -> Source:
        new = sources.create_source(
            db.session, self.system, slug, slug.title(), self.owner.email, None
        )
        db.session.flush()
        return db.session.get_one(Source, new.source.id)

    def person(self, email: str, role: str = "reviewer") -> User:
        user = users.create_user(
            db.session, self.system, email, email.split("@")[0], role, 1, "a-password-long"
        )
        db.session.flush()
        return user

    def item(
        self,
        source: Source,
        created: datetime,
        *,
        decided: datetime | None = None,
        status: ItemStatus | None = None,
        tags: tuple[str, ...] = ("refund",),
        level: int = 1,
        sla_minutes: int = 60,
        words: int = 100,
        model: str | None = "m-1",
        canary_id: int | None = None,
    ) -> Item:
        n = next(_ids)
        meta: dict[str, Any] = {"model": model} if model else {}
        if status is None:
            status = ItemStatus.APPROVED if decided else ItemStatus.QUEUED
        item = Item(
            source_id=source.id,
            external_id=f"x-{n}",
            webhook_id=f"w-{n}",
            title=f"Draft {n}",
            content="word " * words,
            words=words,
            content_type="text/plain",
            context={},
            meta=meta,
            risk_tags=list(tags),
            unknown_tags=[],
            min_level=level,
            approvals_required=1,
            sla_minutes=sla_minutes,
            always_escalate=False,
            qa_rate=0.0,
            routing_reason=[],
            due_at=created + timedelta(minutes=sla_minutes),
            status=status,
            decided_at=decided,
            created_at=created,
            updated_at=created,
            canary_id=canary_id,
        )
        db.session.add(item)
        db.session.flush()
        return item

    def decision(
        self,
        item: Item,
        user: User,
        action: Action,
        opened: datetime,
        seconds: float,
        *,
        active: float | None = None,
        reason_code: str | None = None,
        edit_chars: int | None = None,
    ) -> Decision:
        row = Decision(
            item_id=item.id,
            user_id=user.id,
            action=action,
            item_version=1,
            opened_at=opened,
            decided_at=opened + timedelta(seconds=seconds),
            active_seconds=active,
            reason_code=reason_code,
            edit_chars=edit_chars,
        )
        db.session.add(row)
        db.session.flush()
        return row

    def escalation(self, item: Item, raised: datetime, resolved: datetime | None) -> Escalation:
        row = Escalation(
            item_id=item.id,
            reason="unsure",
            raised_at=raised,
            level=1,
            level_since=raised,
            resolved_at=resolved,
            outcome="approve" if resolved else None,
        )
        db.session.add(row)
        db.session.flush()
        return row
