"""RFC 9162 Merkle trees and C2SP signed notes against published vectors, and every proof
for small trees against the verifiers."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest

from reviewq.domain import note, tlog

pytestmark = pytest.mark.domain_only

# The Certificate Transparency reference tree (RFC 6962 / 9162 test data): eight leaves,
# the root at every size, and proofs from the reference implementations.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f"]
]  # fmt: skip
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = {
    (0, 8): ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
             "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"],
    (5, 8): ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}  # fmt: skip
CONSISTENCY = {
    (2, 5): ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
             "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"],
    (6, 8): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
    (6, 7): ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
             "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
             "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"],
}  # fmt: skip


class Tree:
    """A small tree with every perfect subtree stored, as the log stores them."""

    def __init__(self, leaves: list[bytes]) -> None:
        self.stored: dict[tlog.Node, bytes] = {}
        frontier = tlog.Frontier()
        self.roots = [tlog.EMPTY_ROOT]
        for leaf in leaves:
            frontier.append(tlog.leaf_hash(leaf), self.stored.__setitem__)
            self.roots.append(frontier.root())

    def inclusion(self, index: int, size: int) -> list[bytes]:
        return [tlog.range_hash(a, b, self.stored) for a, b in tlog.inclusion_ranges(index, size)]

    def consistency(self, old: int, new: int) -> list[bytes]:
        return [tlog.range_hash(a, b, self.stored) for a, b in tlog.consistency_ranges(old, new)]


CT = Tree(CT_LEAVES)


def test_roots_match_the_reference_tree() -> None:
    assert [r.hex() for r in CT.roots[1:]] == CT_ROOTS
    assert tlog.root([]) == tlog.EMPTY_ROOT
    assert tlog.root(map(tlog.leaf_hash, CT_LEAVES)).hex() == CT_ROOTS[-1]


@pytest.mark.parametrize(("index", "size"), INCLUSION)
def test_inclusion_proofs_match_the_reference(index: int, size: int) -> None:
    assert [h.hex() for h in CT.inclusion(index, size)] == INCLUSION[index, size]


@pytest.mark.parametrize(("old", "new"), CONSISTENCY)
def test_consistency_proofs_match_the_reference(old: int, new: int) -> None:
    assert [h.hex() for h in CT.consistency(old, new)] == CONSISTENCY[old, new]


def test_every_proof_of_small_trees_verifies_and_no_wrong_one_does() -> None:
    tree = Tree([b"leaf %d" % n for n in range(21)])
    for size in range(1, 22):
        for index in range(size):
            proof = tree.inclusion(index, size)
            leaf = tlog.leaf_hash(b"leaf %d" % index)
            tlog.verify_inclusion(leaf, index, size, proof, tree.roots[size])
            with pytest.raises(tlog.ProofError):
                tlog.verify_inclusion(leaf, index, size, proof, tree.roots[size - 1])
            if size > 1:
                with pytest.raises(tlog.ProofError):
                    tlog.verify_inclusion(leaf, (index + 1) % size, size, proof, tree.roots[size])
        for old in range(0, size + 1):
            proof = tree.consistency(old, size)
            tlog.verify_consistency(old, size, tree.roots[old], tree.roots[size], proof)
            if 0 < old < size:
                with pytest.raises(tlog.ProofError):
                    wrong = tlog.leaf_hash(b"other")
                    tlog.verify_consistency(old, size, wrong, tree.roots[size], proof)


def test_impossible_sizes_are_refused() -> None:
    with pytest.raises(tlog.ProofError):
        tlog.inclusion_ranges(3, 3)
    with pytest.raises(tlog.ProofError):
        tlog.consistency_ranges(5, 4)
    with pytest.raises(tlog.ProofError):
        tlog.verify_consistency(4, 4, CT.roots[4], CT.roots[5], [])


# The example of golang.org/x/mod/sumdb/note and the C2SP signed-note spec.
GO_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n\u2014 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
SPEC_VERIFIER = "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k"
SPEC_NOTE = (
    "This is an example message.\n\n\u2014 example.com/foo "
    "Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n"
)


def test_signed_notes_match_the_reference_byte_for_byte() -> None:
    signer = note.Signer.parse(GO_SIGNER)
    assert signer.text == GO_SIGNER
    assert signer.verifier.text == GO_VERIFIER
    assert note.sign(GO_TEXT, signer) == GO_NOTE
    assert note.open_note(GO_NOTE, note.Verifier.parse(GO_VERIFIER)) == GO_TEXT
    spec = note.Verifier.parse(SPEC_VERIFIER)
    assert note.open_note(SPEC_NOTE, spec) == "This is an example message.\n"


@pytest.mark.parametrize(
    "bad",
    [
        GO_NOTE.replace("problem,", "problem;"),  # edited text
        GO_NOTE.replace("x08go", "x08gp"),  # edited signature
        GO_TEXT,  # no signature
        GO_NOTE.replace("PeterNeumann", "Peter"),  # nobody we know signed it
    ],
)
def test_notes_that_do_not_verify_are_refused(bad: str) -> None:
    with pytest.raises(note.NoteError):
        note.open_note(bad, note.Verifier.parse(GO_VERIFIER))


def test_checkpoints_round_trip_and_bind_their_origin() -> None:
    signer = note.Signer.generate("reviewq.example/audit")
    when = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    checkpoint = note.Checkpoint("reviewq.example/audit", 8, bytes.fromhex(CT_ROOTS[-1]), when)
    signed = checkpoint.sign(signer)
    assert signed.startswith(
        "reviewq.example/audit\n8\n" + base64.b64encode(checkpoint.root).decode() + "\n"
    )
    assert note.open_checkpoint(signed, signer.verifier) == checkpoint
    other = note.Signer.generate("reviewq.example/audit")
    with pytest.raises(note.NoteError):
        note.open_checkpoint(signed, other.verifier)  # same name, another key
    with pytest.raises(note.NoteError):
        note.open_checkpoint(signed.replace("\n8\n", "\n9\n"), signer.verifier)
    assert note.Signer.parse(signer.text).text == signer.text
