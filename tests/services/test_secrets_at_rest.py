"""Webhook secrets are encrypted at rest, with keys that can rotate; a rotated-out secret
is erased when its grace period ends."""

import contextvars
from datetime import timedelta

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from reviewq.domain.authority import Actor
from reviewq.domain.sealing import SecretUnreadable
from reviewq.extensions import db
from reviewq.models import Source
from reviewq.models.types import utcnow
from reviewq.services import sources, sweep
from tests.support.api import draft


def stored_rows() -> list[dict]:
    """The sources table as the database holds it."""
    rows = [dict(row) for row in db.session.execute(sa.text("SELECT * FROM sources")).mappings()]
    db.session.rollback()  # SQLite: leave the database to the requests that follow
    return rows


def assert_nowhere_in_the_database(*secrets: str) -> None:
    for row in stored_rows():
        for value in row.values():
            assert not any(s in str(value) for s in secrets)
            assert not str(value).startswith("whsec_")


def test_the_secret_is_stored_encrypted_and_still_verifies(ctx, source) -> None:
    assert_nowhere_in_the_database(source.secret, source.secret.removeprefix("whsec_"))
    assert sources.get(db.session, source.slug).secret == source.secret
    db.session.rollback()
    assert source.submit(draft()).status_code == 201


def test_a_rotated_secret_and_its_predecessor_are_both_encrypted(ctx, source) -> None:
    src = sources.get(db.session, source.slug)
    new = sources.rotate_secret(
        db.session, Actor.system("test"), src, utcnow(), timedelta(hours=24)
    )
    db.session.commit()
    assert_nowhere_in_the_database(source.secret, new)
    assert source.submit(draft()).status_code == 201  # the old one, in its grace period
    assert source.submit(draft(), secret=new).status_code == 201


def test_the_previous_secret_is_erased_when_its_grace_ends(ctx, source) -> None:
    now = utcnow()
    src = sources.get(db.session, source.slug)
    sources.rotate_secret(db.session, Actor.system("test"), src, now, timedelta(hours=24))
    db.session.commit()
    sweep.run(db.session, now + timedelta(hours=23))
    db.session.commit()
    assert db.session.scalar(sa.select(Source.previous_secret)) is not None
    sweep.run(db.session, now + timedelta(hours=24, seconds=1))
    db.session.commit()
    stored = db.session.execute(sa.select(Source.previous_secret, Source.previous_secret_until))
    assert stored.one() == (None, None)


def test_keys_rotate_without_losing_a_secret(app, make_app, database_url, source) -> None:
    old = app.config["SECRET_KEYS"][0]
    new = Fernet.generate_key().decode()
    both = make_app(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEYS=[new, old])
    # In a context of its own: the CLI would reuse the test's app context, and its keys.
    invoke = both.test_cli_runner().invoke
    result = contextvars.Context().run(invoke, args=["sources", "reseal-secrets"])
    assert result.exit_code == 0 and "re-encrypted 1 source" in result.output
    only_new = make_app(SQLALCHEMY_DATABASE_URI=database_url, SECRET_KEYS=[new])
    with only_new.app_context():
        assert sources.get(db.session, source.slug).secret == source.secret
        db.session.remove()
    with app.app_context(), pytest.raises(SecretUnreadable):
        sources.get(db.session, source.slug)  # the old key alone no longer opens it
    with app.app_context():
        db.session.remove()
