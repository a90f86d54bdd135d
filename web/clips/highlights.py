"""Saving a part of a clip as a highlight (routes on the clips blueprint).

The page's script posts the form and goes to the new clip's page, where it is cut and prepared
like any upload; without scripts the form posts and the browser follows the redirect.
"""

from __future__ import annotations

import math

from flask import flash, jsonify, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service.clips import highlights
from service.clips.blur_review import parse_clock
from service.clips.visibility import get_visible_clip
from service.errors import InvalidInput
from service.models import ClipKind
from web.auditing import request_ip
from web.clips.forms import HighlightForm
from web.errors import wants_json
from web.forms import form_errors
from web.resources import db, redis, settings
from workers.queues import enqueue_or_leave_to_sweeper, stale_window


def highlight_form(clip) -> HighlightForm | None:
    """The watch page's form, for those who may cut highlights from this clip (else None)."""
    if not highlights.can_cut(db(), current_user, clip):
        return None
    form = HighlightForm(formdata=None)
    form.set_kinds(highlights.highlight_kinds(current_user, clip))
    return form


def _time(text: str, what: str) -> float:
    seconds = parse_clock(text or "")
    if math.isnan(seconds):
        raise InvalidInput(f"Please write the {what} as minutes and seconds, like 1:05.")
    return seconds


def cut_highlight(clip_id: int) -> ResponseReturnValue:
    """Save a part of the clip as a highlight, cut and prepared by a worker."""
    source = get_visible_clip(db(), current_user, clip_id)
    form = HighlightForm()
    form.set_kinds(highlights.highlight_kinds(current_user, source))
    if not form.validate_on_submit():
        raise InvalidInput(form_errors(form) or "Please check the highlight's details.")
    request = highlights.HighlightRequest(
        start=_time(form.start.data, "start"),
        end=_time(form.end.data, "end"),
        title=form.title.data or "",
        kind=ClipKind(form.kind.data),
        with_comments=form.with_comments.data,
        with_transcript=form.with_transcript.data,
        exact=form.exact.data,
    )
    clip = highlights.cut_highlight(db(), current_user, clip_id, request, ip=request_ip())
    # Safe in the database: if Redis is down, the sweeper queues the cut.
    enqueue_or_leave_to_sweeper(
        redis(), "processing", clip.id, None, stale_after=stale_window(settings())
    )
    url = url_for("clips.watch", clip_id=clip.id)
    message = f"Saving “{clip.title}”: it is being cut, and will play here when it is ready."
    if wants_json():
        return jsonify(id=clip.id, url=url, message=message), 201
    flash(message, "info")
    return redirect(url)
