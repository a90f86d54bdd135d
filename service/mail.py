"""The outbox: every email is a row, written by a use case and sent by the mail job.

A use case composes a message (a QUEUED row, committed with the rest of its work); the web
layer then queues the mail job, which sends it and marks it SENT, clearing its body (it may
hold a sign-in link, which must not stay in the database), or, after its last attempt,
FAILED with a short reason. The row itself stays as the record of what was sent to whom.
"""

from __future__ import annotations

import html
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden
from service.models import MailMessage, MailStatus, User, utcnow

ERROR_LENGTH = 500  # MailMessage.error's column
# A message the job has tried this many times is given up on, whatever the queue's retries
# say (a worker killed mid-send, again and again, would otherwise loop through the sweeper).
MAX_ATTEMPTS = 8


def compose(
    session: Session,
    *,
    to: str,
    user_id: int | None,
    template: str,
    subject: str,
    text: str,
    html: str,
) -> MailMessage:
    """Add a message waiting to be sent to the session; the caller commits it."""
    message = MailMessage(
        to_address=to.strip(),
        user_id=user_id,
        template=template,
        subject=subject,
        text_body=text,
        html_body=html,
        status=MailStatus.QUEUED,
    )
    session.add(message)
    session.flush()
    return message


def message(session: Session, message_id: int) -> MailMessage | None:
    """Return the message with this id, or None if it is gone."""
    return session.get(MailMessage, message_id)


def start_attempt(session: Session, message_id: int) -> MailMessage | None:
    """Count one more attempt at sending a queued message and return it.

    Answer None when there is nothing to send: the message is gone, already sent, or failed.
    """
    found = session.get(MailMessage, message_id)
    if found is None or found.status != MailStatus.QUEUED:
        return None
    found.attempts += 1
    session.commit()
    return found


def mark_sent(session: Session, message_id: int) -> None:
    """Record that a message was handed over, and forget its body (it may hold a link)."""
    found = session.get(MailMessage, message_id)
    if found is None:
        return
    found.status = MailStatus.SENT
    found.sent_at = utcnow()
    found.text_body = ""
    found.html_body = ""
    found.error = ""
    session.commit()


def mark_attempt_failed(session: Session, message_id: int, reason: str, *, final: bool) -> None:
    """Record why an attempt failed; on the last one the message is FAILED, else it waits."""
    found = session.get(MailMessage, message_id)
    if found is None or found.status == MailStatus.SENT:
        return
    found.error = reason[:ERROR_LENGTH]
    if final or found.attempts >= MAX_ATTEMPTS:
        found.status = MailStatus.FAILED
        # Nobody will send it now: the link it holds must not stay behind either.
        found.text_body = ""
        found.html_body = ""
    session.commit()


def unsent(session: Session, *, created_before: datetime) -> list[int]:
    """Return the ids of messages still waiting to be sent that were written before a time."""
    return list(
        session.scalars(
            select(MailMessage.id)
            .where(
                MailMessage.status == MailStatus.QUEUED,
                MailMessage.created_at < created_before,
            )
            .order_by(MailMessage.id)
        )
    )


def recent_messages(session: Session, user: User, limit: int = 200) -> list[MailMessage]:
    """Return the latest messages, newest first, for the admins' outbox page."""
    if not policy.is_admin(user):
        raise Forbidden("Only admins can see the outbox.")
    return list(session.scalars(select(MailMessage).order_by(MailMessage.id.desc()).limit(limit)))


def letter(
    *,
    greeting: str,
    paragraphs: list[str],
    link: str,
    button: str,
    after: list[str],
    footer_links: list[tuple[str, str]] | None = None,
) -> tuple[str, str]:
    """Write an email's plain text and HTML: paragraphs, one link, more paragraphs, and any
    (words, address) links at the foot (a notification's unsubscribe and settings links).

    Every word is escaped in the HTML, so a name cannot add markup or links of its own.
    """
    signature = "Coachreel"
    footer = [f"{words}:\n{address}" for words, address in footer_links or []]
    text = "\n\n".join([greeting, *paragraphs, f"{button}:\n{link}", *after, signature, *footer])
    text += "\n"
    esc = html.escape
    body = "".join(f"<p>{esc(p)}</p>\n" for p in [greeting, *paragraphs])
    body += f'<p><a href="{esc(link, quote=True)}">{esc(button)}</a></p>\n'
    body += (
        f"<p>If the link does not open, copy this address into your browser:<br>{esc(link)}</p>\n"
    )
    body += "".join(f"<p>{esc(p)}</p>\n" for p in after)
    page = (
        '<!doctype html>\n<html lang="en-GB">\n<head><meta charset="utf-8">'
        f"<title>{esc(button)}</title></head>\n"
        '<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em">\n'
        f"{body}<p>{signature}</p>\n"
        + "".join(
            f'<p><small><a href="{esc(address, quote=True)}">{esc(words)}</a></small></p>\n'
            for words, address in footer_links or []
        )
        + "</body>\n</html>\n"
    )
    return text, page
