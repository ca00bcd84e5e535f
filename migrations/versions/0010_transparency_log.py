"""transparency log: events without a shared head row, Merkle tree nodes, signed checkpoints

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op
from flask import current_app

import reviewq.models.types
from reviewq.domain import note, tlog
from reviewq.domain.audit import GENESIS, EventRecord, event_hash, leaf_data

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

EVENTS = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("at", reviewq.models.types.UTCDateTime(timezone=True)),
    sa.column("actor", sa.String),
    sa.column("action", sa.String),
    sa.column("subject", sa.String),
    sa.column("data", sa.JSON),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
    sa.column("leaf", sa.BigInteger),
)
NODES = sa.table(
    "audit_nodes",
    sa.column("level", sa.SmallInteger),
    sa.column("idx", sa.BigInteger),
    sa.column("hash", sa.LargeBinary),
)
CHECKPOINTS = sa.table(
    "audit_checkpoints",
    sa.column("size", sa.BigInteger),
    sa.column("root", sa.LargeBinary),
    sa.column("at", reviewq.models.types.UTCDateTime(timezone=True)),
    sa.column("note", sa.Text),
)


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "xid",
                sa.BigInteger(),
                # the inserting transaction, for the sealer (see models/audit.py)
                server_default=sa.text("pg_current_xact_id()::text::bigint") if postgres else None,
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("leaf", sa.BigInteger(), nullable=True))
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_audit_events_leaf"), ["leaf"])
    op.create_index(
        "ix_audit_events_unsealed",
        "audit_events",
        ["id"],
        unique=False,
        postgresql_where=sa.text("leaf IS NULL"),
        sqlite_where=sa.text("leaf IS NULL"),
    )
    op.create_table(
        "audit_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_audit_nodes")),
    )
    op.create_table(
        "audit_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("at", reviewq.models.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_audit_checkpoints")),
    )
    _seal_the_chain()
    op.drop_table("audit_head")


def _seal_the_chain():
    """The events of the old chain become the first leaves, in ``seq`` order, under one
    checkpoint signed with REVIEWQ_AUDIT_KEY (their chain hashes stay, and are checked)."""
    conn = op.get_bind()
    rows = conn.execute(sa.select(EVENTS.c.id, EVENTS.c.hash).order_by(EVENTS.c.seq)).all()
    if not rows:
        return
    tree, nodes = tlog.Frontier(), []
    for event_id, hash_hex in rows:
        tree.append(
            tlog.leaf_hash(leaf_data(event_id, hash_hex)),
            lambda node, h: nodes.append({"level": node[0], "idx": node[1], "hash": h}),
        )
    conn.execute(
        EVENTS.update()
        .where(EVENTS.c.id == sa.bindparam("event_id"))
        .values(leaf=sa.bindparam("n")),
        [{"event_id": event_id, "n": n} for n, (event_id, _) in enumerate(rows)],
    )
    for start in range(0, len(nodes), 5000):
        conn.execute(NODES.insert(), nodes[start : start + 5000])
    signer = note.Signer.parse(current_app.config["AUDIT_KEY"])
    now = reviewq.models.types.utcnow()
    checkpoint = note.Checkpoint(signer.name, tree.size, tree.root(), now)
    conn.execute(
        CHECKPOINTS.insert().values(
            size=tree.size, root=checkpoint.root, at=now, note=checkpoint.sign(signer)
        )
    )


def _chain_the_log():
    """Downgrade: every event joins the hash chain again, in log order (unsealed ones last,
    by id), so the head row and ``audit verify`` of revision 0009 hold."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(EVENTS).order_by(EVENTS.c.leaf.is_(None), EVENTS.c.leaf, EVENTS.c.id)
    ).all()
    prev, seq = GENESIS, 0
    for row in rows:
        seq += 1
        if row.seq is None:
            record = EventRecord(seq, row.at, row.actor, row.action, row.subject, row.data, prev)
            hash_hex = event_hash(record)
            conn.execute(
                EVENTS.update()
                .where(EVENTS.c.id == row.id)
                .values(seq=seq, prev_hash=prev, hash=hash_hex)
            )
            prev = hash_hex
        else:
            prev = row.hash
    return seq, prev


def downgrade():
    seq, prev = _chain_the_log()
    op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    if seq:
        op.get_bind().execute(
            sa.text("INSERT INTO audit_head (id, seq, hash) VALUES (1, :seq, :hash)"),
            {"seq": seq, "hash": prev},
        )
    op.drop_table("audit_checkpoints")
    op.drop_table("audit_nodes")
    op.drop_index("ix_audit_events_unsealed", table_name="audit_events")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_audit_events_leaf"), type_="unique")
        batch_op.alter_column("prev_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("leaf")
        batch_op.drop_column("xid")
