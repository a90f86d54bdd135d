"""A step started from feedback: a mentor's "next step" comment on an ECT's clip gives the new
step its title, and the step keeps a link to that moment of the clip."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from service import policy
from service.coaching.steps import MAX_TITLE
from service.models import Comment, User

# "Next step: pause before naming" -> "Pause before naming": the label says nothing a title needs.
_LABEL = re.compile(r"^(?:next\s+steps?|next|step)\s*[:\-–—]\s*", re.IGNORECASE)
_SENTENCE = re.compile(r"(.+?[.!?])(?:\s|$)")


@dataclass(frozen=True)
class FeedbackSource:
    """The comment a new step comes from, as the step form shows it."""

    comment_id: int
    clip_id: int
    clip_title: str
    at_seconds: float
    author: str
    kind: str  # "next step", "note"…, as the form says it
    body: str
    title: str  # the step's title, drawn from the comment


def title_from(body: str) -> str:
    """Draw a step title from a comment: its words on one line, without a "Next step:" label,
    cut to its first sentence (or to whole words) where it is longer than a title may be."""
    text = _LABEL.sub("", " ".join(body.split()))
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if len(text) <= MAX_TITLE:
        return text
    sentence = _SENTENCE.match(text)
    if sentence and len(sentence.group(1)) <= MAX_TITLE:
        return sentence.group(1)
    words = text[: MAX_TITLE - 1].rsplit(" ", 1)[0]
    return words.rstrip(" ,;:") + "…"


def feedback_source(
    session: Session, mentor: User, ect_id: int, comment_id: int | None
) -> FeedbackSource | None:
    """Return the comment a new step for this ECT can start from: one on the ECT's own clip
    that the mentor can see and that is not deleted; None for any other (the form then starts
    blank, as if no comment had been named)."""
    if comment_id is None:
        return None
    comment = session.get(Comment, comment_id)
    if comment is None or comment.is_deleted or comment.clip.owner_id != ect_id:
        return None
    if not policy.can_view_clip(session, mentor, comment.clip):
        return None
    return FeedbackSource(
        comment_id=comment.id,
        clip_id=comment.clip_id,
        clip_title=comment.clip.title,
        at_seconds=comment.at_seconds,
        author=comment.author.name,
        kind=comment.kind.label.lower(),
        body=comment.body,
        title=title_from(comment.body),
    )
