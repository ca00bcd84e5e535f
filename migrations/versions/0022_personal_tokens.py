"""personal tokens and report indexes: a person's bearer token for the reports API (hashed,
revocable); covering indexes on items so the reports read arrivals, decisions and the join
from decisions to their item's source and level by index-only scans, not the drafts' rows

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 07:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "personal_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_personal_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_personal_tokens_token_hash")),
    )
    op.create_index(
        op.f("ix_personal_tokens_user_id"), "personal_tokens", ["user_id"], unique=False
    )
    op.create_index(
        "ix_items_report_arrivals", "items", ["created_at", "min_level", "words", "sla_minutes"]
    )
    op.create_index(
        "ix_items_report_decided",
        "items",
        ["decided_at", "status", "min_level", "due_at", "created_at"],
        postgresql_where=sa.text("decided_at IS NOT NULL"),
        sqlite_where=sa.text("decided_at IS NOT NULL"),
    )
    op.create_index("ix_items_report_join", "items", ["id", "source_id", "canary_id", "min_level"])


def downgrade():
    op.drop_index("ix_items_report_join", table_name="items")
    op.drop_index("ix_items_report_decided", table_name="items")
    op.drop_index("ix_items_report_arrivals", table_name="items")
    op.drop_index(op.f("ix_personal_tokens_user_id"), table_name="personal_tokens")
    op.drop_table("personal_tokens")
