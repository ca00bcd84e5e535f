"""scale indexes: decisions by time, the undelivered callbacks, notifications by person and
time, resolved escalations, planted canaries, waiting items by due time (the sweep), the
queue page's counts

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _partial(where: str) -> dict[str, object]:
    return {"postgresql_where": sa.text(where), "sqlite_where": sa.text(where)}


def upgrade() -> None:
    op.create_index("ix_decisions_decided_at", "decisions", ["decided_at"])
    op.create_index(
        "ix_deliveries_undelivered",
        "deliveries",
        ["created_at"],
        **_partial("status <> 'delivered'"),
    )
    op.create_index(
        "ix_notifications_user_created", "notifications", ["user_id", "created_at", "id"]
    )
    op.create_index(
        "ix_escalations_resolved_at",
        "escalations",
        ["resolved_at"],
        **_partial("resolved_at IS NOT NULL"),
    )
    op.create_index(
        "ix_items_queue_counts",
        "items",
        ["source_id", "priority", "min_level", "created_at", "due_at"],
        **_partial("status = 'queued'"),
    )
    op.create_index(
        "ix_items_due", "items", ["due_at"], **_partial("status IN ('queued', 'in_review')")
    )
    op.create_index("ix_items_canary", "items", ["canary_id"], **_partial("canary_id IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_items_canary", table_name="items")
    op.drop_index("ix_items_due", table_name="items")
    op.drop_index("ix_items_queue_counts", table_name="items")
    op.drop_index("ix_escalations_resolved_at", table_name="escalations")
    op.drop_index("ix_notifications_user_created", table_name="notifications")
    op.drop_index("ix_deliveries_undelivered", table_name="deliveries")
    op.drop_index("ix_decisions_decided_at", table_name="decisions")
