"""When an edit is an edit, and its size: known pairs, then properties on generated texts."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewq.domain import edits
from reviewq.domain.edits import WORD_LIMIT, edit_size, is_change, normalise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\r\nb", "a\nb"),
        ("a\rb", "a\nb"),
        ("a\r\rb\r\n", "a\n\nb\n"),
        ("a\n\r\nb", "a\n\nb"),
        ("no breaks", "no breaks"),
        ("", ""),
    ],
)
def test_normalise_line_endings(text, expected) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("before", "after", "changed"),
    [
        ("Dear customer,\nthanks", "Dear customer,\r\nthanks", False),
        ("Dear customer,\r\nthanks", "Dear customer,\nthanks", False),
        ("a\rb", "a\r\nb", False),
        ("Dear customer", "Dear customer ", True),  # whitespace is a change (of size 0)
        ("Dear customer", "Dear Customer", True),
    ],
)
def test_is_change_ignores_line_endings_only(before, after, changed) -> None:
    assert is_change(before, after) is changed


@pytest.mark.parametrize(
    ("before", "after", "size"),
    [
        ("Refund: $42.00", "Refund: $42.00", 0),
        ("Refund: $42.00", "Refund: $24.00", 2),  # one digit moved: one out, one in
        ("Refund: $42.00", "Refund: $42.50", 2),
        ("hello world", "hello there world", 6),  # "there" and a space
        ("hello there world", "hello world", 6),
        ("", "abc", 3),
        ("abc", "", 3),
        ("x\ny", "x\nnew\ny", 4),
        ("Dear customer,\r\nthanks", "Dear customer, thanks", 0),  # a line break is whitespace
        ("a b", "  a\t\tb\n\n", 0),
        ("one.\n\ntwo.", "one. two.", 0),  # paragraphs joined
        ("ab", "a b", 1),  # but splitting a word changes the words
        ("a b", "ab", 1),
        ("colour", "color", 1),
    ],
)
def test_edit_size_of_known_pairs(before, after, size) -> None:
    assert edit_size(before, after) == size


def _words(seed: int, n: int) -> list[str]:
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(300)] + ["the", "a", "refund", "customer", "order."]
    return [rng.choice(vocab) for _ in range(n)]


@pytest.mark.parametrize("per_line", [12, 22_000], ids=["short-lines", "one-long-line"])
def test_a_few_changes_in_a_100_kb_draft_are_counted_exactly(per_line) -> None:
    words = _words(8, 22_000)
    lines = [" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line)]
    before = "\n".join(lines)
    assert len(before) > 100_000
    for i in (17, 5_000, 9_999, 15_123, 21_990):
        words[i] += "x"
    assert edit_size(before, " ".join(words)) == 5  # line breaks turned to spaces cost 0


def test_a_long_rewrite_counts_as_all_changed() -> None:
    before, after = " ".join(_words(9, 22_000)), "Z " * 60_000
    assert len(before) > WORD_LIMIT
    assert edit_size(before, after) == len(before) + len(after.strip())


def _shortest(a: str, b: str) -> int:
    """Insertions plus deletions of a shortest edit script (longest common subsequence)."""
    a, b = " ".join(a.split()), " ".join(b.split())
    previous = [0] * (len(b) + 1)
    for x in a:
        row = [0]
        for j, y in enumerate(b, 1):
            row.append(previous[j - 1] + 1 if x == y else max(previous[j], row[j - 1]))
        previous = row
    return len(a) + len(b) - 2 * previous[-1]


# The default limits, then limits so small that short texts go through every level
# (chunks, words, characters, counted as all changed).
LIMITS = [(edits.CHAR_LIMIT, edits.WORD_LIMIT), (6, 30), (0, 0)]


@settings(derandomize=True, max_examples=300)
@given(
    before=st.text(alphabet="ab \n\r\t.", max_size=60),
    after=st.text(alphabet="ab \n.", max_size=60),
)
def test_edit_size_is_zero_for_whitespace_and_never_below_the_shortest_edit(before, after) -> None:
    collapsed_a, collapsed_b = " ".join(before.split()), " ".join(after.split())
    shortest = _shortest(before, after)
    for chars, words in LIMITS:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(edits, "CHAR_LIMIT", chars)
            patch.setattr(edits, "WORD_LIMIT", words)
            size = edit_size(before, after)
        assert (size == 0) == (collapsed_a == collapsed_b)
        assert shortest <= size <= len(collapsed_a) + len(collapsed_b)


@settings(derandomize=True, max_examples=100)
@given(
    words=st.lists(st.sampled_from(["x", "yy", "z.", "refund"]), max_size=600),
    seed=st.integers(),
)
def test_whitespace_only_edits_have_size_0(words, seed) -> None:
    rng = random.Random(seed)
    spaced = "".join(w + rng.choice([" ", "\n", "\r\n", "  \t", "\n\n"]) for w in words)
    assert edit_size(" ".join(words), spaced) == 0
    assert edit_size(spaced, "\n".join(words)) == 0
