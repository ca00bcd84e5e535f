from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviewq.extensions import db


def test_models_and_migrations_agree(app) -> None:
    """The app fixture built the schema with `flask db upgrade`; autogenerate must find nothing."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_upgrade_from_0001_backfills_queue_priority(make_app, fresh_database_url) -> None:
    """Items stored before the workspace migration get the priority their rules imply."""
    import flask_migrate
    import sqlalchemy as sa

    app = make_app(SQLALCHEMY_DATABASE_URI=fresh_database_url)
    with app.app_context():
        flask_migrate.upgrade(revision="0001")
        with db.engine.begin() as conn:
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
