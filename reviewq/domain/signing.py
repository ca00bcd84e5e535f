"""Standard Webhooks signing and verification, hardened around the official library."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from .errors import SignatureInvalid

SECRET_PREFIX = "whsec_"
MESSAGE_ID = re.compile(r"^[\x21-\x7e]{1,200}$")
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


def verify(body: bytes, headers: Mapping[str, str], secrets_: Sequence[str]) -> None:
    """Check a Standard Webhooks signature against any of the given secrets.

    The library's own errors for malformed input (bad base64, a signature without a
    version, a non-UTF-8 body) are all turned into ``SignatureInvalid``, never a crash.

    Args:
        body: the raw request body, exactly as received.
        headers: the request headers (any case).
        secrets_: the secrets to accept, newest first; empty means an unknown source.

    Raises:
        SignatureInvalid: no secret verifies, or the headers or timestamp are bad.
    """
    msg_id = next((v for k, v in headers.items() if k.lower() == "webhook-id"), "")
    if not MESSAGE_ID.fullmatch(msg_id):
        raise SignatureInvalid("webhook-id must be 1-200 printable ASCII characters")
    wanted = {k.lower(): v for k, v in headers.items() if k.lower().startswith("webhook-")}
    candidates = list(secrets_) or [_UNKNOWN_SOURCE_SECRET]
    verified = False
    for secret in candidates:
        try:
            Webhook(secret).verify(body, wanted, json_parse=False)
            verified = True
        except (WebhookVerificationError, ValueError, TypeError, binascii.Error):
            continue
    if not verified or not secrets_:
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
