"""Time-stamped feedback on a clip: list and add (routes on the clips blueprint)."""

from __future__ import annotations

from flask import jsonify, redirect, url_for
from flask_login import current_user

from service import comments as feedback
from service.models import Comment
from web.clips.blueprint import bp
from web.clips.forms import CommentForm
from web.errors import wants_json
from web.resources import db


def comment_json(comment: Comment) -> dict[str, object]:
    return {
        "id": comment.id,
        "at_seconds": comment.at_seconds,
        "body": comment.body,
        "author": comment.author.name,
        "created_at": comment.created_at.isoformat(),
    }


@bp.get("/<int:clip_id>/comments.json")
def comments(clip_id: int):  # noqa: ANN201
    found = feedback.clip_comments(db(), current_user, clip_id)
    return jsonify(comments=[comment_json(c) for c in found])


@bp.post("/<int:clip_id>/comments")
def add_comment(clip_id: int):  # noqa: ANN201
    form = CommentForm()
    form.validate_on_submit()
    # The use case checks access first (404/403) and then the values, so a user who may not
    # see the clip learns nothing from a validation message.
    at_seconds = form.at_seconds.data if form.at_seconds.data is not None else float("nan")
    comment = feedback.add_comment(
        db(), current_user, clip_id, at_seconds=at_seconds, body=form.body.data or ""
    )
    if wants_json():
        return jsonify(comment=comment_json(comment)), 201
    return redirect(url_for("clips.watch", clip_id=clip_id, t=comment.at_seconds))
