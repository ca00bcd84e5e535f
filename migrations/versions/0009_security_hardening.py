"""security hardening: sign-in throttle counters; webhook secrets encrypted at rest

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:00:00.000000

"""

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op
from flask import current_app

import reviewq.models.types
from reviewq.extensions import keyring

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Webhook secrets move to new columns that hold them sealed with REVIEWQ_SECRET_KEYS. New
# columns rather than a change of type: SQLite adds and drops a column in place, where a
# change of type rebuilds the sources table under the rows that refer to it.
PLAIN = ("secret", "previous_secret")
SEALED = ("secret_sealed", "previous_secret_sealed")


def _copy(source: tuple[str, str], target: tuple[str, str], convert: Callable[[str], str]):
    """Copy each source's current and previous secret across, through ``convert``."""
    conn = op.get_bind()
    rows = conn.execute(sa.text(f"SELECT id, {source[0]}, {source[1]} FROM sources")).all()
    for id_, current, previous in rows:
        conn.execute(
            sa.text(f"UPDATE sources SET {target[0]} = :c, {target[1]} = :p WHERE id = :id"),
            {"id": id_, "c": convert(current), "p": convert(previous) if previous else None},
        )


def _add(names: tuple[str, str], length: int) -> None:
    # NOT NULL needs a default for the rows already there: dropped again in _settle.
    op.add_column(
        "sources",
        sa.Column(names[0], sa.String(length=length), nullable=False, server_default=""),
    )
    op.add_column("sources", sa.Column(names[1], sa.String(length=length), nullable=True))


def _settle(new: tuple[str, str], old: tuple[str, str]) -> None:
    op.drop_column("sources", old[1])
    op.drop_column("sources", old[0])
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place
        op.alter_column("sources", new[0], server_default=None)


def upgrade():
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=340), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_start", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", reviewq.models.types.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    _add(SEALED, 400)
    _copy(PLAIN, SEALED, keyring(current_app).seal)
    _settle(SEALED, PLAIN)


def downgrade():
    _add(PLAIN, 100)
    _copy(SEALED, PLAIN, keyring(current_app).open)
    _settle(PLAIN, SEALED)
    op.drop_table("login_throttles")
