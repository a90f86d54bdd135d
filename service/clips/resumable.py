"""Resumable uploads (the tus protocol's use cases): start, append, finish, cancel, expire.

An upload session records what the uploader said about the clip, checked when the upload
starts with the same rules as the upload form, and how many bytes have arrived. The bytes are
staged in a file named by the session's random token in the uploads folder; when the last byte
arrives the staged file is registered as a clip through ``clips.register_upload`` (which puts it
in the configured storage) and removed. Nothing here knows about HTTP.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import ObjectDeletedError

from service.clips import upload as clips_upload
from service.errors import DomainError, InvalidInput, NotFound, TooLarge
from service.models import (
    Clip,
    UploadSession,
    User,
    utcnow,
)
from service.storage.base import Storage

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024  # bytes read from the request and written to the staged file at a time
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # what secrets.token_urlsafe(32) makes
CHECKSUMS = ("sha1", "sha256", "md5")  # the tus checksum extension's algorithms we accept
GONE = "We could not find that upload. It may have expired; please start the upload again."


class Conflict(DomainError):
    """The client's idea of the offset is not the server's (tus answers 409)."""

    status_code = 409


class Unsupported(DomainError):
    """A chunk sent in a form the protocol does not allow (tus answers 415)."""

    status_code = 415


class Busy(DomainError):
    """Another request is still writing to this upload (tus answers 423; the client retries)."""

    status_code = 423


class Expired(DomainError):
    """The upload was left too long and has been removed (tus answers 410)."""

    status_code = 410


class ChecksumMismatch(DomainError):
    """The bytes that arrived do not match the Upload-Checksum the client sent (tus: 460)."""

    status_code = 460


@dataclass(frozen=True)
class Limits:
    """The configured limits an upload is held to."""

    max_bytes: int
    quota_bytes: int
    expiry: timedelta


def staged_path(upload_dir: Path, token: str) -> Path:
    """Return the staged file of a session (the token is checked, so it can never escape)."""
    if not TOKEN.match(token):
        raise NotFound(GONE)
    return upload_dir / token


def create(
    session: Session,
    upload_dir: Path,
    user: User,
    details: clips_upload.UploadDetails,
    length: int,
    limits: Limits,
    *,
    now: datetime | None = None,
) -> UploadSession:
    """Start an upload of ``length`` bytes, refusing bad details, empty files and full quotas."""
    if length <= 0:
        raise InvalidInput("The file is empty. Please choose the video file again.")
    if length > limits.max_bytes:
        raise TooLarge.for_limit(limits.max_bytes)
    title, step_id, _attempt = clips_upload.check_details(session, user, details)
    school_id = clips_upload.school_for_upload(user, details.kind)
    chosen = clips_upload.upload_privacy(session, user, school_id, details)
    # Counted under the quota lock, which the commit below releases once the room is reserved.
    if clips_upload.lock_quota(session, user.id) + length > limits.quota_bytes:
        session.rollback()  # let the next upload's quota check go ahead
        raise TooLarge(clips_upload.quota_message(limits.quota_bytes))
    now = now or utcnow()
    upload = UploadSession(
        token=secrets.token_urlsafe(32),
        owner_id=user.id,
        school_id=school_id,
        kind=details.kind,
        title=title,
        recorded_on=details.recorded_on,
        step_id=step_id,
        class_id=chosen.class_id,
        lawful_basis=chosen.lawful_basis,
        consent_state=chosen.consent_state,
        recorded_by=chosen.recorded_by,
        blur_faces=chosen.blur,
        filename=details.filename[:300] or "upload",
        length=length,
        offset=0,
        created_at=now,
        updated_at=now,
        expires_at=now + limits.expiry,
    )
    session.add(upload)
    session.commit()
    # The row is committed before the file exists, so the sweeper, which lists files before it
    # reads the rows, never takes a new session's file for an orphan.
    upload_dir.mkdir(parents=True, exist_ok=True)
    staged_path(upload_dir, upload.token).touch()
    log.info("upload %s started by user %s (%d bytes)", upload.id, user.id, length)
    return upload


def get_own(
    session: Session, upload_dir: Path, user: User, token: str, *, now: datetime | None = None
) -> UploadSession:
    """Return the user's own upload session; anyone else's does not exist for them."""
    upload = (
        session.scalar(select(UploadSession).where(UploadSession.token == token))
        if TOKEN.match(token)
        else None
    )
    if upload is None or upload.owner_id != user.id:
        raise NotFound(GONE)
    if upload.expires_at <= (now or utcnow()):
        _remove(session, upload_dir, upload)
        raise Expired("This upload was left unfinished for too long. Please start it again.")
    return upload


def append(
    session: Session,
    upload_dir: Path,
    upload: UploadSession,
    offset: int,
    stream: BinaryIO,
    limits: Limits,
    *,
    content_length: int | None = None,
    checksum: tuple[str, bytes] | None = None,
    now: datetime | None = None,
) -> UploadSession:
    """Write the bytes of ``stream`` at ``offset``; keep what arrived if the stream breaks."""
    path = staged_path(upload_dir, upload.token)
    if content_length is not None and offset + content_length > upload.length:
        raise TooLarge("This chunk goes past the end of the file; the upload cannot continue.")
    try:
        handle = open(path, "r+b")
    except FileNotFoundError:
        _remove(session, upload_dir, upload)
        raise Expired(
            "This upload was left unfinished for too long. Please start it again."
        ) from None
    try:
        _lock(handle)
        try:
            session.refresh(upload)  # a request that held the lock may have moved the offset on
        except ObjectDeletedError:
            raise NotFound(GONE) from None  # cancelled or finished while this one waited
        if offset != upload.offset:
            raise Conflict(
                f"The upload is at byte {upload.offset}, not {offset}; resume from there."
            )
        # A crash between writing and recording the offset leaves bytes past it: drop them.
        handle.truncate(upload.offset)
        handle.seek(upload.offset)
        digest = hashlib.new(checksum[0]) if checksum else None
        written = 0
        remaining = upload.length - upload.offset
        try:
            while written < remaining:
                chunk = stream.read(min(CHUNK, remaining - written))
                if not chunk:
                    break
                handle.write(chunk)
                written += len(chunk)
                if digest is not None:
                    digest.update(chunk)
            if written == remaining and stream.read(1):
                written = 0  # more than the file's length: keep none of it
                raise TooLarge("This chunk goes past the end of the file.")
            if digest is not None and checksum is not None and digest.digest() != checksum[1]:
                written = 0  # tus: a chunk whose checksum fails is discarded whole
                raise ChecksumMismatch("The chunk arrived damaged; it will be sent again.")
        finally:
            # Whatever happened to the connection, what was written stays and counts, so the
            # client resumes from the last byte that really arrived.
            handle.truncate(upload.offset + written)
            handle.flush()
            os.fsync(handle.fileno())
            if written:
                moment = now or utcnow()
                upload.offset += written
                upload.updated_at = moment
                upload.expires_at = moment + limits.expiry
            session.commit()
    finally:
        handle.close()  # closing releases the lock
    return upload


def _lock(handle: BinaryIO) -> None:
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES):
            raise Busy("This upload is still receiving an earlier chunk; try again.") from None
        raise


def is_complete(upload: UploadSession) -> bool:
    return upload.offset == upload.length


def finish(
    session: Session,
    storage: Storage,
    upload_dir: Path,
    user: User,
    upload: UploadSession,
    limits: Limits,
) -> Clip:
    """Register the complete staged file as a clip, then remove the session and its file."""
    if not is_complete(upload):
        raise InvalidInput("The upload is not complete yet.")
    path = staged_path(upload_dir, upload.token)
    token = upload.token
    try:
        staged = open(path, "rb")
    except FileNotFoundError:
        raise NotFound(GONE) from None
    try:
        _lock(staged)  # one request finishes an upload, never two
        if session.scalar(select(UploadSession.id).where(UploadSession.token == token)) is None:
            raise NotFound(GONE)  # another request finished it while this one waited
        details = clips_upload.UploadDetails(
            kind=upload.kind,
            title=upload.title,
            recorded_on=upload.recorded_on,
            filename=upload.filename,
            step_id=upload.step_id,
            class_id=upload.class_id,
            lawful_basis=upload.lawful_basis,
            consent_state=upload.consent_state,
            recorded_by=upload.recorded_by,
            blur_faces=upload.blur_faces,
        )
        # Removing the session in the clip's own transaction means its length no longer counts
        # against the quota, and if registering fails the rollback brings the session back.
        session.delete(upload)
        try:
            clip = clips_upload.register_upload(
                session,
                storage,
                user,
                details,
                staged,
                max_bytes=limits.max_bytes,
                quota_bytes=limits.quota_bytes,
            )
        except DomainError:
            # The details were fine when the upload started but are not now (the step closed,
            # the quota filled up): the bytes cannot become this clip, so the upload ends here.
            session.rollback()
            _remove(session, upload_dir, upload)
            raise
        path.unlink(missing_ok=True)
    finally:
        staged.close()
    log.info("upload of clip %s finished", clip.id)
    return clip


def cancel(session: Session, upload_dir: Path, upload: UploadSession) -> None:
    """Stop an upload: remove its session and staged bytes."""
    _remove(session, upload_dir, upload)


def _remove(session: Session, upload_dir: Path, upload: UploadSession) -> None:
    token = upload.token
    session.delete(upload)
    session.commit()
    staged_path(upload_dir, token).unlink(missing_ok=True)


def expire(session: Session, upload_dir: Path, *, now: datetime | None = None) -> int:
    """Remove uploads left past their expiry, and staged files no session owns; count them."""
    now = now or utcnow()
    # Files first, rows second: a session created in between has its row committed before
    # its file exists, so it can never be listed as a file without a row.
    files = (
        [p for p in upload_dir.iterdir() if p.is_file() and TOKEN.match(p.name)]
        if upload_dir.is_dir()
        else []
    )
    removed = 0
    expired = session.scalars(select(UploadSession).where(UploadSession.expires_at <= now))
    for upload in list(expired):
        _remove(session, upload_dir, upload)
        removed += 1
    live = set(session.scalars(select(UploadSession.token)))
    session.commit()
    for path in files:
        if path.name not in live and path.exists():
            path.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("removed %d abandoned upload(s)", removed)
    return removed
