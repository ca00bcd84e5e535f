"""What the set-based steps (the sweep's batches) share: keeping a session's loaded objects
true to rows that a Core statement changed behind the ORM's back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session


def expire_loaded(session: Session, model: type[Any], ids: Iterable[int]) -> None:
    """Expire the objects of ``model`` with these ids that ``session`` has loaded, so they
    read their rows again (nothing is loaded for the others)."""
    for obj_id in ids:
        loaded = session.identity_map.get(Session.identity_key(model, obj_id))
        if loaded is not None:
            session.expire(loaded)
