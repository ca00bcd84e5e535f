"""Notifications beyond the app: a chat webhook (Slack-compatible JSON) and email (SMTP)."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..models import Notification, User
from . import reading

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    """Where notifications go besides the app (the operator's settings)."""

    chat_url: str | None = None
    smtp_url: str | None = None
    public_url: str = ""
    mail_from: str = "reviewq@localhost"

    @classmethod
    def of(cls, config: Mapping[str, Any]) -> Settings:
        """The channels named in the app's config."""
        return cls(
            chat_url=config.get("CHAT_WEBHOOK_URL") or None,
            smtp_url=config.get("SMTP_URL") or None,
            public_url=config.get("PUBLIC_URL") or "",
            mail_from=config.get("MAIL_FROM") or "reviewq@localhost",
        )

    @property
    def any(self) -> bool:
        """Whether any channel is configured (else there is nothing to send)."""
        return bool(self.chat_url or self.smtp_url)


def send(session: Session, settings: Settings, notification_ids: list[int]) -> int:
    """Send the notifications on every configured channel; returns how many were sent.

    A channel that fails is logged and skipped: the in-app notification already exists.
    """
    chat_url, smtp_url = settings.chat_url, settings.smtp_url
    if not (chat_url or smtp_url):
        return 0
    rows = session.execute(
        sa.select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(notification_ids))
    ).all()
    base = settings.public_url.rstrip("/")
    sent = 0
    if chat_url and rows:
        text = rows[0][0].text + (f" {base}{rows[0][0].link}" if base else "")
        try:
            request = urllib.request.Request(
                chat_url,
                data=json.dumps({"text": text}).encode(),
                method="POST",
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=10):
                sent += 1
        except OSError as exc:
            log.warning("chat webhook failed: %s", exc)
    if smtp_url:
        for note, user in rows:
            # a link only where the person may open it (no item page for an admin)
            link = reading.openable_link(session, user.actor, note.link) or ""
            try:
                _mail(
                    smtp_url,
                    settings.mail_from,
                    user.email,
                    note.text,
                    f"{base}{link}" if base and link else link,
                )
                sent += 1
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("email to %s failed: %s", user.email, exc)
    return sent


def _mail(smtp_url: str, sender: str, to: str, text: str, link: str) -> None:
    parts = urlsplit(smtp_url)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = f"reviewq: {text[:90]}"
    message.set_content(f"{text}\n\n{link}\n" if link else f"{text}\n")
    with smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
