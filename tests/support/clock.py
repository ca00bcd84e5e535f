"""The suite's fixed clock: services and domain rules take time as input, so tests pass it."""

from datetime import UTC, datetime

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
