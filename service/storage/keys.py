"""Every storage key Coachreel writes, built in one place: a clip's files live under
``clips/<id>/``, so deleting a clip's objects is deleting that prefix's keys."""

from __future__ import annotations

import re

# The names a clip's stream folder may hold (media_pipeline.hls writes them): the master
# playlist, and per rendition (named by its height) a playlist, an fMP4 header and segments.
STREAM_NAME = re.compile(
    r"^(?:master\.m3u8|\d{2,4}/(?:index\.m3u8|init(?:_\d{1,2})?\.mp4|seg-\d{5}\.m4s))$"
)


def original_key(clip_id: int) -> str:
    """Return the key of a clip's upload, exactly as it arrived."""
    return f"clips/{clip_id}/original"


def video_key(clip_id: int) -> str:
    """Return the key of a clip's browser-playable MP4 (remuxed or transcoded)."""
    return f"clips/{clip_id}/video.mp4"


def poster_key(clip_id: int) -> str:
    """Return the key of a clip's poster frame."""
    return f"clips/{clip_id}/poster.jpg"


def blur_key(clip_id: int, *, besides: str | None = None) -> str:
    """Return the key of a clip's rendition with pupils' faces blurred: not ``besides``.

    Blurred renditions take turns between two keys, so a new blur (which may wait for the
    uploader's check) is written next to the one being shown, never over it.
    """
    first, second = blur_keys(clip_id)
    return second if besides == first else first


def blurred_poster_key(clip_id: int, *, besides: str | None = None) -> str:
    """Return the key of the poster taken from a blurred rendition: not ``besides``."""
    first, second = blurred_poster_keys(clip_id)
    return second if besides == first else first


def blur_keys(clip_id: int) -> tuple[str, str]:
    """Return both keys a clip's blurred rendition may have."""
    return f"clips/{clip_id}/blurred.mp4", f"clips/{clip_id}/blurred-2.mp4"


def blurred_poster_keys(clip_id: int) -> tuple[str, str]:
    """Return both keys a blurred rendition's poster may have."""
    return f"clips/{clip_id}/blurred-poster.jpg", f"clips/{clip_id}/blurred-poster-2.jpg"


def captions_key(clip_id: int, *, besides: str | None = None) -> str:
    """Return the key of a clip's WebVTT captions: the one that is not ``besides``.

    Captions take turns between two keys, so a re-run writes its captions next to the ones
    still being served, never over them (service.clips.transcripts.save_transcript).
    """
    first = f"clips/{clip_id}/captions.vtt"
    return f"clips/{clip_id}/captions-2.vtt" if besides == first else first


def audio_key(clip_id: int) -> str:
    """Return the key of a sound-only clip's playable .m4a."""
    return f"clips/{clip_id}/audio.m4a"


def stream_prefix(clip_id: int) -> str:
    """Return the prefix of a clip's HLS stream: its playlists and segments."""
    return f"clips/{clip_id}/hls/"


def stream_key(clip_id: int, name: str) -> str:
    """Return the key of one file of a clip's stream; refuse a name it cannot hold."""
    if not STREAM_NAME.match(name):
        raise ValueError(f"not a stream file name: {name!r}")
    return stream_prefix(clip_id) + name


def stream_master_key(clip_id: int) -> str:
    """Return the key of a clip's master playlist: the stream exists once this does."""
    return stream_key(clip_id, "master.m3u8")


def clip_prefix(clip_id: int) -> str:
    """Return the prefix every key of this clip starts with (the trailing slash keeps clip 1's
    prefix from matching clip 12's keys)."""
    return f"clips/{clip_id}/"
