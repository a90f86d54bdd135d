"""A mentor's "feedback on my coaching": their reviewers' notes month by month, and counts per
rubric item so that a pattern ("your steps are often too big") stands out."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from service import policy
from service.errors import NotFound
from service.models import (
    ReviewNote,
    RubricItem,
    User,
    Verdict,
)
from service.review.assignments import mentor_school_ids
from service.review.notes import NoteTarget, note_targets
from service.review.rubrics import rubric_rows, trust_of_school


@dataclass(frozen=True)
class RubricCount:
    label: str
    strength: int = 0
    work_on: int = 0
    retired: bool = False

    @property
    def total(self) -> int:
        return self.strength + self.work_on

    @property
    def is_pattern(self) -> bool:
        """Work on, more than once and more often than a strength."""
        return self.work_on >= 2 and self.work_on > self.strength


@dataclass(frozen=True)
class FeedbackEntry:
    note: ReviewNote
    target: NoteTarget
    ect: User


@dataclass(frozen=True)
class MentorFeedback:
    mentor: User
    months: list[tuple[str, list[FeedbackEntry]]]  # newest month first, newest note first
    counts: list[RubricCount]  # most "work on" first
    total: int = 0
    patterns: list[RubricCount] = field(default_factory=list)


def mentor_feedback(session: Session, viewer: User, mentor_id: int) -> MentorFeedback:
    """Every review note the viewer may read on a mentor's coaching, over time and by item."""
    mentor = session.get(User, mentor_id)
    if mentor is None or not policy.can_view_mentor_feedback(session, viewer, mentor):
        raise NotFound("We could not find that mentor's coaching feedback.")
    notes = list(
        session.scalars(
            select(ReviewNote)
            .options(selectinload(ReviewNote.replies))
            .where(
                ReviewNote.mentor_id == mentor.id, policy.review_note_visibility(session, viewer)
            )
            .order_by(ReviewNote.created_at.desc(), ReviewNote.id.desc())
        )
    )
    targets = note_targets(session, notes)
    ects = {
        u.id: u for u in session.scalars(select(User).where(User.id.in_({n.ect_id for n in notes})))
    }
    months: list[tuple[str, list[FeedbackEntry]]] = []
    for note in notes:
        label = f"{note.created_at:%B %Y}"
        if not months or months[-1][0] != label:
            months.append((label, []))
        months[-1][1].append(FeedbackEntry(note, targets[note.id], ects[note.ect_id]))
    counts = _count_by_item(session, mentor, notes)
    return MentorFeedback(
        mentor=mentor,
        months=months,
        counts=counts,
        total=len(notes),
        patterns=[c for c in counts if c.is_pattern],
    )


def _count_by_item(session: Session, mentor: User, notes: list[ReviewNote]) -> list[RubricCount]:
    """Strengths and work-ons per rubric item, with the current rubric's unused items as zero."""
    items: dict[int, RubricItem] = {}
    schools = sorted(mentor_school_ids(mentor))
    if schools:
        current = rubric_rows(session, trust_of_school(session, schools[0]))
        items.update((item.id, item) for item in current if not item.retired)
    tally: dict[int, list[int]] = {item_id: [0, 0] for item_id in items}
    for note in notes:
        items.setdefault(note.rubric_item_id, note.rubric_item)
        pair = tally.setdefault(note.rubric_item_id, [0, 0])
        pair[0 if note.verdict == Verdict.STRENGTH else 1] += 1
    counts = [
        (items[item_id], RubricCount(items[item_id].label, s, w, items[item_id].retired))
        for item_id, (s, w) in tally.items()
    ]
    counts.sort(key=lambda pair: (-pair[1].work_on, -pair[1].strength, pair[0].position))
    return [count for _, count in counts]
