"""Notifications beyond the app: a chat webhook (Slack-compatible JSON) and email (SMTP)."""

from __future__ import annotations

import json
import logging
import smtplib
import urllib.request
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from ..domain.authority import Actor
from ..models import Notification, User
from . import reading

log = logging.getLogger(__name__)


def send(session: Session, notification_ids: list[int]) -> int:
    """Send the notifications on every configured channel; returns how many were sent.

    A channel that fails is logged and skipped: the in-app notification already exists.
    """
    chat_url = current_app.config.get("CHAT_WEBHOOK_URL")
    smtp_url = current_app.config.get("SMTP_URL")
    if not (chat_url or smtp_url):
        return 0
    rows = session.execute(
        sa.select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .where(Notification.id.in_(notification_ids))
    ).all()
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
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
            link = reading.openable_link(session, _actor(user), note.link) or ""
            try:
                _mail(smtp_url, user.email, note.text, f"{base}{link}" if base and link else link)
                sent += 1
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("email to %s failed: %s", user.email, exc)
    return sent


def _actor(user: User) -> Actor:
    return Actor(id=user.id, role=user.role, level=user.level, active=user.active)


def _mail(smtp_url: str, to: str, text: str, link: str) -> None:
    parts = urlsplit(smtp_url)
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_FROM", "reviewq@localhost")
    message["To"] = to
    message["Subject"] = f"reviewq: {text[:90]}"
    message.set_content(f"{text}\n\n{link}\n" if link else f"{text}\n")
    with smtplib.SMTP(parts.hostname or "localhost", parts.port or 25, timeout=10) as smtp:
        if parts.scheme == "smtp+starttls":
            smtp.starttls()
        if parts.username:
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
