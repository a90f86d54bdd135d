"""SQLAlchemy models, split by area."""

from service.models.audit import AuditAction, AuditEvent
from service.models.base import Base, utcnow
from service.models.clips import Clip, ClipKind, ClipStatus, HighlightCut, TranscriptStatus
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
from service.models.induction import HalfTerm, Observation, ObservationKind
from service.models.notify import (
    DeliveryMode,
    Notification,
    NotificationPreference,
    ScheduledRun,
)
from service.models.org import (
    Membership,
    Mentorship,
    Role,
    School,
    TeacherMicrophone,
    Trust,
    User,
)
from service.models.people import AccessToken, MailMessage, MailStatus, SignInProvider
from service.models.privacy import (
    BlurRegion,
    BlurStatus,
    ClipShare,
    ConsentRequest,
    ConsentState,
    LawfulBasis,
    SchoolClass,
)
from service.models.review import (
    DEFAULT_RUBRIC,
    ReviewerAssignment,
    ReviewNote,
    ReviewReply,
    RubricItem,
    SessionReview,
    Verdict,
)
from service.models.talk import ClipTalk
from service.models.transcripts import TranscriptSegment
from service.models.uploads import UploadSession

__all__ = [
    "AccessToken",
    "DeliveryMode",
    "Notification",
    "NotificationPreference",
    "ScheduledRun",
    "MailMessage",
    "MailStatus",
    "SignInProvider",
    "BlurRegion",
    "BlurStatus",
    "ClipShare",
    "ConsentRequest",
    "ClipTalk",
    "ConsentState",
    "LawfulBasis",
    "SchoolClass",
    "DEFAULT_RUBRIC",
    "AuditAction",
    "AuditEvent",
    "HalfTerm",
    "Observation",
    "ObservationKind",
    "ReviewNote",
    "ReviewReply",
    "ReviewerAssignment",
    "RubricItem",
    "SessionReview",
    "Verdict",
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
    "HighlightCut",
    "Comment",
    "CommentKind",
    "Membership",
    "Mentorship",
    "Role",
    "TeacherMicrophone",
    "School",
    "TranscriptSegment",
    "TranscriptStatus",
    "Trust",
    "UploadSession",
    "User",
    "utcnow",
]
