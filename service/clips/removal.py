"""The one way a clip is deleted: every storage object of it first, then its row (with what
follows it), with an audit event in the same transaction.

Its owner deleting it (service.clips.manage) and the retention policy
(service.privacy.retention) both come here. An object another clip still refers to (the
demo's clips share media) stays; an object that cannot be deleted leaves the row, so nothing
is forgotten: the owner can try again, retention retries on its next run.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service import auditlog
from service.models import AuditAction, Clip, User
from service.storage import keys as storage_keys
from service.storage.base import Storage

log = logging.getLogger(__name__)

# Every column of a clip that names a storage object.
KEY_COLUMNS = (
    "original_key",
    "video_key",
    "poster_key",
    "captions_key",
    "unblurred_video_key",
    "unblurred_poster_key",
    "blur_review_video_key",
    "blur_review_poster_key",
)


@dataclass
class Removal:
    """What one deletion removed, or why it stopped (``failure``: the row is still there)."""

    clip_id: int
    deleted_keys: list[str] = field(default_factory=list)
    failure: str | None = None

    @property
    def done(self) -> bool:
        return self.failure is None


def column_keys(clip: Clip, columns: Iterable[str] = KEY_COLUMNS) -> list[str]:
    """Return the storage keys the clip's row names in these columns, each once."""
    found: list[str] = []
    for column in columns:
        key = getattr(clip, column)
        if key and key not in found:
            found.append(key)
    return found


def clip_keys(storage: Storage, clip: Clip) -> list[str]:
    """Return every storage object of the clip: those its row names, and every other object
    under its prefix (the spare blurred rendition and captions that take turns, a sound-only
    clip's audio, anything a stage left there)."""
    found = column_keys(clip)
    found += [key for key in storage.keys(storage_keys.clip_prefix(clip.id)) if key not in found]
    return found


def referenced_elsewhere(session: Session, clip_id: int, key: str) -> bool:
    """Say whether another clip still refers to this object (the demo's clips share media)."""
    live_original = (Clip.original_key == key) & Clip.original_deleted_at.is_(None)
    others = [getattr(Clip, column) == key for column in KEY_COLUMNS if column != "original_key"]
    found = session.scalar(
        select(Clip.id).where(Clip.id != clip_id, or_(live_original, *others)).limit(1)
    )
    return found is not None


def delete_objects(session: Session, storage: Storage, clip: Clip, keys: list[str]) -> Removal:
    """Delete those of the clip's objects no other clip uses; on a failure, say so."""
    removal = Removal(clip.id)
    doomed = []
    for key in keys:
        if referenced_elsewhere(session, clip.id, key):
            log.info("clip %s: %s is shared with another clip; it stays", clip.id, key)
        else:
            doomed.append(key)
    try:
        storage.delete_many(doomed)  # a stream's hundreds of segments in a request or two
    except Exception as exc:  # any backend's failure: the row stays for another try
        log.warning("clip %s: could not delete its files: %s", clip.id, exc)
        removal.failure = f"could not delete its files: {exc}"
        return removal
    removal.deleted_keys.extend(doomed)
    return removal


def delete_clip(
    session: Session,
    storage: Storage,
    clip: Clip,
    *,
    actor: User | None,
    action: AuditAction,
    detail: str,
    ip: str = "",
) -> Removal:
    """Delete the clip: its storage objects, then its row, with its audit event; commit.

    When an object cannot be deleted the row stays, nothing is committed, and the returned
    removal says why.
    """
    removal = delete_objects(session, storage, clip, clip_keys(storage, clip))
    if not removal.done:
        return removal
    owner_id, school_id = clip.owner_id, clip.school_id
    # The database removes what follows the clip: transcript segments, comments and their
    # replies, criterion ticks, shares, talk figures, areas to blur, its place in meeting
    # records (ON DELETE CASCADE); observations, steps that used it as their model and the
    # audit log keep their rows without it (ON DELETE SET NULL).
    session.delete(clip)
    session.flush()
    auditlog.record(
        session,
        actor,
        action,
        subject_id=owner_id,
        school_id=school_id,
        detail=detail,
        ip=ip,
    )
    session.commit()
    return removal
