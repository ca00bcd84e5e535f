"""audit trail indexes: the viewer's filters by action and by actor, newest first

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 07:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_audit_events_action_id", "audit_events", ["action", "id"])
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor", "id"])


def downgrade():
    op.drop_index("ix_audit_events_actor_id", table_name="audit_events")
    op.drop_index("ix_audit_events_action_id", table_name="audit_events")
