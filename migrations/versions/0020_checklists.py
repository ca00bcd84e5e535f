"""checklists: friction scaled to risk

A policy rule may carry a checklist (statements a reviewer ticks before Approve) and require
that the context panel was opened first; a decision keeps the ticks and their timing.
Existing rules get no checklist; existing decisions none either.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 06:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("policy_rules") as batch_op:
        batch_op.add_column(
            sa.Column("checklist", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column("context_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("decisions") as batch_op:
        batch_op.add_column(sa.Column("checklist", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("decisions") as batch_op:
        batch_op.drop_column("checklist")
    with op.batch_alter_table("policy_rules") as batch_op:
        batch_op.drop_column("context_required")
        batch_op.drop_column("checklist")
