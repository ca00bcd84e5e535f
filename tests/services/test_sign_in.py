"""Signing in: the throttle that slows guessing without locking colleagues out, and an answer
that takes as long for an unknown email as for a known one."""

import statistics
import threading
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from reviewq.domain.authority import Actor
from reviewq.domain.errors import TooManyAttempts
from reviewq.extensions import db
from reviewq.models import LoginThrottle, User
from reviewq.services import auth, sweep, users
from tests.support.clock import NOW

LIFETIME = timedelta(hours=10)
DESK = "198.51.100.7"  # where Rita works
RIGHT, WRONG = "correct-horse-1", "wrong-guess-77"


@pytest.fixture
def rita(ctx) -> User:
    user = users.create_user(
        db.session,
        Actor.system("test"),
        "rita@example.com",
        "Rita",
        "reviewer",
        2,
        "correct-horse-1",
    )
    db.session.commit()
    return user


def attempt(password: str, ip: str, at: datetime = NOW, email: str = "rita@example.com"):
    """One sign-in as the login page makes it: the token, None (wrong), or the refusal."""
    try:
        token = auth.sign_in(db.session, email, password, ip, at, LIFETIME)
    except TooManyAttempts as exc:
        db.session.rollback()
        return exc
    db.session.commit()
    return token


def test_guessing_from_one_address_does_not_lock_her_out_from_another(rita) -> None:
    for _ in range(5):
        assert attempt(WRONG, "203.0.113.9") is None
    assert isinstance(attempt(RIGHT, "203.0.113.9"), TooManyAttempts)  # that address waits
    assert isinstance(attempt(RIGHT, DESK), str)  # Rita, at her desk, gets in


def test_an_address_and_account_pair_waits_fifteen_minutes(rita) -> None:
    for _ in range(5):
        assert attempt(WRONG, "203.0.113.9") is None
    refused = attempt(RIGHT, "203.0.113.9", NOW + timedelta(minutes=14))
    assert isinstance(refused, TooManyAttempts) and refused.retry_after_seconds <= 61
    assert isinstance(attempt(RIGHT, "203.0.113.9", NOW + timedelta(minutes=15)), str)


def test_guessing_from_many_addresses_slows_the_account_down_but_never_locks_it(rita) -> None:
    assert isinstance(attempt(RIGHT, DESK, NOW - timedelta(days=3)), str)  # her usual address
    for n in range(10):  # a spread-out guesser gets a few tries for free
        assert attempt(WRONG, f"203.0.113.{n}") is None
    assert attempt(WRONG, "203.0.113.10") is None
    refused = attempt(WRONG, "203.0.113.11")  # then each further guess waits, longer and longer
    assert isinstance(refused, TooManyAttempts) and 0 < refused.retry_after_seconds <= 3
    assert isinstance(attempt(RIGHT, DESK), str)  # where she signed in before: no wait
    at, waits = NOW, []
    for n in range(12, 40):
        result = attempt(WRONG, f"203.0.113.{n}", at)
        if isinstance(result, TooManyAttempts):
            waits.append(result.retry_after_seconds)
            at += timedelta(seconds=result.retry_after_seconds)
    assert waits and max(waits) <= 61  # a colleague elsewhere waits a minute at most
    assert at - NOW > timedelta(minutes=5)  # while the guesser is slowed down


def test_unknown_and_known_emails_take_as_long(rita, monkeypatch) -> None:
    """Unknown emails run the same password hash (against a dummy), so the time of the
    answer does not tell which emails have accounts."""
    monkeypatch.setattr(User, "password_method", "pbkdf2:sha256:300000")
    users.create_user(
        db.session, Actor.system("test"), "slow@example.com", "Slow", "reviewer", 1, RIGHT
    )
    db.session.commit()

    def seconds(email: str, ip: str) -> float:
        start = time.perf_counter()
        assert attempt(WRONG, ip, email=email) is None
        return time.perf_counter() - start

    seconds("ghost@example.com", "192.0.2.99")  # the first one may make the dummy hash
    known = statistics.median(seconds("slow@example.com", f"192.0.2.{n}") for n in range(3))
    unknown = statistics.median(seconds("ghost@example.com", f"192.0.2.{n}") for n in range(3))
    assert known > 0.05  # the hash is what takes the time here
    assert unknown > 0.6 * known


@pytest.mark.postgres_only
def test_parallel_guesses_cannot_slip_past_the_limit(make_app, database_url, monkeypatch) -> None:
    """Eight wrong guesses at once, one short of the lock: exactly one gets a verdict."""
    monkeypatch.setattr(User, "password_method", "pbkdf2:sha256:50000")  # a real gap to race
    app = make_app(
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 8, "max_overflow": 0, "pool_timeout": 10},
    )
    with app.app_context():
        users.create_user(
            db.session, Actor.system("test"), "rita@example.com", "Rita", "reviewer", 2, RIGHT
        )
        db.session.commit()
        for _ in range(4):
            assert attempt(WRONG, "203.0.113.9") is None
        db.session.remove()

    barrier = threading.Barrier(8)
    results: list[object] = []

    def guess() -> None:
        with app.app_context():
            barrier.wait()
            results.append(attempt(WRONG, "203.0.113.9"))
            db.session.remove()

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8
    assert sum(r is None for r in results) == 1
    assert all(isinstance(r, TooManyAttempts) for r in results if r is not None)


def test_the_sweep_forgets_counters_a_day_old(rita) -> None:
    for _ in range(5):
        assert attempt(WRONG, "203.0.113.9") is None
    sweep.run(db.session, NOW + timedelta(hours=1))
    counters = sa.select(sa.func.count()).select_from(LoginThrottle)
    assert db.session.scalar(counters) == 3  # account, address and the two together
    sweep.run(db.session, NOW + timedelta(days=1, minutes=1))
    assert db.session.scalar(counters) == 0
