"""Settings from the environment (12-factor). Reading them is all this module does."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from .domain import note


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message is one line meant for the operator."""


ENVIRONMENTS = ("development", "production")
MAX_BODY_BYTES = 1024 * 1024


def _database_uri(raw: str | None, instance_path: Path) -> str:
    if not raw:
        return f"sqlite:///{instance_path / 'reviewq.sqlite3'}"
    scheme = urlsplit(raw).scheme
    if scheme in ("postgres", "postgresql"):
        # Hosting platforms hand out postgres:// URLs; we always drive psycopg 3.
        return "postgresql+psycopg://" + raw.split("://", 1)[1]
    if scheme in ("postgresql+psycopg", "sqlite"):
        return raw
    raise ConfigError(
        f"DATABASE_URL has unsupported scheme {scheme!r}: use postgresql://... or sqlite:///..."
    )


def _redis_url(raw: str | None) -> str | None:
    if not raw:
        return None
    if urlsplit(raw).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://")
    return raw


def _secret_key(raw: str | None, env: str, instance_path: Path) -> str:
    if raw:
        if len(raw) < 16:
            raise ConfigError("SECRET_KEY is too short: use at least 16 random characters")
        return raw
    if env == "production":
        raise ConfigError("SECRET_KEY is required when REVIEWQ_ENV=production")
    # Local use: generate once and keep it, so sessions survive a restart.
    return _kept(instance_path / "secret_key", lambda: secrets.token_hex(32))


def _kept(key_file: Path, make: Callable[[], str]) -> str:
    """A local-only key: read from ``key_file``, or made and written there (owner-only)."""
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = make()
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _new_fernet_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _secret_keys(raw: str | None, env: str, instance_path: Path) -> list[str]:
    """The keys that encrypt webhook secrets at rest, newest (the encrypting one) first."""
    if not raw or not raw.strip():
        if env == "production":
            raise ConfigError("REVIEWQ_SECRET_KEYS is required when REVIEWQ_ENV=production")
        # Local use: like SECRET_KEY, generated once and kept in the instance folder.
        raw = _kept(instance_path / "secret_keys", _new_fernet_key)
    keys = [key.strip() for key in raw.split(",") if key.strip()]
    for key in keys:
        try:
            valid = len(base64.urlsafe_b64decode(key.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise ConfigError(
                "REVIEWQ_SECRET_KEYS must be comma-separated Fernet keys (32 url-safe "
                "base64-encoded bytes each, e.g. from Fernet.generate_key())"
            )
    return keys


def _audit_key(raw: str | None, env: str, instance_path: Path) -> str:
    """The Ed25519 key that signs the audit log's checkpoints (kept out of the database)."""
    if not raw or not raw.strip():
        if env == "production":
            raise ConfigError(
                "REVIEWQ_AUDIT_KEY is required when REVIEWQ_ENV=production "
                "(make one with: flask --app reviewq audit generate-key --name example.com/reviewq)"
            )
        raw = _kept(
            instance_path / "audit_key",
            lambda: note.Signer.generate(f"reviewq.local/{secrets.token_hex(4)}").text,
        )
    try:
        return note.Signer.parse(raw).text
    except note.NoteError as exc:
        raise ConfigError(
            f"REVIEWQ_AUDIT_KEY must be PRIVATE+KEY+<name>+<id>+<key>: {exc}"
        ) from None


def _positive_int(environ: dict[str, str], name: str, default: int, least: int = 1) -> int:
    raw = environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if value < least:
        bound = "positive" if least == 1 else f"at least {least}"
        raise ConfigError(f"{name} must be {bound}, got {value}")
    return value


def _metrics_token(raw: str | None) -> str | None:
    if not raw:
        return None
    if len(raw) < 16:
        raise ConfigError("REVIEWQ_METRICS_TOKEN is too short: use at least 16 random characters")
    return raw


def _flag(environ: dict[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "")
    if raw == "":
        return default
    if raw not in ("0", "1"):
        raise ConfigError(f"{name} must be 0 or 1, got {raw!r}")
    return raw == "1"


def from_environ(environ: dict[str, str], instance_path: Path) -> dict[str, object]:
    """Build the Flask config mapping from environment variables.

    Args:
        environ: the process environment (or a test's stand-in).
        instance_path: the app's instance folder, home of local-only files.

    Returns:
        Config keys for ``app.config.update``.

    Raises:
        ConfigError: a setting is missing or malformed.
    """
    env = environ.get("REVIEWQ_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"REVIEWQ_ENV must be one of {', '.join(ENVIRONMENTS)}, got {env!r}")
    production = env == "production"
    allow_private = environ.get("REVIEWQ_ALLOW_PRIVATE_CALLBACKS", "" if production else "1")
    if allow_private not in ("", "0", "1"):
        raise ConfigError("REVIEWQ_ALLOW_PRIVATE_CALLBACKS must be 0 or 1")
    return {
        "REVIEWQ_ENV": env,
        "SECRET_KEY": _secret_key(environ.get("SECRET_KEY"), env, instance_path),
        # Webhook secrets are stored encrypted with these (MultiFernet: the first encrypts).
        "SECRET_KEYS": _secret_keys(environ.get("REVIEWQ_SECRET_KEYS"), env, instance_path),
        # Signs the audit log's checkpoints; outsiders check them with its public half.
        "AUDIT_KEY": _audit_key(environ.get("REVIEWQ_AUDIT_KEY"), env, instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_uri(environ.get("DATABASE_URL"), instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        # Pooled connections idle longer than this are pinged before use (not every one:
        # that would be a round trip more on every request). See create_app.
        "DB_PING_IDLE_SECONDS": 1.0,
        "REDIS_URL": _redis_url(environ.get("REDIS_URL")),
        "MAX_CONTENT_LENGTH": _positive_int(environ, "REVIEWQ_MAX_BODY_BYTES", MAX_BODY_BYTES),
        "SECRET_GRACE_HOURS": _positive_int(environ, "REVIEWQ_SECRET_GRACE_HOURS", 24),
        # Seconds a reviewer may take a decision back; its callback and other consequences
        # wait for the window to close (0: no undo, consequences at once).
        "UNDO_SECONDS": _positive_int(environ, "REVIEWQ_UNDO_SECONDS", 10, least=0),
        "SESSION_COOKIE_SECURE": production,
        # Production is served over HTTPS only (two years, as the HSTS preload list asks);
        # development and tests run over plain http, where the header would lock them out.
        "HSTS": "max-age=63072000; includeSubDomains" if production else None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "reviewq_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=10),  # a working day
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "JSON_SORT_KEYS": False,
        # Callbacks to loopback/private/link-local addresses: refused in production (SSRF).
        "ALLOW_PRIVATE_CALLBACKS": allow_private == "1",
        "CHAT_WEBHOOK_URL": environ.get("REVIEWQ_CHAT_WEBHOOK_URL") or None,
        "SMTP_URL": environ.get("REVIEWQ_SMTP_URL") or None,
        "MAIL_FROM": environ.get("REVIEWQ_MAIL_FROM", "reviewq@localhost"),
        "PUBLIC_URL": environ.get("REVIEWQ_PUBLIC_URL", ""),
        # Decided drafts' text is purged by the sweep after this many days (unset: kept).
        "RETENTION_DAYS": _positive_int(environ, "REVIEWQ_RETENTION_DAYS", 0) or None,
        # GET /metrics answers only with this bearer token (unset: no /metrics at all).
        "METRICS_TOKEN": _metrics_token(environ.get("REVIEWQ_METRICS_TOKEN")),
        # One JSON line per request and per job on stderr (reviewq.logs); 0 turns them off.
        "LOG_REQUESTS": _flag(environ, "REVIEWQ_LOG_REQUESTS", default=True),
    }
