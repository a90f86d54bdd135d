"""The API's clips: the list with its filters and pages, one clip, its status, its transcript,
and its comments (list, add, reply). Each calls the use case its page calls."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import asdict

from flask_login import current_user

from service import policy
from service.clips import browse, highlights, transcripts, visibility
from service.clips.highlights import CutFrom
from service.errors import Forbidden
from service.feedback import comments as feedback_comments
from service.feedback.comments import Thread
from service.models import Clip, ClipKind, Comment
from web.auditing import audit_transcript_read, audit_view, request_ip
from web.clips.comments import comment_fields
from web.clips.status import status_json
from web.resources import db, redis, settings
from workers.queues import enqueue_or_leave_to_sweeper, stale_window


def clip_data(clip: Clip, cut: CutFrom | None = None) -> dict[str, object]:
    """Describe a clip as the API's Clip schema does (``cut``: where it was cut from)."""
    return {
        "id": clip.id,
        "title": clip.title,
        "kind": clip.kind.value,
        "status": clip.status.value,
        "failure_reason": clip.failure_reason,
        "recorded_on": clip.recorded_on,
        "created_at": clip.created_at,
        "duration": clip.duration,
        "school_id": clip.school_id,
        "owner": {"id": clip.owner_id, "name": clip.owner.name},
        "step_id": clip.step_id,
        "transcript_status": clip.transcript_status.value if clip.transcript_status else None,
        "blur_status": clip.blur_status.value if clip.blur_status else None,
        "cut_from": None if cut is None else asdict(cut),
    }


def list_clips(query: dict) -> dict[str, object]:
    """List the clips the caller may see, newest first, filtered and a page at a time."""
    args = {
        key: str(value)
        for key, value in {
            "school": query.get("school"),
            "ect": query.get("ect"),
            "kind": query.get("kind"),
            "status": query.get("status"),
            "from": query.get("from_"),
            "to": query.get("to"),
            "page": query.get("page"),
        }.items()
        if value is not None
    }
    found = browse.browse(db(), current_user, args, per_page=query["per_page"])
    cuts = highlights.cuts_from(db(), current_user, found.clips)
    return {
        "items": [clip_data(clip, cuts.get(clip.id)) for clip in found.clips],
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
        "notes": found.notes,
    }


def get_clip(clip_id: int) -> dict[str, object]:
    """Read one clip the caller may see (recorded in the audit log as a view)."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    audit_view(clip, "API")
    return clip_data(clip, highlights.cut_from(db(), current_user, clip))


def clip_status(clip_id: int) -> dict[str, object]:
    """Say where a clip has got: processing, its transcript and its face blur."""
    clip = visibility.get_visible_clip(db(), current_user, clip_id)
    return status_json(clip)


def clip_transcript(clip_id: int) -> dict[str, object]:
    """Read a clip's transcript (recorded in the audit log as a transcript read)."""
    clip, segments = transcripts.clip_transcript(db(), current_user, clip_id)
    if segments:
        audit_transcript_read(clip, "API")
    return {
        "clip_id": clip.id,
        "status": clip.transcript_status.value if clip.transcript_status else None,
        "segments": [{"start": s.start, "end": s.end, "text": s.text} for s in segments],
    }


def comment_data(comment: Comment, replies: list[Comment] | None = None) -> dict[str, object]:
    """Describe a comment (with its replies, for a thread) as the Comment schema does."""
    data = comment_fields(comment)
    data["created_at"] = comment.created_at
    if comment.parent_id is None:
        data["replies"] = [comment_data(reply) for reply in replies or []]
    return data


def commentable_first(view: Callable) -> Callable:
    """Check that the caller may comment on the clip before the request's body is read, so
    someone who may not see it gets 404 (and a watcher 403) whatever they sent, as pages do."""

    @functools.wraps(view)
    def checked(*args, **kwargs):
        clip = visibility.get_visible_clip(db(), current_user, kwargs["clip_id"])
        if not policy.can_comment(db(), current_user, clip):
            raise Forbidden("You can watch this clip but not comment on it.")
        return view(*args, **kwargs)

    return checked


def list_comments(clip_id: int) -> dict[str, object]:
    """List a clip's comment threads, in the order of the clip."""
    found = feedback_comments.clip_comments(db(), current_user, clip_id)
    return {"comments": [comment_data(t.comment, t.replies) for t in found]}


def add_comment(body: dict, clip_id: int) -> dict[str, object]:
    """Add a comment at a moment of a clip (the owner and the owner's mentor)."""
    end = body.get("end_seconds")
    comment = feedback_comments.add_comment(
        db(),
        current_user,
        clip_id,
        at_seconds=body.get("at_seconds", math.nan),
        end_seconds=end,
        kind=body.get("kind") or "note",
        body=body.get("body") or "",
    )
    thread = Thread.of(comment)
    return comment_data(thread.comment, thread.replies)


def reply_comment(body: dict, clip_id: int, comment_id: int) -> dict[str, object]:
    """Reply to a comment on a clip."""
    reply = feedback_comments.reply_to_comment(
        db(), current_user, clip_id, comment_id, body=body.get("body") or ""
    )
    return comment_data(reply)


def cut_highlight(body: dict, clip_id: int) -> dict[str, object]:
    """Save a part of a clip as a highlight (its teacher and their mentor); a worker cuts it."""
    request = highlights.HighlightRequest(
        start=body["start"],
        end=body["end"],
        title=body["title"],
        kind=ClipKind(body["kind"]),
        with_comments=body["with_comments"],
        with_transcript=body["with_transcript"],
        exact=body["exact"],
    )
    clip = highlights.cut_highlight(db(), current_user, clip_id, request, ip=request_ip())
    enqueue_or_leave_to_sweeper(
        redis(), "processing", clip.id, None, stale_after=stale_window(settings())
    )
    return clip_data(clip, highlights.cut_from(db(), current_user, clip))
