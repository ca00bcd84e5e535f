"""AI systems that submit drafts, with their secrets and pull-API tokens."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import Model
from .types import Sealed, UTCDateTime, str_enum, utcnow
from .user import User


class SourceStatus(StrEnum):
    """Whether a source may submit drafts."""

    ACTIVE = "active"
    PAUSED = "paused"
    RETIRED = "retired"


class Source(Model):
    """One AI system. Its webhook secret verifies intake and signs callbacks."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[SourceStatus] = mapped_column(
        str_enum(SourceStatus), default=SourceStatus.ACTIVE
    )
    status_reason: Mapped[str | None] = mapped_column(sa.String(500))
    # HMAC needs the secret itself; it is shown once at creation or rotation, never again,
    # and stored encrypted (REVIEWQ_SECRET_KEYS). The previous one is erased by the sweep
    # when its grace period ends.
    secret: Mapped[str] = mapped_column("secret_sealed", Sealed)
    previous_secret: Mapped[str | None] = mapped_column("previous_secret_sealed", Sealed)
    previous_secret_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    callback_url: Mapped[str | None] = mapped_column(sa.String(2000))
    # Set when the receiver answered 410 Gone: no more callbacks until the URL is set again.
    callback_disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Share of incoming drafts after which a canary of this source is planted (0: none).
    canary_rate: Mapped[float] = mapped_column(default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    owner: Mapped[User] = relationship()

    def verification_secrets(self, now: datetime) -> list[str]:
        """The secrets that verify intake now: the current one, plus the old one in its grace."""
        valid = [self.secret]
        if self.previous_secret and self.previous_secret_until and now < self.previous_secret_until:
            valid.append(self.previous_secret)
        return valid


class SourceToken(Model):
    """A bearer token for the pull API, stored only as its SHA-256."""

    __tablename__ = "source_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(sa.ForeignKey("sources.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80), default="default")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # when an API call last used it (written at most once a minute)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    source: Mapped[Source] = relationship()
