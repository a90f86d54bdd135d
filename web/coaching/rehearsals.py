"""Rehearsals: a clip of an ECT practising their step, its success criteria, and the ticks."""

from __future__ import annotations

from flask import jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.coaching import rehearsals as coaching_rehearsals
from service.feedback import comments
from web.auditing import audit_view
from web.errors import wants_json
from web.resources import db


def _feedback_lines(clip_id: int) -> list[dict[str, object]]:
    """The clip's comments as author, time and body, whatever shape the use case returns."""
    lines = []
    for item in comments.clip_comments(db(), current_user, clip_id):
        comment = getattr(item, "comment", item)
        if isinstance(comment, dict):
            author, at, body = comment.get("author"), comment.get("at_seconds"), comment.get("body")
        else:
            if getattr(comment, "is_deleted", False):
                continue
            author = getattr(getattr(comment, "author", None), "name", None)
            at, body = getattr(comment, "at_seconds", None), getattr(comment, "body", "")
        if body:
            lines.append({"author": author or "", "at_seconds": at or 0, "body": body})
    return lines


def rehearsal(clip_id: int) -> ResponseReturnValue:
    """Show a rehearsal beside its step, model clip, criteria and feedback."""
    view = coaching_rehearsals.rehearsal_view(db(), current_user, clip_id)
    audit_view(view.clip, "rehearsal page")
    return render_template(
        "coaching/rehearsal.html",
        view=view,
        clip=view.clip,
        step=view.step,
        model=view.model,
        can_tick=policy.mentors(db(), current_user, view.step.ect_id),
        feedback=_feedback_lines(view.clip.id),
    )


def tick(clip_id: int, criterion: int) -> ResponseReturnValue:
    """Tick a success criterion as met in a rehearsal (or untick it)."""
    met = request.form.get("met", "") in ("1", "on", "true")
    coaching_rehearsals.tick_criterion(db(), current_user, clip_id, criterion, met)
    if wants_json():
        return jsonify(clip_id=clip_id, criterion=criterion, met=met)
    return redirect(url_for("coaching.rehearsal", clip_id=clip_id))
