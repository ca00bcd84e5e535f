import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook

from reviewq.domain import signing
from reviewq.domain.errors import SignatureInvalid

SECRET = signing.new_secret()
BODY = b'{"external_id": "d-1"}'


def headers(
    secret: str = SECRET, body: bytes = BODY, at: datetime | None = None, msg_id: str = "msg_1"
) -> dict[str, str]:
    return signing.sign(secret, msg_id, body.decode(), at or datetime.now(UTC))


def test_signed_body_verifies() -> None:
    signing.verify(BODY, headers(), [SECRET])


def test_official_library_verifies_what_we_sign() -> None:
    Webhook(SECRET).verify(BODY, headers())


def test_non_utc_aware_datetimes_still_sign_correctly() -> None:
    tokyo = datetime.now(timezone(timedelta(hours=9)))
    Webhook(SECRET).verify(BODY, headers(at=tokyo))


def test_any_of_several_secrets_verifies() -> None:
    old = signing.new_secret()
    signing.verify(BODY, headers(secret=old), [SECRET, old])


@pytest.mark.parametrize("minutes", [-4, 4])
def test_timestamps_within_five_minutes_pass(minutes: int) -> None:
    signing.verify(BODY, headers(at=datetime.now(UTC) + timedelta(minutes=minutes)), [SECRET])


@pytest.mark.parametrize("minutes", [-6, 6])
def test_timestamps_beyond_five_minutes_fail(minutes: int) -> None:
    with pytest.raises(SignatureInvalid):
        signing.verify(BODY, headers(at=datetime.now(UTC) + timedelta(minutes=minutes)), [SECRET])


def _with(**changes: str) -> dict[str, str]:
    h = headers()
    h.update(changes)
    return {k: v for k, v in h.items() if v != "DROP"}


@pytest.mark.parametrize(
    "bad",
    [
        _with(**{"webhook-signature": "v1,AAAA"}),  # wrong signature
        _with(**{"webhook-signature": "nocomma"}),  # library would raise ValueError
        _with(**{"webhook-signature": "v1,%%%not-base64"}),  # binascii.Error
        _with(**{"webhook-signature": "v1,a,b"}),  # too many parts
        _with(**{"webhook-signature": ""}),
        _with(**{"webhook-signature": "v2,abc"}),
        _with(**{"webhook-timestamp": "not-a-number"}),
        _with(**{"webhook-timestamp": "nan"}),
        _with(**{"webhook-timestamp": "1e400"}),
        _with(**{"webhook-id": ""}),
        _with(**{"webhook-id": "x" * 201}),
        _with(**{"webhook-id": "DROP"}),
        _with(**{"webhook-signature": "DROP"}),
        _with(**{"webhook-timestamp": "DROP"}),
    ],
)
def test_malformed_headers_are_refused_not_crashed(bad: dict[str, str]) -> None:
    with pytest.raises(SignatureInvalid):
        signing.verify(BODY, bad, [SECRET])


def test_non_utf8_body_is_refused() -> None:
    with pytest.raises(SignatureInvalid):
        signing.verify(b"\xff\xfe", headers(), [SECRET])


def test_unknown_source_never_verifies() -> None:
    with pytest.raises(SignatureInvalid):
        signing.verify(BODY, headers(), [])


def test_wrong_secret_fails() -> None:
    with pytest.raises(SignatureInvalid):
        signing.verify(BODY, headers(secret=signing.new_secret()), [SECRET])


def test_tokens_are_random_and_hashed() -> None:
    a, b = signing.new_token(), signing.new_token()
    assert a != b and a.startswith("rvq_")
    assert signing.token_hash(a) != a and len(signing.token_hash(a)) == 64


def test_a_correctly_signed_body_verifies_whatever_its_bytes() -> None:
    """The HMAC is over the raw bytes: deciding that they are not UTF-8 is the parser's job
    (a 400), not a signature failure (the library decoded the body first)."""
    body = b'{"title": "caf\xe9"}'
    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    stamp = str(int(datetime.now(UTC).timestamp()))
    mac = hmac.new(key, f"msg_1.{stamp}.".encode() + body, hashlib.sha256).digest()
    signed = {
        "webhook-id": "msg_1",
        "webhook-timestamp": stamp,
        "webhook-signature": "v1," + base64.b64encode(mac).decode(),
    }
    signing.verify(body, signed, [SECRET])


def test_one_good_signature_among_several_verifies() -> None:
    good = headers()["webhook-signature"]
    spaced = f"v1a,ignored v1,{'A' * 43}= {good}"
    signing.verify(BODY, _with(**{"webhook-signature": spaced}), [SECRET])


@pytest.mark.parametrize(
    "bend",
    [
        lambda b64: b64[:10] + "!" + b64[10:],  # outside the alphabet: b64decode skipped it
        lambda b64: b64[:10] + "\n" + b64[10:],
        lambda b64: b64 + "==",
        lambda b64: b64.rstrip("="),
        lambda b64: b64[:42] + chr(ord(b64[42]) + 1) + "=",  # other trailing bits, same bytes
        lambda b64: b64.replace("+", "-").replace("/", "_") if "+" in b64 or "/" in b64 else "",
    ],
    ids=["junk", "newline", "extra-padding", "no-padding", "trailing-bits", "urlsafe"],
)
def test_only_the_canonical_base64_of_a_signature_verifies(bend) -> None:
    good = headers()
    b64 = good["webhook-signature"].removeprefix("v1,")
    with pytest.raises(SignatureInvalid):
        signing.verify(BODY, {**good, "webhook-signature": "v1," + bend(b64)}, [SECRET])
