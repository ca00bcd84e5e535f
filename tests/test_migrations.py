import flask_migrate
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviewq.extensions import db


def test_models_and_migrations_agree(app) -> None:
    """The app fixture built the schema with `flask db upgrade`; autogenerate must find nothing."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _owner_and_source(conn) -> None:
    """User 1 and source 1, as every revision since 0001 stores them."""
    conn.execute(
        sa.text(
            "INSERT INTO users (id, email, name, role, level, password_hash, active,"
            " created_at)"
            " VALUES (1, 'o@example.com', 'O', 'admin', 1, 'x', true, CURRENT_TIMESTAMP)"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO sources (id, slug, name, owner_id, status, secret, created_at)"
            " VALUES (1, 'bot', 'Bot', 1, 'active', 'whsec_x', CURRENT_TIMESTAMP)"
        )
    )


def test_upgrade_from_0001_backfills_queue_priority(make_app, fresh_database_url) -> None:
    """Items stored before the workspace migration get the priority their rules imply."""
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0001")
        with db.engine.begin() as conn:
            _owner_and_source(conn)
            for n, (level, approvals, escalate) in enumerate(
                [(1, 1, False), (2, 1, False), (3, 1, False), (1, 2, False), (1, 1, True)]
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO items (source_id, external_id, webhook_id, title, content,"
                        " content_type, context, metadata, risk_tags, unknown_tags, min_level,"
                        " approvals_required, sla_minutes, always_escalate, qa_rate,"
                        " routing_reason, due_at, status, approvals_count, version, edited,"
                        " created_at, updated_at)"
                        " VALUES (1, :ext, :ext, 't', 'c', 'text/plain', '{}', '{}', '[]', '[]',"
                        " :level, :approvals, 60, :escalate, 0.05, '[]', CURRENT_TIMESTAMP,"
                        " 'queued', 0, 1, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"ext": f"e{n}", "level": level, "approvals": approvals, "escalate": escalate},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT priority FROM items ORDER BY external_id"))
            assert [r[0] for r in rows] == [3, 2, 1, 1, 1]
        flask_migrate.downgrade(revision="base")


def test_upgrade_from_0005_measures_earlier_decisions(make_app, fresh_database_url) -> None:
    """Decisions stored before edit sizes existed get them: 0 for approvals, the measured
    size for edits (0 for one that changed only line endings), none for the rest."""
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0005")
        with db.engine.begin() as conn:
            _owner_and_source(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO items (id, source_id, external_id, webhook_id, title, content,"
                    " content_type, context, metadata, risk_tags, unknown_tags, min_level,"
                    " approvals_required, sla_minutes, always_escalate, qa_rate, priority,"
                    " routing_reason, due_at, status, approvals_count, version, edited,"
                    " created_at, updated_at)"
                    " VALUES (1, 1, 'e', 'e', 't', 'Refund: $42.00', 'text/plain', '{}', '{}',"
                    " '[]', '[]', 1, 1, 60, false, 0.05, 3, '[]', CURRENT_TIMESTAMP,"
                    " 'approved', 1, 3, true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for action, before, after in [
                ("approve", None, None),
                ("edit", "Refund: $42.00", "Refund: $24.00"),
                ("edit", "Line one\nline two", "Line one\r\nline two"),
                ("reject", None, None),
                ("escalate", None, None),
            ]:
                conn.execute(
                    sa.text(
                        "INSERT INTO decisions (item_id, user_id, action, item_version,"
                        " content_before, content_after, opened_at, decided_at)"
                        " VALUES (1, 1, :action, 1, :before, :after, CURRENT_TIMESTAMP,"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {"action": action, "before": before, "after": after},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT edit_chars FROM decisions ORDER BY id"))
            assert [r[0] for r in rows] == [0, 2, 0, None, None]
        flask_migrate.downgrade(revision="0005")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM decisions")).scalar() == 5
        flask_migrate.downgrade(revision="base")


def test_upgrade_to_0009_encrypts_the_webhook_secrets(make_app, fresh_database_url) -> None:
    """Secrets stored in the clear before 0009 are sealed by it, and unsealed by its
    downgrade; the sources keep their items."""
    from reviewq.extensions import keyring

    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0008")
        with db.engine.begin() as conn:
            _owner_and_source(conn)
            conn.execute(
                sa.text(
                    "UPDATE sources SET previous_secret = 'whsec_old',"
                    " previous_secret_until = CURRENT_TIMESTAMP"
                )
            )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            sealed = conn.execute(
                sa.text("SELECT secret_sealed, previous_secret_sealed FROM sources")
            ).one()
        assert "whsec" not in "".join(sealed)
        assert [keyring().open(s) for s in sealed] == ["whsec_x", "whsec_old"]
        flask_migrate.downgrade(revision="0008")
        with db.engine.connect() as conn:
            plain = conn.execute(sa.text("SELECT secret, previous_secret FROM sources")).one()
        assert tuple(plain) == ("whsec_x", "whsec_old")
        flask_migrate.downgrade(revision="base")


def test_upgrade_to_0012_counts_the_words_of_stored_drafts(make_app, fresh_database_url) -> None:
    """Drafts stored before word counts existed get the count intake now stores."""
    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0005")
        with db.engine.begin() as conn:
            _owner_and_source(conn)
            for n, content in enumerate(["Refund: $42.00  today,\nthanks", "", "one"]):
                conn.execute(
                    sa.text(
                        "INSERT INTO items (source_id, external_id, webhook_id, title, content,"
                        " content_type, context, metadata, risk_tags, unknown_tags, min_level,"
                        " approvals_required, sla_minutes, always_escalate, qa_rate, priority,"
                        " routing_reason, due_at, status, approvals_count, version, edited,"
                        " created_at, updated_at)"
                        " VALUES (1, :ext, :ext, 't', :content, 'text/plain', '{}', '{}', '[]',"
                        " '[]', 1, 1, 60, false, 0.05, 3, '[]', CURRENT_TIMESTAMP, 'queued', 0,"
                        " 1, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"ext": f"e{n}", "content": content},
                )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            rows = conn.execute(sa.text("SELECT words FROM items ORDER BY external_id"))
            assert [r[0] for r in rows] == [4, 0, 1]
        flask_migrate.downgrade(revision="base")


def test_upgrade_to_0010_seals_the_old_chain_as_the_first_leaves(make_app, fresh_database_url):
    """Events of the old hash chain become the first leaves under a signed checkpoint; the
    chain is still checked for them, and the downgrade chains every event again."""
    import json
    from datetime import UTC, datetime

    from reviewq.domain.audit import GENESIS, EventRecord, event_hash
    from reviewq.extensions import audit_signer
    from reviewq.services import audit, audit_verify

    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0009")
        prev = GENESIS
        with db.engine.begin() as conn:
            for seq in (1, 2, 3):
                record = EventRecord(
                    seq, datetime(2026, 11, 2, 9, seq, tzinfo=UTC), "cli", "x", f"item:{seq}",
                    {"n": seq}, prev,
                )  # fmt: skip
                prev = event_hash(record)
                conn.execute(
                    sa.text(
                        "INSERT INTO audit_events (seq, at, actor, action, subject, data,"
                        " prev_hash, hash) VALUES (:seq, :at, 'cli', 'x', :subject, :data,"
                        " :prev, :hash)"
                    ),
                    {"seq": seq, "at": record.at.isoformat() if db.engine.dialect.name ==
                     "sqlite" else record.at, "subject": record.subject,
                     "data": json.dumps({"n": seq}), "prev": record.prev_hash, "hash": prev},
                )  # fmt: skip
            conn.execute(
                sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, 3, :h)"), {"h": prev}
            )
        flask_migrate.upgrade()
        verifier = audit_signer().verifier
        report = audit_verify.verify(db.session, verifier)
        assert report.ok, report.problem
        assert (report.size, report.chained, report.checkpoints) == (3, 3, 1)
        audit.record(db.session, "test", "after.upgrade", "thing:1")
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision="0009")
        with db.engine.connect() as conn:
            head = conn.execute(sa.text("SELECT seq FROM audit_head")).scalar()
            assert head == 4
        flask_migrate.upgrade()
        report = audit_verify.verify(db.session, verifier)
        assert report.ok and report.chained == 4
        db.session.remove()
        flask_migrate.downgrade(revision="base")
