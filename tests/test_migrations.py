from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from reviewq.extensions import db


def test_models_and_migrations_agree(app) -> None:
    """The app fixture built the schema with `flask db upgrade`; autogenerate must find nothing."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []
