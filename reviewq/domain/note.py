"""Signed notes and transparency-log checkpoints (C2SP ``signed-note`` and
``tlog-checkpoint``) with Ed25519 keys in the text forms of golang.org/x/mod/sumdb/note.

A checkpoint is the note text ``<origin>\\n<size>\\n<base64 root>\\n`` (here with one
extension line ``time <RFC 3339 UTC>``), a blank line, and signature lines
``— <key name> <base64(4-byte key id || Ed25519 signature)>``. Keys:

- signer (secret): ``PRIVATE+KEY+<name>+<key id, 8 hex>+<base64(0x01 || 32-byte seed)>``
- verifier (public): ``<name>+<key id, 8 hex>+<base64(0x01 || 32-byte public key)>``

where key id = SHA-256(name || 0x0A || 0x01 || public key)[:4]. Free of Flask and the
database, so a source can check checkpoints with this module alone.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG_ED25519 = 1
DASH = "\u2014"
_NAME = re.compile(r"[^\s+]+")
_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")
MAX_NOTE = 64 * 1024
MAX_SIGNATURES = 16


class NoteError(ValueError):
    """A key, note or checkpoint that is malformed, or whose signature does not verify."""


def _b64decode(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise NoteError(f"{what} is not base64") from None
    if base64.b64encode(raw).decode() != text:
        raise NoteError(f"{what} is not in canonical base64")
    return raw


def key_id(name: str, public: bytes) -> bytes:
    """The 4-byte id of an Ed25519 key named ``name`` (the signed-note recommendation)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public).digest()[:4]


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Verifier:
    """A public key that checks one name's signatures."""

    name: str
    key: Ed25519PublicKey

    @property
    def id(self) -> bytes:
        return key_id(self.name, _public_bytes(self.key))

    @property
    def text(self) -> str:
        """The verifier key in its text form (what outsiders configure)."""
        raw = base64.b64encode(bytes([ALG_ED25519]) + _public_bytes(self.key)).decode()
        return f"{self.name}+{self.id.hex()}+{raw}"

    @classmethod
    def parse(cls, text: str) -> Verifier:
        """Read a verifier key ``<name>+<id>+<base64(0x01 || public key)>``.

        Raises:
            NoteError: it is malformed or its id does not match.
        """
        name, id_hex, raw = _split_key(text.strip(), 3, "verifier key")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("verifier key is not an Ed25519 key")
        if key_id(name, raw[1:]) != bytes.fromhex(id_hex):
            raise NoteError("verifier key id does not match its name and key")
        return cls(name, Ed25519PublicKey.from_public_bytes(raw[1:]))


@dataclass(frozen=True)
class Signer:
    """A private key that signs as one name."""

    name: str
    key: Ed25519PrivateKey

    @property
    def verifier(self) -> Verifier:
        return Verifier(self.name, self.key.public_key())

    @property
    def text(self) -> str:
        """The signer key in its text form (keep it secret)."""
        seed = self.key.private_bytes_raw()
        raw = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.id.hex()}+{raw}"

    @classmethod
    def parse(cls, text: str) -> Signer:
        """Read a signer key ``PRIVATE+KEY+<name>+<id>+<base64(0x01 || seed)>``.

        Raises:
            NoteError: it is malformed or its id does not match.
        """
        text = text.strip()
        if not text.startswith("PRIVATE+KEY+"):
            raise NoteError("signer key must start with PRIVATE+KEY+")
        name, id_hex, raw = _split_key(text.removeprefix("PRIVATE+KEY+"), 3, "signer key")
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise NoteError("signer key is not an Ed25519 key")
        signer = cls(name, Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.id != bytes.fromhex(id_hex):
            raise NoteError("signer key id does not match its name and key")
        return signer

    @classmethod
    def generate(cls, name: str) -> Signer:
        """A new random key signing as ``name`` (a schema-less URL such as example.com/log)."""
        _check_name(name)
        return cls(name, Ed25519PrivateKey.from_private_bytes(secrets.token_bytes(32)))


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise NoteError("a key name must be non-empty, without spaces or '+'")


def _split_key(text: str, parts: int, what: str) -> tuple[str, str, bytes]:
    # The base64 part may itself hold '+': split from the left only.
    pieces = text.split("+", parts - 1)
    if len(pieces) != parts:
        raise NoteError(f"{what} must be <name>+<id>+<key>")
    name, id_hex, raw = pieces
    _check_name(name)
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex):
        raise NoteError(f"{what} id must be 8 lowercase hex digits")
    return name, id_hex, _b64decode(raw, what)


def sign(text: str, signer: Signer) -> str:
    """A signed note: ``text`` (ending in a newline), a blank line, one signature line."""
    _check_text(text)
    signature = signer.verifier.id + signer.key.sign(text.encode())
    return f"{text}\n{DASH} {signer.name} {base64.b64encode(signature).decode()}\n"


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise NoteError("note text must end in a newline")
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise NoteError("note text must not hold control characters")


def open_note(note: str, verifier: Verifier) -> str:
    """The text of ``note`` once ``verifier``'s signature on it checks out.

    Signatures from other keys are ignored (others may co-sign); one from this key that
    fails rejects the note, and so does a note this key did not sign.

    Raises:
        NoteError: malformed, not signed by ``verifier``, or a signature that fails.
    """
    if len(note) > MAX_NOTE:
        raise NoteError("note is too long")
    if not note.endswith("\n"):
        raise NoteError("a signed note ends in a newline")
    split = note.rfind("\n\n")
    if split < 0:
        raise NoteError("note has no signatures (no blank line)")
    text, lines = note[: split + 1], note[split + 2 :].splitlines()
    _check_text(text)
    if not lines or len(lines) > MAX_SIGNATURES:
        raise NoteError("note must carry 1 to 16 signatures")
    found = False
    for line in lines:
        match = re.fullmatch(rf"{DASH} ([^\s+]+) ([A-Za-z0-9+/=]+)", line)
        if match is None:
            raise NoteError("malformed signature line")
        blob = _b64decode(match[2], "signature")
        if len(blob) < 5:
            raise NoteError("signature is too short")
        if match[1] != verifier.name or blob[:4] != verifier.id:
            continue  # another key's signature
        try:
            verifier.key.verify(blob[4:], text.encode())
        except InvalidSignature:
            raise NoteError(f"the signature of {verifier.name} does not verify") from None
        found = True
    if not found:
        raise NoteError(f"the note is not signed by {verifier.name}")
    return text


@dataclass(frozen=True)
class Checkpoint:
    """A signed tree head: the log's origin, its size, its root hash, and when."""

    origin: str
    size: int
    root: bytes
    time: datetime | None = None

    @property
    def text(self) -> str:
        """The note text (C2SP tlog-checkpoint), with the time as an extension line."""
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode()]
        if self.time is not None:
            lines.append("time " + self.time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        return "\n".join(lines) + "\n"

    def sign(self, signer: Signer) -> str:
        """The checkpoint as a signed note (its origin is the signer's name)."""
        if signer.name != self.origin:
            raise NoteError("a checkpoint is signed by the key named after its origin")
        return sign(self.text, signer)

    @classmethod
    def parse_text(cls, text: str) -> Checkpoint:
        """Read a checkpoint's note text (already verified).

        Raises:
            NoteError: it is not a checkpoint.
        """
        lines = text.split("\n")[:-1]
        if len(lines) < 3 or not all(lines):
            raise NoteError("a checkpoint has origin, size and root lines, none empty")
        origin, size, root_b64, *extensions = lines
        if not _SIZE.fullmatch(size) or int(size) >= 1 << 64:
            raise NoteError("checkpoint size must be a decimal number without leading zeros")
        root = _b64decode(root_b64, "checkpoint root")
        if len(root) != 32:
            raise NoteError("checkpoint root must be 32 bytes")
        time = None
        for line in extensions:
            if line.startswith("time "):
                try:
                    time = datetime.strptime(line[5:], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
                except ValueError:
                    raise NoteError("checkpoint time is not YYYY-MM-DDTHH:MM:SSZ") from None
        return cls(origin, int(size), root, time)


def open_checkpoint(note: str, verifier: Verifier) -> Checkpoint:
    """The checkpoint in ``note``, once its signature by ``verifier`` checks out and its
    origin is the verifier's name.

    Raises:
        NoteError: malformed, or not a checkpoint this key signed for its log.
    """
    checkpoint = Checkpoint.parse_text(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise NoteError(f"checkpoint origin {checkpoint.origin!r} is not {verifier.name!r}")
    return checkpoint
