"""What makes a password acceptable: long enough, and not one that guessers try first."""

from __future__ import annotations

import gzip
from functools import cache
from importlib import resources

MIN_LENGTH = 10
# The 10,000 most common passwords, most common first (its source and licence are in
# reviewq/data/common-passwords.LICENSE.txt).
COMMON_PASSWORDS = "common-passwords.txt.gz"


@cache
def common_passwords() -> frozenset[str]:
    """The common-passwords list, lower-cased, read once from the package data."""
    data = resources.files("reviewq").joinpath("data", COMMON_PASSWORDS).read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


def password_problem(password: str) -> str | None:
    """Why ``password`` may not be used, or None when it may.

    Args:
        password: the new password, as typed.

    Returns:
        A message to show beside the password field, or None.
    """
    if len(password) < MIN_LENGTH:
        return f"needs {MIN_LENGTH}+ characters"
    if password.strip().lower() in common_passwords():
        return "is one of the most common passwords: choose another"
    return None
