"""Planted canaries look like the real drafts around them (over many plantings)."""

import json
import re
import uuid
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.intake import parse_submission
from reviewq.extensions import db
from reviewq.models import AuditEvent, Canary, CanaryPlant, Item, SourceStatus
from reviewq.services import canaries, intake, sources, sweep, users
from reviewq.services.planting import MIN_HISTORY
from tests.support.api import draft
from tests.support.clock import NOW

EVERY = timedelta(seconds=20)  # the source sends a draft every 20 s
SYSTEM_PROMPT = "You are the support assistant of Northwind. Draft a reply to the customer."
CANARY_TURN = [{"role": "user", "content": "Can I get my money back on the broken stove?"}]


@pytest.fixture
def bot(ctx, make_source):
    """A source with three canaries in its library, planting after every draft."""
    make_source("bot")
    src = sources.get(db.session, "bot")
    sup = (
        users.create_user(
            db.session, Actor.system("t"), "sue@example.com", "Sue", "supervisor", 5, "long-pw-ok"
        )
    ).actor
    for n in range(3):
        canaries.create(
            db.session,
            sup,
            src,
            f"Refund number {n}",
            f"We refund ${n},000 today.",
            ["refund"],
            "wrong_facts",
            "reject",
            context={"conversation": CANARY_TURN},
        )
    src.canary_rate = 1.0  # every draft schedules one (past the 20% cap: tests the mechanism)
    db.session.commit()
    return src


def real_draft(n: int) -> dict:
    """A draft as the bot sends them: ticket ids with gaps, a request id, its own chat."""
    return draft(
        external_id=f"ticket-{48000 + 3 * n + n % 2}",
        title=f"Reply to ticket {48000 + 3 * n}",
        context={
            "prompt": SYSTEM_PROMPT,
            "conversation": [{"role": "user", "content": f"Where is order NW-{1043000 + n}?"}],
        },
        metadata={
            "model": "gpt-4.1-mini" if n % 3 else "gpt-4.1",
            "confidence": round(0.5 + (n % 40) / 100, 2),
            "latency_ms": 1200 + 37 * n % 900,
            "request_id": f"req_{uuid.uuid4().hex[:12]}",
        },
    )


def history(src) -> None:
    """Ten earlier drafts (before any canary was due), so the source has a shape to follow."""
    rate, src.canary_rate = src.canary_rate, 0.0
    for k in range(MIN_HISTORY):
        arrive(src, 1000 + k, NOW - timedelta(hours=1) + k * EVERY)
    src.canary_rate = rate
    db.session.commit()


def arrive(src, n: int, at: datetime) -> Item:
    item, created = intake.submit(
        db.session, src, f"msg_{uuid.uuid4().hex}", parse_submission(real_draft(n)), at
    )
    db.session.commit()
    assert created
    return item


def test_two_hundred_canaries_look_like_their_neighbours(bot) -> None:
    reals = [arrive(bot, n, NOW + n * EVERY) for n in range(200)]
    end = NOW + 200 * EVERY + timedelta(hours=1)
    sweep.run(db.session, end)  # the last plants, after the source went quiet
    db.session.commit()

    items = db.session.scalars(sa.select(Item).order_by(Item.id)).all()
    planted = [i for i in items if i.canary_id is not None]
    plants = {p.item_id: p for p in db.session.scalars(sa.select(CanaryPlant))}
    assert len(planted) == len(plants) == 200
    real_ids = {i.external_id for i in reals}
    real_hooks = {i.webhook_id for i in reals}
    real_requests = {i.meta["request_id"] for i in reals}
    trigger = {i.id: i for i in reals}

    for canary in planted:
        # ids: the source's shape, fresh, and never one of its real ones
        assert re.fullmatch(r"ticket-48[0-9]{3}", canary.external_id)
        assert re.fullmatch(r"msg_[0-9a-f]{32}", canary.webhook_id)
        assert canary.external_id not in real_ids and canary.webhook_id not in real_hooks
        # metadata: the same keys and types, fresh ids, shared values only
        assert canary.meta.keys() == reals[0].meta.keys()
        assert {k: type(v) for k, v in canary.meta.items()} == {
            k: type(v) for k, v in reals[0].meta.items()
        }
        assert re.fullmatch(r"req_[0-9a-f]{12}", canary.meta["request_id"])
        assert canary.meta["request_id"] not in real_requests
        assert canary.meta["model"] in {"gpt-4.1-mini", "gpt-4.1"}
        assert 1200 <= canary.meta["latency_ms"] <= 2099
        # context: the canary's own conversation, the source's shared prompt and layout
        assert canary.context == {"prompt": SYSTEM_PROMPT, "conversation": CANARY_TURN}
        shown = json.dumps([canary.meta, canary.context, canary.title])
        assert "NW-" not in shown and not any(r in shown for r in real_ids)
        # time: later than its trigger, equal to no other item's arrival
        source_draft = trigger[plants[canary.id].trigger_item_id]
        assert canary.created_at > source_draft.created_at
    assert len({c.external_id for c in planted}) == 200
    arrivals = [i.created_at for i in items]
    assert arrivals == sorted(arrivals) and len(set(arrivals)) == len(arrivals)  # ids follow time

    # never next to its trigger every time, and never the same canary twice in a row
    gaps = [c.id - plants[c.id].trigger_item_id for c in planted]
    assert sum(g == 1 for g in gaps) < 150 and len(set(gaps)) > 5
    kinds = [c.canary_id for c in planted]
    assert all(a != b for a, b in zip(kinds, kinds[1:], strict=False))
    assert db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.action == "canary.planted")
    ) == len(planted)


def test_the_sweep_plants_a_due_canary_when_the_source_is_quiet(bot) -> None:
    history(bot)
    real = arrive(bot, 1, NOW)
    plant = db.session.scalar(sa.select(CanaryPlant))
    assert plant.trigger_item_id == real.id and plant.due_at >= NOW + timedelta(seconds=5)
    assert sweep.run(db.session, NOW + timedelta(seconds=4))["canaries_planted"] == 0
    later = NOW + timedelta(minutes=11)
    assert sweep.run(db.session, later)["canaries_planted"] == 1
    assert sweep.run(db.session, later)["canaries_planted"] == 0  # once
    db.session.commit()
    canary = db.session.get(Item, plant.item_id)
    assert plant.due_at < canary.created_at < later and plant.done_at == later


def test_the_next_draft_after_the_due_time_brings_the_canary_first(bot) -> None:
    history(bot)
    arrive(bot, 1, NOW)
    due = db.session.scalar(sa.select(CanaryPlant.due_at))
    second = arrive(bot, 2, due + timedelta(seconds=1))
    canary = db.session.scalar(sa.select(Item).where(Item.canary_id.is_not(None)))
    assert canary.id < second.id and due < canary.created_at < second.created_at


def test_a_paused_source_gets_no_canary_until_it_is_active_again(bot) -> None:
    history(bot)
    arrive(bot, 1, NOW)
    bot.status = SourceStatus.PAUSED
    db.session.commit()
    assert sweep.run(db.session, NOW + timedelta(hours=1))["canaries_planted"] == 0
    bot.status = SourceStatus.ACTIVE
    assert sweep.run(db.session, NOW + timedelta(hours=2))["canaries_planted"] == 1


def test_a_plant_whose_library_emptied_is_dropped(bot) -> None:
    history(bot)
    arrive(bot, 1, NOW)
    for canary in db.session.scalars(sa.select(Canary)):
        canary.active = False
    db.session.commit()
    assert sweep.run(db.session, NOW + timedelta(hours=1))["canaries_planted"] == 0
    plant = db.session.scalar(sa.select(CanaryPlant))
    assert plant.done_at is not None and plant.item_id is None


def test_one_canary_in_the_library_may_follow_itself(bot) -> None:
    history(bot)
    keep = db.session.scalars(sa.select(Canary.id)).first()
    for canary in db.session.scalars(sa.select(Canary)):
        canary.active = canary.id == keep
    db.session.commit()
    for n in range(3):
        arrive(bot, n, NOW + n * timedelta(minutes=15))
    sweep.run(db.session, NOW + timedelta(hours=2))
    kinds = db.session.scalars(sa.select(Item.canary_id).where(Item.canary_id.is_not(None)))
    assert list(kinds) == [keep] * 3


def test_plants_wait_until_the_source_has_a_history_to_imitate(bot) -> None:
    for n in range(MIN_HISTORY - 1):
        arrive(bot, n, NOW + n * EVERY)
    later = NOW + timedelta(hours=1)
    assert sweep.run(db.session, later)["canaries_planted"] == 0
    arrive(bot, MIN_HISTORY, later)  # the tenth draft: a shape to follow from now on
    planted = sweep.run(db.session, later + timedelta(hours=1))["canaries_planted"]
    assert planted == MIN_HISTORY  # every draft's, none lost while waiting


def test_no_rate_no_plant(bot) -> None:
    bot.canary_rate = 0.0
    db.session.commit()
    arrive(bot, 1, NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CanaryPlant)) == 0
