"""RFC 9162 Merkle trees: hashing, roots, inclusion and consistency proofs, and their
verification. Pure and self-contained (hashlib only), so a source's client can check the
log's answers with the same code the log uses.

Trees are addressed by leaf ranges ``[start, end)``. Every node of an RFC 9162 tree covers
such a range, and each range is the concatenation of *perfect* subtrees (2**level leaves
starting at a multiple of 2**level), whose hashes the log stores; a proof is a list of
ranges, so serving one reads O(log n) stored hashes, never the leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

Node = tuple[int, int]  # (level, index): leaves [index * 2**level, (index + 1) * 2**level)
Range = tuple[int, int]  # leaves [start, end)


class ProofError(ValueError):
    """A proof does not prove what it claims, or its sizes are impossible."""


def leaf_hash(data: bytes) -> bytes:
    """The hash of one leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an interior node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than ``n`` (n >= 2): where RFC 9162 splits a tree."""
    return 1 << ((n - 1).bit_length() - 1)


def perfect_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up the tree node ``[start, end)``, left to right.

    Args:
        start: first leaf; a node of an RFC 9162 tree always starts at a multiple of the
            smallest power of two at least its size, which makes the pieces aligned.
        end: one past the last leaf.
    """
    nodes = []
    while start < end:
        level = (end - start).bit_length() - 1  # the biggest piece first, as the RFC splits
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def fold(hashes: Sequence[bytes]) -> bytes:
    """The hash of a node from its perfect pieces, left to right (merged from the right)."""
    if not hashes:
        return EMPTY_ROOT
    result = hashes[-1]
    for piece in reversed(hashes[:-1]):
        result = node_hash(piece, result)
    return result


def range_hash(start: int, end: int, stored: Mapping[Node, bytes]) -> bytes:
    """The hash of tree node ``[start, end)`` from stored perfect-subtree hashes.

    Raises:
        KeyError: a perfect subtree it needs is not in ``stored``.
    """
    return fold([stored[node] for node in perfect_nodes(start, end)])


def root(leaf_hashes: Iterable[bytes]) -> bytes:
    """The root hash (MTH) of a whole tree, from its leaf hashes in order."""
    tree = Frontier()
    for leaf in leaf_hashes:
        tree.append(leaf)
    return tree.root()


class Frontier:
    """A growing tree kept as the hashes of its perfect subtrees (one per set bit of its
    size): appending is O(1) amortised and the root is O(log n) at any size."""

    def __init__(self, size: int = 0, pieces: Sequence[bytes] = ()) -> None:
        """Start from a tree of ``size`` leaves given by its perfect pieces, left to right."""
        if len(pieces) != bin(size).count("1"):
            raise ValueError(f"a tree of {size} leaves has {bin(size).count('1')} pieces")
        self.size = size
        self._pieces = list(pieces)

    def append(self, leaf: bytes, made: Callable[[Node, bytes], None] | None = None) -> None:
        """Add a leaf hash; ``made`` hears of every perfect subtree this completes."""
        index, level, current = self.size, 0, leaf
        if made:
            made((0, index), current)
        while index & 1:  # a left sibling of the same size waits: merge with it
            current = node_hash(self._pieces.pop(), current)
            index, level = index >> 1, level + 1
            if made:
                made((level, index), current)
        self._pieces.append(current)
        self.size += 1

    def root(self) -> bytes:
        """The root hash of the tree as it stands."""
        return fold(self._pieces)


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """The nodes of the inclusion proof of leaf ``index`` in a tree of ``size`` leaves,
    leaf side first (RFC 9162 2.1.3.1, PATH(m, D[n])).

    Raises:
        ProofError: ``index`` is not a leaf of that tree.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    path = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
    return path[::-1]


def consistency_ranges(old: int, new: int) -> list[Range]:
    """The nodes of the proof that a tree of ``old`` leaves is a prefix of one of ``new``,
    in RFC 9162 order (2.1.4.1, PROOF(m, D[n])); empty when ``old`` is 0 or ``new``.

    Raises:
        ProofError: ``old`` is negative or larger than ``new``.
    """
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from {old} to {new} leaves")
    if old in (0, new):
        return []
    path = []
    start, end, whole = 0, new, True  # whole: the old tree is this node's own left edge
    while old != end:
        k = _split(end - start)
        if old - start <= k:
            path.append((start + k, end))
            end = start + k
        else:
            path.append((start, start + k))
            start += k
            whole = False
    if not whole:
        path.append((start, end))
    return path[::-1]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root_hash: bytes
) -> None:
    """Check that ``leaf`` (a leaf hash) is leaf ``index`` of the tree of ``size`` leaves
    whose root is ``root_hash`` (RFC 9162 2.1.3.2).

    Raises:
        ProofError: it is not.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of {size} leaves")
    fn, sn, result = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            result = node_hash(sibling, result)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            result = node_hash(result, sibling)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    if result != root_hash:
        raise ProofError("the inclusion proof does not lead to the root")


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Check that the tree of ``old`` leaves with root ``old_root`` is a prefix of the tree
    of ``new`` leaves with root ``new_root`` (RFC 9162 2.1.4.2).

    Raises:
        ProofError: it is not, or the sizes are impossible.
    """
    if not 0 <= old <= new:
        raise ProofError(f"a tree of {old} leaves cannot be a prefix of one of {new}")
    if old == new or old == 0:
        if proof:
            raise ProofError("this consistency proof must be empty")
        if old == new and old_root != new_root:
            raise ProofError("two different roots for the same size")
        return
    if not proof:
        raise ProofError("the consistency proof is empty")
    path = list(proof)
    if old & (old - 1) == 0:  # a power of two: the old root is a node of the new tree
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root or sr != new_root:
        raise ProofError("the consistency proof does not lead to both roots")
