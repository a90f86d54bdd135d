"""Email from views: compose through the use case, commit, then queue the mail job.

No view sends mail itself: the use case writes each message as a row, and the mail job
(workers.mail) sends it. Links in emails are absolute: the configured PUBLIC_URL, else this
request's own address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import url_for
from flask_login import current_user

from service.models import MailMessage
from service.people import invitations
from web.auditing import request_ip
from web.resources import db, redis, settings
from workers.queues import enqueue_mail_or_leave_to_sweeper, stale_window


def link_for(endpoint: str) -> Callable[[str], str]:
    """Return a builder of the absolute address of a token's page at this endpoint."""

    def build(token: str) -> str:
        public = settings().public_url
        if public:
            return public + url_for(endpoint, token=token)
        return url_for(endpoint, token=token, _external=True)

    return build


def enqueue(messages: Iterable[MailMessage]) -> None:
    """Queue the mail job for each (committed) message; the sweeper catches any Redis missed."""
    stale_after = stale_window(settings())
    for message_id in [message.id for message in messages]:
        enqueue_mail_or_leave_to_sweeper(redis(), message_id, stale_after=stale_after)


def invite(user_ids: list[int]) -> int:
    """Invite these people (the signed-in user manages them) to set a password; return how
    many were sent an invitation."""
    config = settings()
    messages = invitations.invite(
        db(),
        current_user,
        user_ids,
        link_for=link_for("auth.welcome"),
        secret_key=config.secret_key,
        valid_days=config.invitation_days,
        ip=request_ip(),
    )
    enqueue(messages)
    return len(messages)
