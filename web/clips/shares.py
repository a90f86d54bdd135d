"""Sharing a clip with a colleague: create (or renew) and revoke (routes on the clips blueprint).

The watch page's form posts here and comes back to the page; a client asking for JSON gets
the share as it now stands. A colleague chosen badly (another school, someone who already
sees the clip) is a message on the page, not an error page.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from service.errors import InvalidInput
from service.models import ClipShare
from service.privacy import shares
from web.auditing import request_ip
from web.errors import wants_json
from web.formatting import nice_date
from web.forms import StrictIntegerField
from web.resources import db


class ShareForm(FlaskForm):
    # Checked by the use case, after access: a refusal tells a stranger nothing.
    colleague = StrictIntegerField("Colleague")
    days = StrictIntegerField("How long", default=shares.DEFAULT_DAYS)
    include_feedback = BooleanField("Include the feedback on this clip", default=False)


def share_json(share: ClipShare) -> dict[str, object]:
    """Describe a share as its owner sees it."""
    return {
        "id": share.id,
        "clip_id": share.clip_id,
        "colleague": {"id": share.colleague_id, "name": share.colleague.name},
        "created_at": share.created_at.isoformat(),
        "expires_at": share.expires_at.isoformat(),
        "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
        "includes_feedback": share.includes_feedback,
        "running": shares.is_running(share),
        "revoke_url": url_for("clips.revoke_share", clip_id=share.clip_id, share_id=share.id),
    }


def _back(clip_id: int):
    return redirect(url_for("clips.watch", clip_id=clip_id, _anchor="sharing"))


def share_clip(clip_id: int) -> ResponseReturnValue:
    """Share a clip with a colleague for some days (or renew the share)."""
    form = ShareForm()
    try:
        share = shares.share_clip(
            db(),
            current_user,
            clip_id,
            form.colleague.data or 0,
            form.days.data if form.days.data is not None else -1,
            ip=request_ip(),
            include_feedback=bool(form.include_feedback.data),
        )
    except InvalidInput as refusal:
        if wants_json():
            raise
        flash(refusal.message, "error")
        return _back(clip_id)
    feedback = "with its feedback" if share.includes_feedback else "without its feedback"
    message = (
        f"Shared with {share.colleague.name} until {nice_date(share.expires_at)}, {feedback}. "
        "You can revoke it at any time."
    )
    if wants_json():
        return jsonify(share=share_json(share), message=message), 201
    flash(message, "info")
    return _back(clip_id)


def revoke_share(clip_id: int, share_id: int) -> ResponseReturnValue:
    """Revoke a share of a clip."""
    share = shares.revoke_share(db(), current_user, share_id, ip=request_ip(), clip_id=clip_id)
    message = f"Revoked: {share.colleague.name} can no longer see this clip."
    if wants_json():
        return jsonify(share=share_json(share), message=message)
    flash(message, "info")
    return _back(clip_id)
