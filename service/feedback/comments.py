"""Use cases for feedback on clips: comments at a moment or over a range, one level of
replies, edits and deletions by the author, and the clip owner marking feedback seen.

Every use case checks access first (a clip the user may not see answers NotFound, an action
they may not take answers Forbidden) and only then the values, so a refusal message never
tells a user something about a clip they may not see.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.clips.visibility import get_visible_clip
from service.errors import Forbidden, InvalidInput, NotFound
from service.models import Clip, ClipStatus, Comment, CommentKind, User, utcnow
from service.notify import events

MAX_COMMENT = 5000
# The player can report a time a little past the probed duration on the last frame.
END_SLACK = 0.5


@dataclass(frozen=True)
class Thread:
    """A top-level comment, perhaps a tombstone, with its replies that are not deleted."""

    comment: Comment
    replies: list[Comment]

    @classmethod
    def of(cls, comment: Comment) -> Thread:
        """Return the thread a comment (top-level or a reply) belongs to."""
        top = comment.parent or comment
        return cls(top, [r for r in top.replies if not r.is_deleted])

    @property
    def shown(self) -> bool:
        """Say whether the thread is listed: a deleted comment stays only to hold its replies."""
        return not self.comment.is_deleted or bool(self.replies)


def add_comment(
    session: Session,
    user: User,
    clip_id: int,
    *,
    at_seconds: float,
    body: str,
    kind: CommentKind | str = CommentKind.NOTE,
    end_seconds: float | None = None,
) -> Comment:
    """Add feedback at a moment, or over a range, of a clip the user may comment on."""
    clip = _commentable_clip(session, user, clip_id)
    # A clip still processing plays (and takes feedback) as far as its stream is done.
    playing = clip.status == ClipStatus.PROCESSING and clip.duration is not None
    if clip.status != ClipStatus.READY and not playing:
        raise InvalidInput("You can comment once the clip starts to play.")
    text = _body(body)
    comment_kind = _kind(kind)
    at, end = _span(clip, at_seconds, end_seconds)
    comment = Comment(
        clip_id=clip.id,
        author_id=user.id,
        kind=comment_kind,
        at_seconds=at,
        end_seconds=end,
        body=text,
    )
    session.add(comment)
    events.comment_added(session, comment)
    session.commit()
    return comment


def reply_to_comment(
    session: Session, user: User, clip_id: int, comment_id: int, *, body: str
) -> Comment:
    """Reply in a comment's thread; a reply to a reply joins the same thread."""
    clip = _commentable_clip(session, user, clip_id)
    target = session.get(Comment, comment_id)
    if target is None or not policy.can_view_clip(session, user, target.clip):
        raise NotFound("We could not find the comment you are replying to.")
    if target.clip_id != clip.id:
        raise InvalidInput("You can only reply to feedback on this clip.")
    parent = target.parent or target  # one level of thread
    if target.is_deleted or parent.is_deleted:
        raise InvalidInput("That comment has been deleted, so it cannot take new replies.")
    text = _body(body)
    # A reply has no moment or kind of its own: it keeps its thread's moment, as a note.
    reply = Comment(
        clip_id=clip.id,
        author_id=user.id,
        parent=parent,
        kind=CommentKind.NOTE,
        at_seconds=parent.at_seconds,
        body=text,
    )
    session.add(reply)
    events.comment_added(session, reply)
    session.commit()
    return reply


def edit_comment(
    session: Session,
    user: User,
    clip_id: int,
    comment_id: int,
    *,
    body: str,
    kind: CommentKind | str | None = None,
) -> Comment:
    """Change the words (and, for a top-level comment, the kind) of the user's own comment."""
    clip = get_visible_clip(session, user, clip_id)
    comment = _live_comment(session, clip, comment_id)
    if not policy.can_edit_comment(user, comment):
        raise Forbidden("Only the person who wrote a comment can edit it.")
    text = _body(body)
    new_kind = comment.kind
    if kind is not None and kind != "":
        if comment.parent_id is not None:
            raise InvalidInput("A reply has no kind of its own; only its words can change.")
        new_kind = _kind(kind)
    if text == comment.body and new_kind == comment.kind:
        return comment  # nothing changed, so it is not marked edited
    comment.body = text
    comment.kind = new_kind
    comment.edited_at = utcnow()
    # "Seen" means the teacher saw these words: changed words are unseen again.
    comment.seen_at = None
    comment.seen_by_id = None
    session.commit()
    return comment


def delete_comment(session: Session, user: User, clip_id: int, comment_id: int) -> Comment:
    """Delete the user's own comment, keeping a tombstone while it still has replies."""
    clip = get_visible_clip(session, user, clip_id)
    comment = _live_comment(session, clip, comment_id)
    if not policy.can_edit_comment(user, comment):
        raise Forbidden("Only the person who wrote a comment can delete it.")
    # The row stays (its replies hang from it, and a tombstone shows where they belong); the
    # words go.
    comment.deleted_at = utcnow()
    comment.body = ""
    session.commit()
    return comment


def mark_seen(
    session: Session, user: User, clip_id: int, comment_id: int, *, seen: bool = True
) -> Comment:
    """Mark feedback on the user's own clip as seen (or not seen again)."""
    clip = get_visible_clip(session, user, clip_id)
    comment = _live_comment(session, clip, comment_id)
    if not policy.can_mark_seen(user, clip):
        raise Forbidden("Only the teacher whose clip this is can mark feedback as seen.")
    if comment.parent_id is not None:
        raise InvalidInput("Mark the comment this reply belongs to as seen instead.")
    if comment.author_id == clip.owner_id:
        raise InvalidInput("This is your own comment; only feedback from others is marked seen.")
    if seen and comment.seen_at is None:
        comment.seen_at = utcnow()
        comment.seen_by_id = user.id
    elif not seen:
        comment.seen_at = None
        comment.seen_by_id = None
    session.commit()
    return comment


def clip_comments(session: Session, user: User, clip_id: int) -> list[Thread]:
    """List a visible clip's feedback as threads in time order, deleted comments left out.

    A colleague the clip is lent to gets none unless its ECT chose to share the feedback.
    """
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_read_feedback(session, user, clip):
        return []
    rows = session.scalars(select(Comment).where(Comment.clip_id == clip.id).order_by(Comment.id))
    tops: list[Comment] = []
    replies: dict[int, list[Comment]] = defaultdict(list)
    for comment in rows:
        if comment.parent_id is None:
            tops.append(comment)
        elif not comment.is_deleted:
            replies[comment.parent_id].append(comment)
    threads = [Thread(top, replies[top.id]) for top in tops]
    shown = [t for t in threads if t.shown]
    shown.sort(key=lambda t: (t.comment.at_seconds, t.comment.id))
    return shown


def _commentable_clip(session: Session, user: User, clip_id: int) -> Clip:
    clip = get_visible_clip(session, user, clip_id)
    if not policy.can_comment(session, user, clip):
        raise Forbidden("You can watch this clip but not comment on it.")
    return clip


def _live_comment(session: Session, clip: Clip, comment_id: int) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.clip_id != clip.id:
        raise NotFound("We could not find that comment on this clip.")
    if comment.is_deleted:
        raise NotFound("That comment has been deleted.")
    return comment


def _body(body: str) -> str:
    text = body.strip()
    if not text:
        raise InvalidInput("Please write a comment first.")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"Please keep a comment under {MAX_COMMENT} characters.")
    return text


def _kind(kind: CommentKind | str) -> CommentKind:
    try:
        return CommentKind(kind)
    except ValueError:
        names = ", ".join(k.label.lower() for k in CommentKind)
        raise InvalidInput(f"Please choose a kind of feedback: {names}.") from None


def _span(clip: Clip, at_seconds: float, end_seconds: float | None) -> tuple[float, float | None]:
    if not math.isfinite(at_seconds) or at_seconds < 0:
        raise InvalidInput("The comment's time must be a moment in the clip.")
    if clip.duration is not None and at_seconds > clip.duration + END_SLACK:
        raise InvalidInput("The comment's time is after the end of the clip.")
    at = round(at_seconds, 2)
    if end_seconds is None:
        return at, None
    if not math.isfinite(end_seconds) or end_seconds < 0:
        raise InvalidInput("The end of the range must be a moment in the clip.")
    end = round(end_seconds, 2)
    if end <= at:
        raise InvalidInput("The end of the range must come after its start.")
    if clip.duration is not None and end_seconds > clip.duration + END_SLACK:
        raise InvalidInput("The end of the range is after the end of the clip.")
    return at, end
