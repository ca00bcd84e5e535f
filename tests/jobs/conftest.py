"""Fixtures for the job tests: a verifying webhook receiver, apps on a real Redis (a
database number of its own, flushed around each test) and the people who decide."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from flask import Flask
from redis import Redis

from reviewq.domain.authority import Actor
from reviewq.extensions import db
from reviewq.services import users
from tests.conftest import IsolatedClient
from tests.jobs.support import Harness, Receiver
from tests.support.api import SourceKit

# One Redis database per --db run, so a SQLite and a PostgreSQL run at the same time never
# take each other's jobs (the queue names are fixed).
REDIS_DB = {"sqlite": 14, "postgresql": 15}


@pytest.fixture
def make_receiver() -> Iterator[Callable[[], Receiver]]:
    made: list[Receiver] = []

    def make() -> Receiver:
        made.append(Receiver())
        return made[-1]

    yield make
    for receiver in made:
        receiver.close()


@pytest.fixture
def receiver(make_receiver: Callable[[], Receiver]) -> Receiver:
    return make_receiver()


@pytest.fixture(scope="session")
def jobs_redis_url(redis_url: str, request: pytest.FixtureRequest) -> str:
    number = REDIS_DB[request.config.getoption("--db")]
    return urlunsplit(urlsplit(redis_url)._replace(path=f"/{number}"))


@pytest.fixture
def rq_redis(jobs_redis_url: str) -> Iterator[Redis]:
    """The test's own client on the jobs database, empty before and after the test."""
    connection = Redis.from_url(jobs_redis_url)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def make_rq_app(
    make_app: Callable[..., Flask], database_url: str, jobs_redis_url: str, rq_redis: Redis
) -> Iterator[Callable[..., Flask]]:
    """Apps on the test database; with REDIS_URL (the jobs database) unless told otherwise."""
    made: list[Flask] = []

    def make(**config: Any) -> Flask:
        settings = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "REDIS_URL": jobs_redis_url,
            "ALLOW_PRIVATE_CALLBACKS": True,
            "UNDO_SECONDS": 0,  # decisions' consequences at once, as in the other apps
            **config,
        }
        app = make_app(**settings)
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        for client in (app.extensions.get("reviewq.redis"), app.extensions["reviewq.jobs"].redis):
            if client is not None:
                client.close()


@pytest.fixture
def rq_app(make_rq_app: Callable[..., Flask]) -> Flask:
    return make_rq_app()


@pytest.fixture
def harness(rq_app: Flask, rq_redis: Redis) -> Harness:
    return Harness(rq_app, rq_redis)


@pytest.fixture
def reviewer(ctx: None, owner: Any) -> Actor:
    user = users.create_user(
        db.session,
        Actor.system("test"),
        "rita@example.com",
        "Rita Reviewer",
        "reviewer",
        2,
        "long-enough-pw",
    )
    db.session.commit()
    return user.actor


@pytest.fixture
def callback_source(
    make_source: Callable[..., SourceKit], receiver: Receiver, rq_app: Flask
) -> SourceKit:
    """A source whose callbacks go to ``receiver``, calling the API of ``rq_app``."""
    kit = make_source("callback-bot", receiver.url)
    receiver.secret = kit.secret
    return SourceKit(rq_app.test_client(), kit.slug, kit.secret, kit.token)
