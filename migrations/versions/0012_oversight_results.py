"""oversight results stored by a job; word counts stored at intake; decisions by time

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-02 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

import reviewq.models.types

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 2000
items = sa.table(
    "items",
    sa.column("id", sa.Integer),
    sa.column("content", sa.Text),
    sa.column("words", sa.Integer),
)


def _count_existing_words() -> None:
    """Existing drafts get the count intake now stores (Python's ``str.split``, exactly)."""
    conn, last = op.get_bind(), 0
    update = (
        items.update()
        .where(items.c.id == sa.bindparam("item_id"))
        .values(words=sa.bindparam("count"))
    )
    while True:
        rows = conn.execute(
            sa.select(items.c.id, items.c.content)
            .where(items.c.id > last)
            .order_by(items.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(update, [{"item_id": i, "count": len((c or "").split())} for i, c in rows])
        last = rows[-1].id


def upgrade():
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("words", sa.Integer(), nullable=True))
    _count_existing_words()
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.alter_column("words", existing_type=sa.Integer(), nullable=False)

    op.create_table(
        "oversight_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("computed_at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("seconds", sa.Double(), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("team", sa.JSON(), nullable=False),
        sa.Column("trend", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_runs")),
        sa.UniqueConstraint(
            "window_days", "computed_at", name=op.f("uq_oversight_runs_window_days_computed_at")
        ),
    )
    op.create_table(
        "oversight_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("reviewer", sa.String(length=320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.Column("verdict_rank", sa.Integer(), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("items_per_hour", sa.Double(), nullable=True),
        sa.Column("median_dwell_seconds", sa.Double(), nullable=True),
        sa.Column("under_floor_share", sa.Double(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("line", sa.JSON(), nullable=False),
        sa.Column("weeks", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["oversight_runs.id"],
            name=op.f("fk_oversight_results_run_id_oversight_runs"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_oversight_results_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oversight_results")),
        sa.UniqueConstraint(
            "run_id", "reviewer", name=op.f("uq_oversight_results_run_id_reviewer")
        ),
    )
    with op.batch_alter_table("oversight_results", schema=None) as batch_op:
        batch_op.create_index("ix_oversight_results_run_id", ["run_id"], unique=False)
        batch_op.create_index("ix_oversight_results_user", ["user_id", "run_id"], unique=False)


def downgrade():
    with op.batch_alter_table("oversight_results", schema=None) as batch_op:
        batch_op.drop_index("ix_oversight_results_user")
        batch_op.drop_index("ix_oversight_results_run_id")
    op.drop_table("oversight_results")
    op.drop_table("oversight_runs")
    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_column("words")
