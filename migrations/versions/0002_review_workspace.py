"""review workspace

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 09:37:33.352914

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.Column("at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("succeeded", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index("ix_login_attempts_email_at", ["email", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_ip"), ["ip"], unique=False)

    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ip", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="3"))
        batch_op.add_column(
            sa.Column("claimed_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("first_approver_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            "ix_items_queue",
            ["priority", "due_at", "created_at", "id"],
            unique=False,
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_items_first_approver_id_users"), "users", ["first_approver_id"], ["id"]
        )

    # Existing items get the priority their stored requirements imply (domain/policy.py).
    op.execute(
        "UPDATE items SET priority = CASE"
        " WHEN min_level >= 3 OR approvals_required >= 2 OR always_escalate THEN 1"
        " WHEN min_level = 2 THEN 2 ELSE 3 END"
    )
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.alter_column("priority", server_default=None)


def downgrade():
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_items_first_approver_id_users"), type_="foreignkey")
        batch_op.drop_index(
            "ix_items_queue",
            postgresql_where=sa.text("status = 'queued'"),
            sqlite_where=sa.text("status = 'queued'"),
        )
        batch_op.drop_column("first_approver_id")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("priority")

    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))

    op.drop_table("user_sessions")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_ip"))
        batch_op.drop_index("ix_login_attempts_email_at")

    op.drop_table("login_attempts")
