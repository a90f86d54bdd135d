"""A clip's stream (HLS): whether it plays, which stored file a name of it is, for the one
person who may see the clip's video, and retiring the streams of videos no longer shown.

Each video a clip may show has a stream of its own (``keys.stream_prefix``): the processed
video's, written by the processing stage as it goes (it plays while the clip is processing,
as far as it is done), and each blurred rendition's, copied into segments by the blur job
beside its MP4. The stream played is always the one of the video the row shows: when a
blurred rendition is shared, ``video_key`` and with it the stream switch in one commit, so
no name of the stream is ever answered from the unblurred one after that; the unblurred
stream is then deleted (``retire_streams``). A clip processed before streams existed, or
blurred before blurred streams did, has no master playlist there and plays its MP4.
"""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from service import policy
from service.clips.visibility import get_visible_clip
from service.errors import NotFound
from service.models import BlurStatus, Clip, ClipStatus, User
from service.storage import keys
from service.storage.base import Storage

log = logging.getLogger(__name__)

MASTER = "master.m3u8"
GONE = (
    "This part of the clip's stream is not there: it may have been replaced. Reload the page "
    "to play the clip."
)


def streams(clip: Clip) -> bool:
    """Say whether the clip may play a stream now (if it exists yet)."""
    if clip.audio_only:
        return False
    if clip.blur_status == BlurStatus.REVIEW:
        # The uploader checks the blurred video (its MP4) and nobody else sees the clip's
        # video until they share it: no stream meanwhile.
        return False
    if clip.status == ClipStatus.PROCESSING:
        return True
    return clip.status == ClipStatus.READY and keys.has_stream_prefix(clip.id, clip.video_key)


def has_stream(storage: Storage, clip: Clip) -> bool:
    """Say whether a ready clip has a stream to play (clips from before streams have none)."""
    return streams(clip) and storage.exists(keys.stream_master_key(clip.id, clip.video_key))


def stream_file(session: Session, user: User, clip_id: int, name: str) -> tuple[Clip, str]:
    """Return the clip and the storage key of one file of its stream, if the user may see it."""
    clip = get_visible_clip(session, user, clip_id)
    # The same rule as the video: a clip waiting for its faces to be blurred is withheld.
    if policy.video_withheld(user, clip) or not streams(clip):
        raise NotFound(GONE)
    if not keys.STREAM_NAME.match(name):
        raise NotFound(GONE)
    return clip, keys.stream_key(clip.id, name, clip.video_key)


def retire_streams(storage: Storage, clip: Clip) -> int:
    """Delete the streams of the clip's videos that are neither shown nor waiting for the
    uploader's check (the unblurred one, once a blurred one is shown); count the files.

    Call it after the commit that changed what the clip shows: from then on no request is
    answered from these streams.
    """
    if not keys.has_stream_prefix(clip.id, clip.video_key):
        return 0  # an older layout: nothing here is known to be unused
    keep = {keys.stream_prefix(clip.id, clip.video_key)}
    if keys.has_stream_prefix(clip.id, clip.blur_review_video_key or clip.video_key):
        keep.add(keys.stream_prefix(clip.id, clip.blur_review_video_key or clip.video_key))
    deleted = sum(
        delete_stream(storage, prefix)
        for prefix in keys.stream_prefixes(clip.id)
        if prefix not in keep
    )
    if deleted:
        log.info("clip %s: deleted %d files of streams no longer shown", clip.id, deleted)
    return deleted


def delete_stream(storage: Storage, prefix: str) -> int:
    """Delete every file of one stream, its master playlist first (so nobody starts playing
    what is about to go); count them."""
    found = storage.keys(prefix)
    masters = [key for key in found if key.endswith("/" + MASTER)]
    for key in masters:
        storage.delete(key)
    storage.delete_many([key for key in found if key not in masters])
    return len(found)
