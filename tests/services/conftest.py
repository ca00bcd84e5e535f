"""Fixtures shared by the service tests."""

import pytest

from reviewq.domain.intake import parse_submission
from reviewq.extensions import db
from reviewq.models import Item
from reviewq.services import intake, sources
from tests.support.api import draft
from tests.support.clock import NOW


@pytest.fixture
def submit(source, people):
    """Store drafts for the test source (after the test's ``people`` fixture set the policy)."""
    src = sources.get(db.session, source.slug)
    counter = iter(range(1, 1000))

    def make(tags=(), at=NOW, **fields) -> Item:
        n = next(counter)
        body = draft(external_id=f"d-{n}", risk_tags=list(tags), **fields)
        item, _ = intake.submit(db.session, src, f"m-{n}", parse_submission(body), at)
        db.session.commit()
        return item

    return make
