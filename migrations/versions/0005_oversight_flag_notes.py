"""oversight flag notes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 10:32:12.602598

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():

    op.create_table(
        "flag_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("signal", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name=op.f("fk_flag_notes_by_id_users")),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_flag_notes_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flag_notes")),
    )
    with op.batch_alter_table("flag_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_flag_notes_reviewer_id"), ["reviewer_id"], unique=False
        )


def downgrade():

    with op.batch_alter_table("flag_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_flag_notes_reviewer_id"))

    op.drop_table("flag_notes")
