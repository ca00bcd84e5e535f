"""When an edit is an edit, and how big it is.

A submitted text is compared with the text the person was shown after line endings are
normalised, so a browser sending ``\\r\\n`` back does not turn Approve into an edit. The
size of an edit ignores whitespace (runs of whitespace count as one space), so reflowing a
paragraph or trimming blank lines is an edit of size 0: the detector's "never edits" signal
must not count those as real edits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from difflib import SequenceMatcher
from zlib import crc32

# The texts are cut into chunks of about CHUNK_WORDS words, after the words whose checksum
# is a multiple of it (content-defined, as rsync does: an inserted word moves no boundary
# but its own), and the chunks are diffed. A changed run of chunks up to CHAR_LIMIT
# characters a side is then compared character by character, one up to WORD_LIMIT word by
# word, and a longer one counts as all changed (a rewrite that size is a rewrite; the exact
# number does not matter). difflib is quadratic in the worst case: these bounds keep any
# edit of a 100 KB draft to a fraction of a second.
CHUNK_WORDS = 16
CHAR_LIMIT = 1_000
WORD_LIMIT = 10_000
_WORD = re.compile(r" ?\S+ ?| ")  # in a collapsed text: a word with its spaces, or a space


def normalise(text: str) -> str:
    """The text with ``\\r\\n`` and lone ``\\r`` line endings turned into ``\\n``.

    Args:
        text: a submitted or stored text.

    Returns:
        The same text with ``\\n`` line endings only.
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


def is_change(before: str, after: str) -> bool:
    """Whether ``after`` differs from ``before`` once line endings are normalised.

    Args:
        before: the text the person was shown.
        after: the text they submitted.

    Returns:
        True when the texts differ in anything but line endings (whitespace included).
    """
    return normalise(before) != normalise(after)


def edit_size(before: str, after: str) -> int:
    """Characters inserted plus deleted to turn ``before`` into ``after``, whitespace aside.

    Both texts are compared with every run of whitespace (line breaks included) collapsed
    to one space and the ends trimmed: whitespace-only edits have size 0, while a space
    that splits or joins words counts, since it changes the words. The diff is difflib's,
    chunk by chunk then inside the changed chunks: exact for typical edits; on rewrites of
    long passages it can exceed the minimal count (see ``WORD_LIMIT``).

    Args:
        before: the text the person was shown.
        after: the text they submitted.

    Returns:
        The edit size, 0 when the texts differ at most in whitespace.
    """
    left, right = _trim(" ".join(before.split()), " ".join(after.split()))
    if max(len(left), len(right)) <= CHAR_LIMIT:
        return _chars(left, right)
    return _diff(_chunks(left), _chunks(right), _changed_chunks)


def _chunks(text: str) -> list[str]:
    """The text (whitespace collapsed) cut into content-defined runs of words."""
    chunks, start = [], 0
    words = _WORD.findall(text)
    for end, word in enumerate(words, 1):
        if crc32(word.encode("utf-8", "surrogatepass")) % CHUNK_WORDS == 0 or end == len(words):
            chunks.append("".join(words[start:end]))
            start = end
    return chunks


def _diff(a: list[str], b: list[str], changed: Callable[[str, str], int]) -> int:
    """Size of the difference of two lists of units, ``changed`` sizing replaced runs."""
    size = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b).get_opcodes():
        if tag != "equal":
            left, right = "".join(a[i1:i2]), "".join(b[j1:j2])
            size += changed(left, right) if tag == "replace" else len(left) + len(right)
    return size


def _changed_chunks(left: str, right: str) -> int:
    """Size of the difference of two changed runs of chunks."""
    left, right = _trim(left, right)
    longest = max(len(left), len(right))
    if longest <= CHAR_LIMIT:
        return _chars(left, right)
    if longest <= WORD_LIMIT:
        return _diff(_WORD.findall(left), _WORD.findall(right), _changed_words)
    return len(left) + len(right)


def _changed_words(left: str, right: str) -> int:
    """Size of the difference of two changed runs of words."""
    if max(len(left), len(right)) <= CHAR_LIMIT:
        return _chars(left, right)
    return len(left) + len(right)


def _trim(left: str, right: str) -> tuple[str, str]:
    """The two texts without their common start and end (an alignment keeps both)."""
    start = _common_start(left, right)
    left, right = left[start:], right[start:]
    end = _common_start(left[::-1], right[::-1])
    return left[: len(left) - end], right[: len(right) - end]


def _common_start(a: str, b: str) -> int:
    """Length of the common prefix, by halving (string compares run at C speed)."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        middle = (low + high + 1) // 2
        if a[:middle] == b[:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _chars(left: str, right: str) -> int:
    """Characters inserted plus deleted, counted character by character."""
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return len(left) + len(right) - 2 * same
