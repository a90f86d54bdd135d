"""The mail job: send one queued message through SMTP, or write it to the outbox folder.

With ``SMTP_URL`` set (``smtp://`` plain, ``smtp+starttls://`` upgraded with STARTTLS,
``smtps://`` TLS from the start; ``user:password@`` logs in) the message goes to that server;
without one it is written as ``<id>-<template>.eml`` into the instance's outbox folder, which
admins read on the outbox page. A message already sent is never sent again, so running the
job twice is harmless. A failed attempt is recorded and re-raised for RQ to retry; after the
last one the message is marked failed with the reason.
"""

from __future__ import annotations

import logging
import os
import smtplib
import ssl
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from rq import get_current_job

from config import Settings
from service import mail
from service.models import MailMessage, utcnow
from service.notify import delivery
from service.notify.preferences import unsubscribe_url
from workers.context import current_context

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30  # seconds for each exchange with the mail server
DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand mail over, read from SMTP_URL."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


def smtp_server(url: str) -> SmtpServer:
    """Read an SMTP_URL: its scheme, host, port (25, 587 or 465 by default) and login."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(
            "SMTP_URL must look like smtp://host, smtp+starttls://host or smtps://host"
        )
    return SmtpServer(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def build_email(message: MailMessage, settings: Settings) -> EmailMessage:
    """Build the email: headers, a plain-text part and its HTML alternative."""
    email = EmailMessage()
    email["From"] = settings.mail_from
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = format_datetime(utcnow())
    domain = parseaddr(settings.mail_from)[1].rpartition("@")[2] or "coachreel.invalid"
    email["Message-ID"] = make_msgid(f"coachreel-{message.id}", domain=domain)
    email["Auto-Submitted"] = "auto-generated"  # no out-of-office replies, please
    # A notification's email: a one-click way out for mail programs (RFC 2369, RFC 8058).
    kind = delivery.unsubscribe_kind(message.template)
    if kind is not None and message.user_id is not None:
        url = unsubscribe_url(settings.public_url, settings.secret_key, message.user_id, kind)
        email["List-Unsubscribe"] = f"<{url}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.set_content(message.text_body)
    if message.html_body:
        email.add_alternative(message.html_body, subtype="html")
    return email


def deliver(server: SmtpServer, email: EmailMessage) -> None:
    """Hand the email to the SMTP server, over TLS where the URL asks for it."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if server.scheme == "smtps":
        smtp = smtplib.SMTP_SSL(server.host, server.port, timeout=SMTP_TIMEOUT, context=context)
    else:
        smtp = smtplib.SMTP(server.host, server.port, timeout=SMTP_TIMEOUT)
    with smtp:
        if server.scheme == "smtp+starttls":
            smtp.starttls(context=context)
        if server.username:
            smtp.login(server.username, server.password or "")
        smtp.send_message(email)


def outbox_name(message: MailMessage) -> str:
    """Return the file name of a message in the outbox folder."""
    return f"{message.id}-{message.template}.eml"


def write_to_outbox(folder: Path, name: str, email: EmailMessage) -> Path:
    """Write the email into the folder whole: a .part file, renamed when complete."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    target = folder / name
    part = folder / (name + ".part")
    # Only this user reads it: the message holds a sign-in link.
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(email.as_bytes())
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, target)
    return target


def failure_reason(exc: Exception) -> str:
    """Say briefly why a message could not be handed over."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return "The mail server refused the user name and password in SMTP_URL."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address this was sent to."
    if isinstance(exc, smtplib.SMTPResponseException):
        detail = exc.smtp_error.decode(errors="replace") if exc.smtp_error else ""
        return f"The mail server answered {exc.smtp_code}: {detail}".strip()
    if isinstance(exc, (ConnectionError, TimeoutError, smtplib.SMTPServerDisconnected)):
        return f"The mail server could not be reached ({exc.__class__.__name__}: {exc})."
    if isinstance(exc, ssl.SSLError):
        return f"The secure connection to the mail server failed ({exc})."
    return f"Sending failed ({exc.__class__.__name__}: {exc})."


def send_mail(message_id: int) -> str:
    """Send one queued message (or write it to the outbox); say what was done."""
    ctx = current_context()
    settings = ctx.settings
    with ctx.sessions() as session:
        message = mail.start_attempt(session, message_id)
        if message is None:
            log.info("mail %s: nothing to send (gone, sent already, or failed)", message_id)
            return "nothing to send"
        email = build_email(message, settings)
        name = outbox_name(message)
    try:
        if settings.smtp_url:
            deliver(smtp_server(settings.smtp_url), email)
        else:
            write_to_outbox(settings.outbox_path, name, email)
    except Exception as exc:
        job = get_current_job()
        # RQ counts retries down as it schedules them: none left means this was the last.
        final = job is None or not job.retries_left
        with ctx.sessions() as session:
            mail.mark_attempt_failed(session, message_id, failure_reason(exc), final=final)
        log.warning("mail %s not sent (%s)", message_id, "gave up" if final else "will retry")
        raise
    with ctx.sessions() as session:
        mail.mark_sent(session, message_id)
    log.info("mail %s sent", message_id)
    return "sent" if settings.smtp_url else f"written to the outbox as {name}"


@dataclass(frozen=True)
class OutboxFile:
    """One email written to the outbox folder."""

    name: str
    size: int
    written_at: float  # seconds since the epoch


@dataclass(frozen=True)
class OutboxEmail:
    """An outbox file read back: its headers and its plain text."""

    name: str
    headers: list[tuple[str, str]]
    text: str


def outbox_files(folder: Path) -> list[OutboxFile]:
    """Return the emails in the outbox folder, newest first (unfinished .part files left out)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if path.suffix == ".eml" and path.is_file() and not path.is_symlink():
            info = path.stat()
            found.append(OutboxFile(path.name, info.st_size, info.st_mtime))
    return sorted(found, key=lambda f: (f.written_at, f.name), reverse=True)


def read_outbox_file(folder: Path, name: str) -> OutboxEmail | None:
    """Read one email of the outbox folder by its plain file name; None if there is none.

    Only a name listed in the folder is read: no paths, no links, nothing outside it.
    """
    if name not in {f.name for f in outbox_files(folder)}:
        return None
    parsed = BytesParser(policy=policy.default).parsebytes((folder / name).read_bytes())
    headers = [(key, str(parsed[key])) for key in ("From", "To", "Subject", "Date") if parsed[key]]
    body = parsed.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""  # type: ignore[attr-defined]
    return OutboxEmail(name, headers, text)
