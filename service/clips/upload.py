"""Uploading a clip: the uploader's details, their school, the quota, the privacy choices,
and registering the upload with its original in storage."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import BinaryIO

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service import policy
from service.errors import Forbidden, InvalidInput, TooLarge, size_text
from service.models import (
    BlurStatus,
    Clip,
    ClipKind,
    ClipStatus,
    ConsentState,
    LawfulBasis,
    Role,
    School,
    SchoolClass,
    UploadSession,
    User,
    utcnow,
)
from service.privacy.settings import school_classes
from service.storage.base import Storage
from service.storage.keys import original_key

log = logging.getLogger(__name__)

MAX_TITLE = 200
DEFAULT_QUOTA = 25 * 1024**3  # the USER_QUOTA default; callers pass the configured quota


@dataclass(frozen=True)
class UploadDetails:
    """What the uploader says about a clip."""

    kind: ClipKind
    title: str
    recorded_on: date
    filename: str
    step_id: int | None = None  # a rehearsal's action step
    # The consent register and privacy choices (service.privacy); blur_faces None: the default.
    class_id: int | None = None
    lawful_basis: LawfulBasis = LawfulBasis.PUBLIC_TASK
    consent_state: ConsentState = ConsentState.NOT_RECORDED
    recorded_by: str = ""
    blur_faces: bool | None = None


def uploader_role(kind: ClipKind) -> Role:
    """Return the role in which someone uploads this kind of clip (model clips: a mentor's)."""
    return Role.MENTOR if kind == ClipKind.MODEL else Role.ECT


def school_for_upload(user: User, kind: ClipKind) -> int:
    school_ids = user.school_ids(uploader_role(kind))
    if not school_ids:
        raise Forbidden("You cannot upload this kind of clip.")
    return school_ids[0]


def check_details(
    session: Session,
    user: User,
    details: UploadDetails,
    kinds: tuple[ClipKind, ...] | None = None,
) -> tuple[str, int | None, int | None]:
    """Check what the uploader says about a clip; return (title, step id, attempt number).

    ``kinds``: those the clip may be (default: those the user uploads).
    """
    if details.kind not in (policy.upload_kinds(user) if kinds is None else kinds):
        raise Forbidden("You cannot upload this kind of clip.")
    title = details.title.strip()
    if not title:
        raise InvalidInput("Please give the clip a title.")
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"Please keep the title under {MAX_TITLE} characters.")
    if details.recorded_on > date.today() + timedelta(days=1):
        raise InvalidInput("The date recorded cannot be in the future.")
    step_id = attempt = None
    if details.step_id is not None:
        if details.kind != ClipKind.REHEARSAL:
            raise InvalidInput("Only rehearsals are linked to an action step.")
        from service.coaching.rehearsals import rehearsal_step

        step_id, attempt = rehearsal_step(session, user, details.step_id)
    return title, step_id, attempt


def used_bytes(session: Session, user_id: int) -> int:
    """Count a user's clip storage: their clips' originals and their uploads in progress."""
    clips_total = session.scalar(
        select(func.coalesce(func.sum(Clip.original_size), 0)).where(Clip.owner_id == user_id)
    )
    open_total = session.scalar(
        select(func.coalesce(func.sum(UploadSession.length), 0)).where(
            UploadSession.owner_id == user_id
        )
    )
    return int(clips_total or 0) + int(open_total or 0)


def lock_quota(session: Session, user_id: int) -> int:
    """Hold the user's quota until this transaction ends, then count what they use."""
    # Two uploads must not both count the same free room: the check and the reservation that
    # follows are one step, because the next upload of this user waits here until we commit.
    if session.get_bind().dialect.name == "sqlite":
        # SQLite has no row locks; any write takes its one write lock, held until the commit.
        session.execute(update(User).where(User.id == user_id).values(active=User.active))
    else:
        # FOR NO KEY UPDATE, not FOR UPDATE: rows that merely refer to the user (comments,
        # audit events) are still written meanwhile.
        session.execute(select(User.id).where(User.id == user_id).with_for_update(key_share=True))
    return used_bytes(session, user_id)


def quota_message(quota_bytes: int) -> str:
    """Say, in words a teacher can act on, that an upload would pass their storage quota."""
    return (
        f"This upload would take you past your {size_text(quota_bytes)} of clip storage. "
        "Please ask your induction coordinator to remove clips you no longer need, "
        "then try again."
    )


def register_upload(
    session: Session,
    storage: Storage,
    user: User,
    details: UploadDetails,
    stream: BinaryIO,
    *,
    max_bytes: int,
    quota_bytes: int = DEFAULT_QUOTA,
) -> Clip:
    """Store an uploaded original and record the clip as ``uploaded``, ready for processing."""
    title, step_id, attempt = check_details(session, user, details)
    school_id = school_for_upload(user, details.kind)
    chosen = upload_privacy(session, user, school_id, details)
    # The lock is held while the bytes arrive, until the commit records their size.
    room = quota_bytes - lock_quota(session, user.id)
    if room <= 0:
        session.rollback()  # let the next upload's quota check go ahead
        raise TooLarge(quota_message(quota_bytes))

    clip = Clip(
        owner_id=user.id,
        school_id=school_id,
        kind=details.kind,
        title=title,
        recorded_on=details.recorded_on,
        status=ClipStatus.UPLOADED,
        original_key="",
        original_filename=details.filename[:300] or "upload",
        original_size=0,
        step_id=step_id,
        attempt=attempt,
        class_id=chosen.class_id,
        lawful_basis=chosen.lawful_basis,
        consent_state=chosen.consent_state,
        recorded_by=chosen.recorded_by,
        audio_only=chosen.audio_only,
    )
    if chosen.consent_state != ConsentState.NOT_RECORDED:
        clip.consent_updated_by_id, clip.consent_updated_at = user.id, utcnow()
    if chosen.blur:
        # The blur worker's sweeper picks REQUESTED clips up once they are playable.
        clip.blur_status, clip.blur_requested_by_id = BlurStatus.REQUESTED, user.id
    session.add(clip)
    session.flush()  # the id names the storage key
    key = original_key(clip.id)
    try:
        try:
            size = storage.put_stream(key, stream, max_bytes=min(max_bytes, room))
        except TooLarge:
            if room < max_bytes:
                raise TooLarge(quota_message(quota_bytes)) from None
            raise
        if size == 0:
            raise InvalidInput("The file is empty. Please choose the video file again.")
        clip.original_key = key
        clip.original_size = size
        session.commit()
    except BaseException:
        session.rollback()
        storage.delete(key)
        raise
    log.info("clip %s uploaded by user %s (%d bytes)", clip.id, user.id, size)
    return clip


# --- the upload form's privacy choices ---------------------------------------------------------


@dataclass(frozen=True)
class UploadPrivacy:
    """The upload form's privacy choices, checked and with the school's defaults applied."""

    class_id: int | None
    lawful_basis: LawfulBasis
    consent_state: ConsentState
    recorded_by: str
    audio_only: bool
    blur: bool  # faces will be blurred: chosen, or required by the consent state


def upload_privacy(
    session: Session, user: User, school_id: int, details: UploadDetails
) -> UploadPrivacy:
    """Check the upload's class and consent record and decide on sound only and blurring."""
    school_class = None
    if details.class_id is not None:
        school_class = session.get(SchoolClass, details.class_id)
        if school_class is None or school_class.school_id != school_id:
            raise InvalidInput("Please choose one of your school's classes, or no class.")
    recorded_by = " ".join(details.recorded_by.split()) or user.name
    if len(recorded_by) > 200:
        raise InvalidInput("Please keep the name of who recorded it under 200 characters.")
    audio_only = school_class is not None and school_class.audio_only
    wanted = details.blur_faces
    if wanted is None:
        school = session.get(School, school_id)
        wanted = bool(school and school.blur_by_default)
    # A sound-only clip keeps no picture, so there are no faces to blur.
    blur = (wanted or details.consent_state.requires_blur) and not audio_only
    return UploadPrivacy(
        class_id=school_class.id if school_class is not None else None,
        lawful_basis=details.lawful_basis,
        consent_state=details.consent_state,
        recorded_by=recorded_by,
        audio_only=audio_only,
        blur=blur,
    )


@dataclass(frozen=True)
class UploadFormChoices:
    """What the upload form offers: the uploader's school's classes and its blur default."""

    classes: list[SchoolClass]
    blur_by_default: bool


def upload_form_choices(session: Session, user: User) -> UploadFormChoices:
    """Return the classes and blur default the upload form shows for the uploader's school."""
    kinds = policy.upload_kinds(user)
    if not kinds:
        return UploadFormChoices([], False)
    school_id = school_for_upload(user, kinds[0])
    school = session.get(School, school_id)
    return UploadFormChoices(
        school_classes(session, school_id), bool(school and school.blur_by_default)
    )
