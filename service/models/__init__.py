"""SQLAlchemy models, split by area."""

from service.models.base import Base, utcnow
from service.models.clips import Clip, ClipKind, ClipStatus, TranscriptStatus
from service.models.coaching import (
    TEACHERS_STANDARDS,
    ActionStep,
    CoachingSession,
    CriterionCheck,
    StepStatus,
    StepTemplate,
    Strand,
)
from service.models.comments import Comment, CommentKind
from service.models.org import Membership, Mentorship, Role, School, Trust, User
from service.models.transcripts import TranscriptSegment

__all__ = [
    "TEACHERS_STANDARDS",
    "ActionStep",
    "CoachingSession",
    "CriterionCheck",
    "StepStatus",
    "StepTemplate",
    "Strand",
    "Base",
    "Clip",
    "ClipKind",
    "ClipStatus",
    "Comment",
    "CommentKind",
    "Membership",
    "Mentorship",
    "Role",
    "School",
    "TranscriptSegment",
    "TranscriptStatus",
    "Trust",
    "User",
    "utcnow",
]
