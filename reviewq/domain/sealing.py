"""Secrets kept in the database (webhook secrets), encrypted with keys from the environment.

MultiFernet (AES-128-CBC with HMAC-SHA256): the first key encrypts, every key decrypts, so
a key can be rotated: put the new key first, re-encrypt (``flask --app reviewq sources
reseal-secrets``), then drop the old key.
"""

from __future__ import annotations

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class SecretUnreadable(RuntimeError):
    """A stored secret does not open with any of the configured keys."""


class Keyring:
    """Seals and opens secrets with the configured keys, newest first."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("a keyring needs at least one key")
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def seal(self, secret: str) -> str:
        """``secret`` encrypted with the first key (a Fernet token, ASCII)."""
        return self._fernet.encrypt(secret.encode()).decode()

    def open(self, sealed: str) -> str:
        """The secret inside ``sealed``.

        Raises:
            SecretUnreadable: no configured key opens it (a key was dropped too soon, or the
                value was never sealed).
        """
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable(
                "a stored secret opens with none of REVIEWQ_SECRET_KEYS: "
                "was the key that sealed it removed?"
            ) from None

    def reseal(self, sealed: str) -> str:
        """``sealed`` encrypted again with the first key (for key rotation)."""
        try:
            return self._fernet.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("a stored secret opens with none of the keys") from None
