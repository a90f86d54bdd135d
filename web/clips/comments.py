"""Feedback on a clip: list, add, reply, edit, delete, mark seen (routes on the clips blueprint).

Every write answers JSON to a client that asks for it (the watch page's XHR), with the thread
it changed, so the page updates without a reload; other clients are sent back to the clip.
"""

from __future__ import annotations

import math

from flask import jsonify, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from wtforms import FloatField

from service import policy
from service.feedback import comments as feedback_comments
from service.feedback.comments import Thread
from service.models import Comment
from web.clips.forms import CommentForm, EditCommentForm, ReplyForm, SeenForm
from web.errors import wants_json
from web.resources import db


def comment_json(item: Comment | Thread) -> dict[str, object]:
    """Describe a comment, or a thread (its top-level comment with the replies under it)."""
    if isinstance(item, Thread):
        data = _one(item.comment)
        data["replies"] = [_one(reply) for reply in item.replies]
        return data
    return _one(item)


def comment_fields(comment: Comment) -> dict[str, object]:
    """What the page and the API both say of a comment (a deleted one keeps only its place)."""
    deleted = comment.is_deleted
    data: dict[str, object] = {
        "id": comment.id,
        "parent_id": comment.parent_id,
        "at_seconds": comment.at_seconds,
        "body": "" if deleted else comment.body,
        "author": "" if deleted else comment.author.name,
        "edited": comment.edited_at is not None,
        "deleted": deleted,
    }
    if comment.parent_id is None:  # a reply has its thread's moment and no kind of its own
        data.update(
            kind=comment.kind.value,
            end_seconds=comment.end_seconds,
            seen=comment.seen_at is not None,
        )
    return data


def _one(comment: Comment) -> dict[str, object]:
    data = comment_fields(comment)
    data.update(
        created_at=comment.created_at.isoformat(),
        can_edit=not comment.is_deleted and policy.can_edit_comment(current_user, comment),
        urls={
            "reply": url_for("clips.reply_comment", clip_id=comment.clip_id, comment_id=comment.id),
            "edit": url_for("clips.edit_comment", clip_id=comment.clip_id, comment_id=comment.id),
            "delete": url_for(
                "clips.delete_comment", clip_id=comment.clip_id, comment_id=comment.id
            ),
            "seen": url_for("clips.mark_seen", clip_id=comment.clip_id, comment_id=comment.id),
        },
    )
    if comment.parent_id is None:
        data.update(
            kind_label=comment.kind.label,
            by_owner=comment.author_id == comment.clip.owner_id,
            seen_at=comment.seen_at.isoformat() if comment.seen_at else None,
        )
    return data


def _changed(comment: Comment, status: int = 200):
    """Answer a write: the comment and its thread as now shown (null when no longer listed)."""
    thread = Thread.of(comment)
    if wants_json():
        return jsonify(
            comment=None if comment.is_deleted else comment_json(comment),
            thread_id=thread.comment.id,
            thread=comment_json(thread) if thread.shown else None,
        ), status
    return redirect(url_for("clips.watch", clip_id=comment.clip_id, t=thread.comment.at_seconds))


def _seconds(field: FloatField) -> float | None:
    """Read an optional number: None when left empty, NaN when not a number (the use case says)."""
    raw = (field.raw_data or [""])[0]
    if str(raw).strip() == "":
        return None
    return field.data if field.data is not None else math.nan


def comments(clip_id: int) -> ResponseReturnValue:
    """Answer a clip's comment threads as JSON."""
    found = feedback_comments.clip_comments(db(), current_user, clip_id)
    return jsonify(comments=[comment_json(t) for t in found])


# The forms are validated by the use cases, not by WTForms: they check access first (404/403)
# and then the values, so a user who may not see the clip learns nothing from a message.
def add_comment(clip_id: int) -> ResponseReturnValue:
    """Add a comment at a moment of a clip."""
    form = CommentForm()
    at_seconds = _seconds(form.at_seconds)
    comment = feedback_comments.add_comment(
        db(),
        current_user,
        clip_id,
        at_seconds=math.nan if at_seconds is None else at_seconds,
        end_seconds=_seconds(form.end_seconds),
        kind=form.kind.data or "note",
        body=form.body.data or "",
    )
    if wants_json():
        return jsonify(comment=comment_json(Thread.of(comment))), 201
    return redirect(url_for("clips.watch", clip_id=clip_id, t=comment.at_seconds))


def reply_comment(clip_id: int, comment_id: int) -> ResponseReturnValue:
    """Reply to a comment."""
    form = ReplyForm()
    reply = feedback_comments.reply_to_comment(
        db(), current_user, clip_id, comment_id, body=form.body.data or ""
    )
    return _changed(reply, 201)


def edit_comment(clip_id: int, comment_id: int) -> ResponseReturnValue:
    """Change a comment's text (and kind)."""
    form = EditCommentForm()
    comment = feedback_comments.edit_comment(
        db(),
        current_user,
        clip_id,
        comment_id,
        body=form.body.data or "",
        kind=form.kind.data or None,
    )
    return _changed(comment)


def delete_comment(clip_id: int, comment_id: int) -> ResponseReturnValue:
    """Delete a comment."""
    comment = feedback_comments.delete_comment(db(), current_user, clip_id, comment_id)
    return _changed(comment)


def mark_seen(clip_id: int, comment_id: int) -> ResponseReturnValue:
    """Mark a comment seen by the clip's owner, or not seen again."""
    form = SeenForm()
    seen = (form.seen.data or "true").lower() not in {"false", "0", "no"}
    comment = feedback_comments.mark_seen(db(), current_user, clip_id, comment_id, seen=seen)
    return _changed(comment)
