"""Flask extensions, created unbound; ``create_app`` binds them with ``init_app``."""

from typing import TYPE_CHECKING, cast

from flask import Flask, current_app
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from redis import Redis
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase, Session

from .domain.note import Signer
from .domain.sealing import Keyring

# Named constraints, so migrations can alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Objects stay readable after commit: a view that commits then renders the result does not
# pay a second round of SELECTs for rows it just wrote.
db = SQLAlchemy(
    metadata=MetaData(naming_convention=NAMING), session_options={"expire_on_commit": False}
)
migrate = Migrate(compare_type=True)

# The model base and the session as the type checker should see them: ``db.Model`` and
# ``db.session`` are made at run time (a declarative base, a scoped session that proxies a
# ``Session``), which a type checker cannot follow.
if TYPE_CHECKING:

    class Model(DeclarativeBase):
        pass

else:
    Model = db.Model
db_session = cast(Session, db.session)


def redis_client(app: Flask) -> Redis | None:
    """The app's Redis client (connections are opened lazily), or None in embedded mode."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    if "reviewq.redis" not in app.extensions:
        app.extensions["reviewq.redis"] = Redis.from_url(
            url, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30
        )
    return app.extensions["reviewq.redis"]


def keyring(app: Flask | None = None) -> Keyring:
    """The keys that seal secrets kept in the database (``SECRET_KEYS``), made once per app;
    the current app's when ``app`` is not given."""
    app = app or cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
    if "reviewq.keyring" not in app.extensions:
        app.extensions["reviewq.keyring"] = Keyring(app.config["SECRET_KEYS"])
    return cast(Keyring, app.extensions["reviewq.keyring"])


def audit_signer(app: Flask | None = None) -> Signer:
    """The key that signs the audit log's checkpoints (``AUDIT_KEY``), read once per app;
    the current app's when ``app`` is not given."""
    app = app or cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
    if "reviewq.audit_signer" not in app.extensions:
        app.extensions["reviewq.audit_signer"] = Signer.parse(app.config["AUDIT_KEY"])
    return cast(Signer, app.extensions["reviewq.audit_signer"])
