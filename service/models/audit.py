"""The audit log: who viewed or changed what, when and from where. Written, never edited."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.models.base import Base, str_enum, utcnow
from service.models.org import User


class AuditAction(enum.StrEnum):
    VIEW_CLIP = "view_clip"
    DOWNLOAD_TRANSCRIPT = "download_transcript"
    EXPORT = "export"
    PERMISSION_CHANGE = "permission_change"
    # Children's privacy:
    VIEW_ORIGINAL = "view_original"
    REQUEST_BLUR = "request_blur"
    BLUR_TOUCH_UP = "blur_touch_up"
    VIEW_BLUR_REVIEW = "view_blur_review"
    CONFIRM_BLUR = "confirm_blur"
    RECORD_CONSENT = "record_consent"
    SHARE_CLIP = "share_clip"
    REVOKE_SHARE = "revoke_share"
    EXTEND_RETENTION = "extend_retention"
    RETENTION_DELETE = "retention_delete"
    DELETE_CLIP = "delete_clip"  # its owner deleted it (service.clips.manage)
    CUT_HIGHLIGHT = "cut_highlight"  # a highlight cut from a clip (service.clips.highlights)
    PRIVACY_SETTINGS = "privacy_settings"
    SHARE_TALK = "share_talk"
    ASK_CONSENT = "ask_consent"  # an ECT asked the coordinators to record consent
    CLOSE_CONSENT_ASK = "close_consent_ask"  # a coordinator marked that request done
    # People (service.people):
    MANAGE_SCHOOL = "manage_school"  # a school added or its details changed
    ADD_PERSON = "add_person"  # one by one or from a roster file
    CHANGE_PERSON = "change_person"  # name, roles, induction dates
    IMPORT_ROSTER = "import_roster"  # a roster file applied (one event; each person has theirs)
    INVITE = "invite"  # an invitation to set a password sent or sent again
    PAIR = "pair"  # a pairing started, changed or ended
    DEACTIVATE = "deactivate"
    REACTIVATE = "reactivate"
    ROLL_OVER = "roll_over"  # year 1 to year 2, or induction completed
    SIGN_IN_SETTINGS = "sign_in_settings"  # a trust's single sign-on changed

    @property
    def label(self) -> str:
        return {
            "view_clip": "Viewed a clip",
            "download_transcript": "Downloaded a transcript",
            "export": "Exported a report",
            "permission_change": "Changed who may see what",
            "view_original": "Watched an unblurred original",
            "request_blur": "Asked for faces to be blurred",
            "blur_touch_up": "Changed the areas to blur",
            "view_blur_review": "Watched a blurred video to check it",
            "confirm_blur": "Shared a blurred video after checking it",
            "record_consent": "Recorded consent for a clip",
            "share_clip": "Shared a clip with a colleague",
            "revoke_share": "Revoked a share",
            "extend_retention": "Kept a clip past its deletion date",
            "retention_delete": "Deleted under the retention policy",
            "delete_clip": "Deleted their own clip",
            "cut_highlight": "Cut a highlight from a clip",
            "privacy_settings": "Changed a school's privacy settings",
            "share_talk": "Changed who sees their talk figures",
            "ask_consent": "Asked for consent to be recorded",
            "close_consent_ask": "Marked a consent request done",
            "manage_school": "Added or changed a school",
            "add_person": "Added a person",
            "change_person": "Changed a person's details",
            "import_roster": "Imported a roster file",
            "invite": "Sent an invitation",
            "pair": "Changed a mentor pairing",
            "deactivate": "Deactivated a person",
            "reactivate": "Reactivated a person",
            "roll_over": "Moved ECTs on a year",
            "sign_in_settings": "Changed single sign-on",
        }[self.value]


class AuditEvent(Base):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[AuditAction] = mapped_column(str_enum(AuditAction), index=True)
    clip_id: Mapped[int | None] = mapped_column(
        ForeignKey("clips.id", ondelete="SET NULL"), default=None, index=True
    )
    subject_id: Mapped[int | None] = mapped_column(  # the person the event concerns
        ForeignKey("users.id"), default=None, index=True
    )
    school_id: Mapped[int | None] = mapped_column(
        ForeignKey("schools.id"), default=None, index=True
    )
    detail: Mapped[str] = mapped_column(String(500), default="")
    ip: Mapped[str] = mapped_column(String(64), default="")

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id], lazy="joined")
    subject: Mapped[User | None] = relationship(foreign_keys=[subject_id], lazy="joined")


@event.listens_for(AuditEvent, "before_update")
def _refuse_edits(_mapper, _connection, target: AuditEvent) -> None:
    raise ValueError(f"audit event {target.id} cannot be changed")


@event.listens_for(AuditEvent, "before_delete")
def _refuse_deletes(_mapper, _connection, target: AuditEvent) -> None:
    raise ValueError(f"audit event {target.id} cannot be deleted")
