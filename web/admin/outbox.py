"""The outbox page: every email's record, and the emails written to the outbox folder when no
SMTP_URL is set (the embedded default), each readable as text."""

from __future__ import annotations

import re

from flask import abort, render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import mail
from web.resources import db, settings
from workers.mail import outbox_files, read_outbox_file

_URL = re.compile(r"(https?://[^\s<>\"']+)")


def outbox() -> ResponseReturnValue:
    """List the emails' records, and the files in the outbox folder."""
    config = settings()
    return render_template(
        "admin/outbox.html",
        messages=mail.recent_messages(db(), current_user),
        smtp=bool(config.smtp_url),
        folder=config.outbox_path,
        files=[] if config.smtp_url else outbox_files(config.outbox_path),
    )


def outbox_file(name: str) -> ResponseReturnValue:
    """Show one email of the outbox folder as text, its links ready to follow (admins only,
    by the route's rule: the folder is not the database)."""
    email = read_outbox_file(settings().outbox_path, name)
    if email is None:
        abort(404)
    # Split the text round its links, so the page can make each one a link.
    pieces = [(piece, bool(_URL.fullmatch(piece))) for piece in _URL.split(email.text) if piece]
    return render_template("admin/outbox_file.html", email=email, pieces=pieces)
