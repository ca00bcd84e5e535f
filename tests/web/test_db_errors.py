"""Database errors never log draft text or statement parameters."""

import logging

import pytest
import sqlalchemy as sa

from reviewq.extensions import db
from reviewq.models import Item, Source
from reviewq.models.types import utcnow

DRAFT = "Dear Ms Okafor, your biopsy result shows"


def test_a_failed_insert_logs_neither_the_draft_nor_the_parameters(
    make_app, database_url, source, caplog
) -> None:
    app = make_app(SQLALCHEMY_DATABASE_URI=database_url)

    @app.get("/boom")
    def boom() -> str:
        """Store a draft without a title: the database refuses it (NOT NULL)."""
        source_id = db.session.scalar(sa.select(Source.id))
        db.session.add(
            Item(
                source_id=source_id,
                external_id="ext-1",
                webhook_id="msg-1",
                title=None,
                content=DRAFT,
                content_type="text/plain",
                context={"prompt": DRAFT},
                meta={},
                risk_tags=[],
                unknown_tags=[],
                min_level=1,
                approvals_required=1,
                sla_minutes=60,
                always_escalate=False,
                qa_rate=0.0,
                routing_reason=[],
                due_at=utcnow(),
            )
        )
        db.session.commit()
        return "stored"

    with caplog.at_level(logging.DEBUG):
        resp = app.test_client().get("/boom")
    assert resp.status_code == 500
    failures = [r for r in caplog.records if r.exc_info]
    assert failures and isinstance(failures[0].exc_info[1], sa.exc.IntegrityError)
    logged = caplog.text
    assert "biopsy" not in logged and "Okafor" not in logged
    assert "ext-1" not in logged and "msg-1" not in logged  # no parameter at all
    assert "biopsy" not in resp.get_data(as_text=True)


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("statement", "kind"),
    [
        ("SELECT CAST(:v AS integer)", sa.exc.DataError),  # the message quotes the value
        ("SELECT CAST(:v AS json)", sa.exc.DataError),  # a CONTEXT line quotes the JSON
    ],
)
def test_postgresql_messages_quote_no_value(ctx, statement, kind) -> None:
    with pytest.raises(kind) as caught:
        db.session.execute(sa.text(statement), {"v": "{biopsy"})
    db.session.rollback()
    assert "biopsy" not in str(caught.value) and "22P02" in str(caught.value)
    assert "biopsy" not in "".join(map(str, caught.value.orig.args))
