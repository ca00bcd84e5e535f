"""Standard Webhooks signing (with the official library) and verification (our own).

Verification does not use the library: it decodes the body as UTF-8 before checking the
signature, so a correctly signed body that is not UTF-8 could only be refused as a bad
signature, and it decodes the signature's base64 leniently (characters outside the
alphabet are skipped). Here the HMAC is computed over the raw bytes, and a signature or
timestamp is accepted only in its one canonical spelling.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache

from standardwebhooks.webhooks import Webhook

from .errors import SignatureInvalid

SECRET_PREFIX = "whsec_"
MESSAGE_ID = re.compile(r"^[\x21-\x7e]{1,200}$")
TIMESTAMP = re.compile(r"^[1-9][0-9]{0,11}$")  # whole Unix seconds, no sign, no leading 0
SIGNATURE = re.compile(r"^v1,([A-Za-z0-9+/]{43}=)$")  # base64 of an HMAC-SHA256, padded
TOLERANCE = timedelta(minutes=5)
TOKEN_PREFIX = "rvq_"
# Verifying against this when the source is unknown keeps the timing and answer identical.
_UNKNOWN_SOURCE_SECRET = SECRET_PREFIX + base64.b64encode(b"\0" * 32).decode()


def new_secret() -> str:
    """A fresh webhook secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def new_token() -> str:
    """A fresh pull-API bearer token (shown once, stored only as its hash)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """The stored form of an API token. Tokens are 256-bit random, so a plain hash is enough."""
    return hashlib.sha256(token.encode()).hexdigest()


def _key(secret: str) -> bytes:
    """The HMAC key of a ``whsec_`` secret (padding added, as the library does)."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX) + "==")


def keyed(secret: str) -> hmac.HMAC:
    """An HMAC-SHA256 already keyed with ``secret``: ``verify_keyed`` copies it per message,
    so a process that keeps it skips decoding the secret and hashing the key each time."""
    return hmac.new(_key(secret), digestmod=hashlib.sha256)


@cache
def _unknown_source() -> hmac.HMAC:
    return keyed(_UNKNOWN_SOURCE_SECRET)


def _strict_b64(text: str) -> bytes | None:
    """``text`` decoded as canonical base64, or None (any other spelling of the bytes)."""
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        return None
    return raw if base64.b64encode(raw).decode() == text else None


def verify(
    body: bytes,
    headers: Mapping[str, str],
    secrets_: Sequence[str],
    now: datetime | None = None,
) -> None:
    """Check a Standard Webhooks signature against any of the given secrets.

    The HMAC-SHA256 of ``{id}.{timestamp}.`` plus the raw body is compared in constant time
    with each ``v1,<base64>`` signature of the header (others, e.g. ``v1a``, are skipped).

    Args:
        body: the raw request body, exactly as received (any bytes).
        headers: the request headers (any case).
        secrets_: the secrets to accept, newest first; empty means an unknown source.
        now: the time to judge the timestamp by (default: the clock).

    Raises:
        SignatureInvalid: no secret verifies, or the headers or timestamp are bad.
    """
    verify_keyed(body, headers, [keyed(secret) for secret in secrets_], now)


def verify_keyed(
    body: bytes,
    headers: Mapping[str, str],
    keys: Sequence[hmac.HMAC],
    now: datetime | None = None,
) -> None:
    """``verify`` with the secrets' HMACs keyed beforehand (``keyed``); they are not changed.

    Raises:
        SignatureInvalid: no key verifies, or the headers or timestamp are bad.
    """
    lowered = {k.lower(): v for k, v in headers.items() if k.lower().startswith("webhook-")}
    msg_id = lowered.get("webhook-id", "")
    stamp = lowered.get("webhook-timestamp", "")
    if not MESSAGE_ID.fullmatch(msg_id):
        raise SignatureInvalid("webhook-id must be 1-200 printable ASCII characters")
    if not TIMESTAMP.fullmatch(stamp):
        raise SignatureInvalid("webhook-timestamp must be whole Unix seconds")
    moment = (now or datetime.now(UTC)).timestamp()
    if abs(moment - int(stamp)) > TOLERANCE.total_seconds():
        raise SignatureInvalid("webhook-timestamp is more than 5 minutes off")
    given = [
        raw
        for part in lowered.get("webhook-signature", "").split(" ")
        if (match := SIGNATURE.fullmatch(part)) and (raw := _strict_b64(match.group(1)))
    ]
    signed = f"{msg_id}.{stamp}.".encode() + body
    verified = False
    # Verifying against a dummy secret when the source is unknown keeps the work alike.
    for key in list(keys) or [_unknown_source()]:
        mac = key.copy()
        mac.update(signed)
        expected = mac.digest()
        for signature in given:
            verified |= hmac.compare_digest(expected, signature)
    if not verified or not keys:
        raise SignatureInvalid("signature, timestamp or source did not verify")


def sign(secret: str, msg_id: str, body: str, at: datetime) -> dict[str, str]:
    """Headers for an outgoing signed message.

    The library formats the timestamp with ``replace(tzinfo=utc)``, which mis-signs an aware
    datetime in another zone, so it always receives UTC here.
    """
    at_utc = at.astimezone(UTC)
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at_utc.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at_utc, body),
    }
