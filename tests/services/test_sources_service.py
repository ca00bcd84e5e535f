from datetime import timedelta

import pytest

from reviewq.domain.authority import Actor
from reviewq.domain.errors import Conflict, ValidationFailed
from reviewq.extensions import db
from reviewq.models import SourceStatus
from reviewq.services import sources
from tests.support.clock import NOW


def test_rotation_keeps_the_old_secret_for_the_grace_period(source) -> None:
    src = sources.get(db.session, source.slug)
    new = sources.rotate_secret(db.session, Actor.system("test"), src, NOW, timedelta(hours=24))
    assert new != source.secret
    assert src.verification_secrets(NOW + timedelta(hours=23)) == [new, source.secret]
    assert src.verification_secrets(NOW + timedelta(hours=25)) == [new]


def test_pause_needs_a_reason_and_retire_is_final(source) -> None:
    src = sources.get(db.session, source.slug)
    with pytest.raises(ValidationFailed):
        sources.set_status(db.session, Actor.system("test"), src, SourceStatus.PAUSED, "  ")
    sources.set_status(db.session, Actor.system("test"), src, SourceStatus.PAUSED, "drift")
    with pytest.raises(Conflict):
        sources.set_status(db.session, Actor.system("test"), src, SourceStatus.PAUSED, "again")
    sources.set_status(db.session, Actor.system("test"), src, SourceStatus.ACTIVE, None)
    assert src.status_reason is None
    sources.set_status(db.session, Actor.system("test"), src, SourceStatus.RETIRED, "replaced")
    with pytest.raises(Conflict, match="retired"):
        sources.set_status(db.session, Actor.system("test"), src, SourceStatus.ACTIVE, None)


@pytest.mark.parametrize(
    ("reason", "message"),
    [("x" * 501, "at most 500 characters"), ("a\x00b", "NUL"), ("\ud800", "surrogates")],
)
def test_a_reason_the_column_cannot_hold_is_refused(source, reason: str, message: str) -> None:
    """The CLI reaches this without a form: a 501-character reason was a 500 on PostgreSQL."""
    src = sources.get(db.session, source.slug)
    with pytest.raises(ValidationFailed, match=message):
        sources.set_status(db.session, Actor.system("test"), src, SourceStatus.PAUSED, reason)
    assert src.status is SourceStatus.ACTIVE


@pytest.mark.parametrize("slug", ["", "a\x00b", "x" * 64, "Support-Bot", "bot\n"])
def test_find_answers_none_for_strings_no_slug_could_be(source, slug: str) -> None:
    assert sources.find(db.session, slug) is None
    assert sources.find(db.session, source.slug) is not None


@pytest.mark.parametrize(
    ("slug", "owner_email", "url", "field"),
    [
        ("Bad Slug", "owner@example.com", None, "slug"),
        ("ok-slug", "nobody@example.com", None, "owner"),
        ("ok-slug", "owner@example.com", "ftp://x", "callback_url"),
        ("ok-slug", "owner@example.com", "https://", "callback_url"),
    ],
)
def test_bad_source_fields_are_named(owner, owner_email, slug, url, field) -> None:
    with pytest.raises(ValidationFailed) as err:
        sources.create_source(db.session, Actor.system("test"), slug, "Name", owner_email, url)
    assert field in {e["field"] for e in err.value.errors}


def test_duplicate_slug_is_a_conflict(source) -> None:
    with pytest.raises(Conflict):
        sources.create_source(
            db.session, Actor.system("test"), source.slug, "x", "owner@example.com"
        )


def test_tokens_are_stored_hashed_and_found_by_hash(source) -> None:
    from reviewq.models import SourceToken

    stored = db.session.query(SourceToken).one()
    assert source.token not in stored.token_hash
    assert sources.by_token(db.session, source.token).slug == source.slug
    assert sources.by_token(db.session, source.token + "x") is None


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://127.0.0.1/hook", False),
        ("http://10.1.2.3/hook", False),
        ("http://169.254.169.254/latest/meta-data", False),
        ("http://[::1]/hook", False),
        ("https://93.184.215.14/hook", True),
    ],
)
def test_private_callback_targets_are_refused_unless_allowed(owner, url, allowed) -> None:
    from reviewq.services.sources import callback_target_problem

    assert (callback_target_problem(url, allow_private=False) is None) is allowed
    assert callback_target_problem(url, allow_private=True) is None


def test_registration_refuses_a_private_callback_in_production(owner) -> None:
    with pytest.raises(ValidationFailed, match="non-public"):
        sources.create_source(
            db.session,
            Actor.system("test"),
            "bot",
            "Bot",
            owner.email,
            "http://127.0.0.1:9/x",
            allow_private=False,
        )
