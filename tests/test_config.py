import os
import subprocess
import sys
from pathlib import Path

import pytest

from reviewq.config import ConfigError, from_environ
from reviewq.domain import note
from tests.support.audit import AUDIT_KEY

KEY = "q" * 43 + "="  # 32 bytes, url-safe base64: a well-formed Fernet key
AUDIT = {"REVIEWQ_AUDIT_KEY": AUDIT_KEY}


def test_defaults_use_sqlite_in_the_instance_folder_and_keep_a_secret(tmp_path: Path) -> None:
    first = from_environ({}, tmp_path)
    assert first["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'reviewq.sqlite3'}"
    assert first["REDIS_URL"] is None
    assert from_environ({}, tmp_path)["SECRET_KEY"] == first["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_postgres_urls_are_driven_by_psycopg(tmp_path: Path) -> None:
    cfg = from_environ({"DATABASE_URL": "postgres://u@h/db"}, tmp_path)
    assert cfg["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_production_requires_a_secret_key_and_secures_cookies(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        from_environ({"REVIEWQ_ENV": "production"}, tmp_path)
    cfg = from_environ(
        {"REVIEWQ_ENV": "production", "SECRET_KEY": "x" * 32, "REVIEWQ_SECRET_KEYS": KEY, **AUDIT},
        tmp_path,
    )
    assert cfg["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL has unsupported scheme 'mysql'"),
        ({"REDIS_URL": "http://x"}, "REDIS_URL must start with redis://"),
        ({"REVIEWQ_ENV": "staging"}, "REVIEWQ_ENV must be one of"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too short"),
        ({"REVIEWQ_MAX_BODY_BYTES": "lots"}, "REVIEWQ_MAX_BODY_BYTES must be a whole number"),
        ({"REVIEWQ_SECRET_KEYS": "not-a-key"}, "REVIEWQ_SECRET_KEYS must be"),
        ({"REVIEWQ_AUDIT_KEY": "PRIVATE+KEY+x+00000000+AAAA"}, "REVIEWQ_AUDIT_KEY must be"),
    ],
)
def test_bad_settings_fail_at_start_with_one_line(tmp_path: Path, env: dict, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "reviewq", "policy", "show"],
        env={**os.environ, "REVIEWQ_INSTANCE_PATH": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reviewq: configuration error: ")
    assert message in lines[0]


def test_production_requires_keys_for_the_secrets_at_rest(tmp_path: Path) -> None:
    from cryptography.fernet import Fernet

    env = {"REVIEWQ_ENV": "production", "SECRET_KEY": "x" * 32, **AUDIT}
    with pytest.raises(ConfigError, match="REVIEWQ_SECRET_KEYS is required"):
        from_environ(env, tmp_path)
    with pytest.raises(ConfigError, match="REVIEWQ_SECRET_KEYS"):
        from_environ({**env, "REVIEWQ_SECRET_KEYS": "not-a-key"}, tmp_path)
    new, old = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    cfg = from_environ({**env, "REVIEWQ_SECRET_KEYS": f"{new}, {old}"}, tmp_path)
    assert cfg["SECRET_KEYS"] == [new, old]
    assert cfg["HSTS"]


def test_development_generates_a_key_for_the_secrets_at_rest_and_keeps_it(tmp_path) -> None:
    from cryptography.fernet import Fernet

    first = from_environ({}, tmp_path)["SECRET_KEYS"]
    assert len(first) == 1 and Fernet(first[0])  # a valid key
    assert from_environ({"SECRET_KEY": "y" * 32}, tmp_path)["SECRET_KEYS"] == first
    assert (tmp_path / "secret_keys").stat().st_mode & 0o077 == 0


def test_the_audit_key_is_required_in_production_and_kept_locally(tmp_path) -> None:
    env = {"REVIEWQ_ENV": "production", "SECRET_KEY": "x" * 32, "REVIEWQ_SECRET_KEYS": KEY}
    with pytest.raises(ConfigError, match="REVIEWQ_AUDIT_KEY is required"):
        from_environ(env, tmp_path)
    assert from_environ({**env, **AUDIT}, tmp_path)["AUDIT_KEY"] == AUDIT_KEY
    first = from_environ({}, tmp_path)["AUDIT_KEY"]
    assert note.Signer.parse(first).name.startswith("reviewq.local/")
    assert from_environ({}, tmp_path)["AUDIT_KEY"] == first
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0
