"""A clip's stream (HLS, written by the processing stage as it goes): whether it plays, and
which stored file a name of it is, for the one person who may see the clip's video.

The stream is the processed rendition's: it plays while the clip is processing (as far as it
is done) and once it is ready, until a blurred rendition replaces the video. A blurred clip is
then played from its blurred MP4 alone, and a clip processed before streams existed from its
MP4: both have no stream to offer (``streams`` is False, or the master playlist is absent).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from service import policy
from service.clips.visibility import get_visible_clip
from service.errors import NotFound
from service.models import Clip, ClipStatus, User
from service.storage import keys
from service.storage.base import Storage

MASTER = "master.m3u8"
GONE = (
    "This part of the clip's stream is not there: it may have been replaced. Reload the page "
    "to play the clip."
)


def streams(clip: Clip) -> bool:
    """Say whether the clip's stream is the one to play now (if it exists yet)."""
    if clip.audio_only:
        return False
    if clip.status == ClipStatus.PROCESSING:
        return True
    # Once blurred, its video is the blurred MP4, and the unblurred stream is never served.
    return clip.status == ClipStatus.READY and clip.video_key == keys.video_key(clip.id)


def has_stream(storage: Storage, clip: Clip) -> bool:
    """Say whether a ready clip has a stream to play (clips from before streams have none)."""
    return streams(clip) and storage.exists(keys.stream_master_key(clip.id))


def stream_file(session: Session, user: User, clip_id: int, name: str) -> tuple[Clip, str]:
    """Return the clip and the storage key of one file of its stream, if the user may see it."""
    clip = get_visible_clip(session, user, clip_id)
    # The same rule as the video: a clip waiting for its faces to be blurred is withheld.
    if policy.video_withheld(user, clip) or not streams(clip):
        raise NotFound(GONE)
    if not keys.STREAM_NAME.match(name):
        raise NotFound(GONE)
    return clip, keys.stream_key(clip.id, name)
