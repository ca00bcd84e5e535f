"""The audit log proves itself: every way of changing what was sealed fails verification,
and the proofs it serves verify with the domain's verifier (what a source's client runs)."""

from __future__ import annotations

import sqlalchemy as sa

from reviewq import jobs
from reviewq.domain import note, tlog
from reviewq.domain.audit import content_hash, leaf_data
from reviewq.extensions import audit_signer, db
from reviewq.models import AuditCheckpoint, AuditEvent, AuditNode
from reviewq.services import audit, audit_verify
from reviewq.services import tlog as log
from tests.support.clock import NOW


def record(n: int, start: int = 0) -> list[int]:
    ids = [
        audit.record(db.session, "test", "thing.done", f"thing:{k}", {"n": k, "t": "é"})
        for k in range(start, start + n)
    ]
    db.session.commit()
    return ids


def verify(*outside: str) -> audit_verify.Report:
    report = audit_verify.verify(db.session, audit_signer().verifier, outside)
    db.session.rollback()
    return report


def newest_note() -> str:
    head = log.newest(db.session)
    assert head is not None
    return head.note


def change(stmt) -> None:
    db.session.execute(stmt)
    db.session.commit()


def test_an_intact_log_verifies_across_checkpoints_and_unsealed_events_are_not_tampering(
    ctx,
) -> None:
    record(5)
    jobs.seal()
    record(8, start=5)
    jobs.seal()
    record(2, start=13)  # written, not sealed yet
    report = verify(newest_note())
    assert report.ok, report.problem
    assert (report.size, report.checkpoints, report.unsealed) == (13, 2, 2)
    assert [w.size for w in report.outside] == [13]


def test_an_edited_event_fails(ctx) -> None:
    record(6)
    jobs.seal()
    change(sa.update(AuditEvent).where(AuditEvent.leaf == 3).values(actor="mallory"))
    report = verify()
    assert not report.ok and "edited" in report.problem


def test_an_edited_event_with_its_hash_recomputed_fails(ctx) -> None:
    ids = record(6)
    jobs.seal()
    event = db.session.get(AuditEvent, ids[2])
    forged = content_hash(event.at, "mallory", event.action, event.subject, event.data)
    change(
        sa.update(AuditEvent).where(AuditEvent.id == ids[2]).values(actor="mallory", hash=forged)
    )
    report = verify()
    assert not report.ok and "no longer give the root" in report.problem


def test_a_deleted_event_fails(ctx) -> None:
    record(6)
    jobs.seal()
    change(sa.delete(AuditEvent).where(AuditEvent.leaf == 2))
    report = verify()
    assert not report.ok and "leaf 2 is missing" in report.problem


def test_reordered_events_fail(ctx) -> None:
    ids = record(6)
    jobs.seal()
    change(sa.update(AuditEvent).where(AuditEvent.id == ids[1]).values(leaf=-1))
    change(sa.update(AuditEvent).where(AuditEvent.id == ids[4]).values(leaf=1))
    change(sa.update(AuditEvent).where(AuditEvent.id == ids[1]).values(leaf=4))
    report = verify()
    assert not report.ok and "reordered" in report.problem


def test_a_cut_tail_fails_against_a_checkpoint_kept_outside(ctx) -> None:
    record(5)
    jobs.seal()
    record(4, start=5)
    jobs.seal()
    receipt = newest_note()  # what a source holds
    # Cut the last four events, their checkpoint and nodes: the rest is a valid smaller log.
    change(sa.delete(AuditEvent).where(AuditEvent.leaf >= 5))
    change(sa.delete(AuditCheckpoint).where(AuditCheckpoint.size > 5))
    assert verify().ok
    report = verify(receipt)
    assert not report.ok and "events were removed" in report.problem


def test_a_cut_tail_under_its_checkpoint_fails_without_outside_help(ctx) -> None:
    record(6)
    jobs.seal()
    change(sa.delete(AuditEvent).where(AuditEvent.leaf >= 4))
    assert "ends at leaf 4" in verify().problem


def test_a_wiped_log_fails_against_a_checkpoint_kept_outside(ctx) -> None:
    record(4)
    jobs.seal()
    exported = newest_note()
    for table in (AuditEvent, AuditNode, AuditCheckpoint):
        change(sa.delete(table))
    report = verify(exported)
    assert not report.ok and "wiped" in report.problem


def test_deleted_checkpoints_fail(ctx) -> None:
    record(4)
    jobs.seal()
    change(sa.delete(AuditCheckpoint))
    assert "checkpoints were deleted" in verify().problem


def test_a_log_rewritten_and_resigned_with_another_key_fails(ctx) -> None:
    record(4)
    jobs.seal()
    receipt = newest_note()
    for table in (AuditEvent, AuditNode, AuditCheckpoint):
        change(sa.delete(table))
    record(4, start=100)  # a different history, hashes all recomputed by the public rules
    intruder = note.Signer.generate(audit_signer().name)  # same name, not the log's key
    assert log.seal(db.session, intruder, NOW)
    db.session.commit()
    report = verify()
    assert not report.ok and "not a checkpoint signed by" in report.problem
    report = verify(receipt)
    assert not report.ok


def test_a_forged_checkpoint_fails(ctx) -> None:
    record(4)
    jobs.seal()
    head = log.newest(db.session)
    forged = head.note.replace("\n4\n", "\n3\n", 1)
    change(sa.update(AuditCheckpoint).values(note=forged))
    assert "not a checkpoint signed by" in verify().problem
    # A checkpoint presented from outside that the log never signed fails too.
    intruder = note.Signer.generate(audit_signer().name)
    fake = note.Checkpoint(intruder.name, 2, b"\x00" * 32, NOW).sign(intruder)
    change(sa.update(AuditCheckpoint).values(note=head.note))
    assert "outside checkpoint 1 is not a checkpoint signed by" in verify(fake).problem


def test_proofs_verify_with_the_domain_verifier(ctx) -> None:
    ids, sizes = [], []
    for batch in (1, 2, 4, 6):
        ids += record(batch, start=len(ids))
        jobs.seal()
        sizes.append(len(ids))
    verifier = audit_signer().verifier
    roots = {}
    for row in db.session.scalars(sa.select(AuditCheckpoint)):
        checkpoint = note.open_checkpoint(row.note, verifier)
        roots[checkpoint.size] = checkpoint.root
    assert sorted(roots) == sizes
    for size in sizes:
        for event_id in ids[:size]:
            proof = log.inclusion(db.session, event_id, size)
            leaf = tlog.leaf_hash(leaf_data(event_id, proof.event_hash))
            tlog.verify_inclusion(leaf, proof.leaf_index, size, proof.proof, roots[size])
        for old in sizes:
            if old <= size:
                c = log.consistency(db.session, old, size)
                tlog.verify_consistency(old, size, roots[old], roots[size], c.proof)


def test_sealing_twice_in_a_row_adds_nothing(ctx) -> None:
    record(3)
    assert jobs.seal() == 1
    assert jobs.seal() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditCheckpoint)) == 1
