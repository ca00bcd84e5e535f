"""decision edit size

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 22:05:41.118020

"""

import sqlalchemy as sa
from alembic import op

from reviewq.domain.edits import edit_size

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 500
decisions = sa.table(
    "decisions",
    sa.column("id", sa.Integer),
    sa.column("action", sa.String),
    sa.column("content_before", sa.Text),
    sa.column("content_after", sa.Text),
    sa.column("edit_chars", sa.Integer),
)


def upgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("edit_chars", sa.Integer(), nullable=True))

    # Earlier decisions get the size the service now stores: 0 for approvals, the measured
    # size for edits (an edit that only changed whitespace or line endings measures 0).
    op.execute(decisions.update().where(decisions.c.action == "approve").values(edit_chars=0))
    conn, last = op.get_bind(), 0
    while True:
        rows = conn.execute(
            sa.select(decisions.c.id, decisions.c.content_before, decisions.c.content_after)
            .where(decisions.c.action == "edit", decisions.c.id > last)
            .order_by(decisions.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        for id_, before, after in rows:
            size = edit_size(before or "", after or "")
            conn.execute(decisions.update().where(decisions.c.id == id_).values(edit_chars=size))
        last = rows[-1].id


def downgrade():
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_column("edit_chars")
