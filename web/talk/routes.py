"""A clip's talk panel (HTML for the watch page, JSON for scripts) and sharing with a mentor."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField

from service.talk import figures as talk_figures
from web.auditing import request_ip
from web.errors import wants_json
from web.navigation import safe_next
from web.resources import db


class ShareTalkForm(FlaskForm):
    shared = BooleanField("Share my talk figures")


def clip(clip_id: int) -> ResponseReturnValue:
    """Show a clip's talk panel, or its figures as JSON."""
    clip, figures = talk_figures.get_clip_talk(db(), current_user, clip_id)
    if wants_json():
        return jsonify(
            clip_id=clip.id,
            speech_found=None if figures is None else figures.speech_found,
            talk=None if figures is None else figures.detail,
        )
    panel = talk_figures.panel_for(db(), current_user, clip)
    return render_template("talk/_panel.html", clip=clip, panel=panel)


def share(mentorship_id: int) -> ResponseReturnValue:
    """Share the ECT's talk figures with a mentor, or stop sharing them."""
    form = ShareTalkForm()
    form.validate()  # a missing box means "stop sharing"; only the CSRF token can fail
    if form.errors:
        flash("Your form had expired. Please try again.", "error")
        return redirect(url_for("talk.trends", ect_id=current_user.id))
    pairing = talk_figures.share_with_mentor(
        db(), current_user, mentorship_id, bool(form.shared.data), ip=request_ip()
    )
    if wants_json():
        return jsonify(mentorship_id=pairing.id, shared=pairing.talk_shared)
    name = pairing.mentor.name
    if pairing.talk_shared:
        flash(f"{name} can now see your talk figures.", "info")
    else:
        flash(f"{name} can no longer see your talk figures.", "info")
    return redirect(
        safe_next(request.form.get("next"), url_for("talk.trends", ect_id=current_user.id))
    )
