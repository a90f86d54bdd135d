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


def stream_prefix(clip_id: int, video: str | None = None) -> str:
    """Return the prefix of the HLS stream of a clip's ``video`` (by default the processed one).

    Each video a clip may show has its stream under a prefix of its own: the processed video's
    under ``hls/``, each blurred rendition's beside it. The stream played is the one of the
    video the row shows, so it changes with ``video_key`` in the same commit.
    """
    if video is None or video == video_key(clip_id):
        return f"clips/{clip_id}/hls/"
    first, second = blur_keys(clip_id)
    if video in (first, second):
        return f"clips/{clip_id}/{'blurred' if video == first else 'blurred-2'}-hls/"
    raise ValueError(f"clip {clip_id}'s video {video!r} has no stream")


def stream_prefixes(clip_id: int) -> tuple[str, ...]:
    """Return every prefix a stream of this clip may have (the processed, then the blurred)."""
    return tuple(stream_prefix(clip_id, video) for video in (None, *blur_keys(clip_id)))


def has_stream_prefix(clip_id: int, video: str | None) -> bool:
    """Say whether this video of the clip can have a stream (an older layout's may not)."""
    return video is None or video == video_key(clip_id) or video in blur_keys(clip_id)


def stream_key(clip_id: int, name: str, video: str | None = None) -> str:
    """Return the key of one file of a clip's stream; refuse a name it cannot hold."""
    if not STREAM_NAME.match(name):
        raise ValueError(f"not a stream file name: {name!r}")
    return stream_prefix(clip_id, video) + name


def stream_master_key(clip_id: int, video: str | None = None) -> str:
    """Return the key of a clip's master playlist: the stream exists once this does."""
    return stream_key(clip_id, "master.m3u8", video)


def clip_prefix(clip_id: int) -> str:
    """Return the prefix every key of this clip starts with (the trailing slash keeps clip 1's
    prefix from matching clip 12's keys)."""
    return f"clips/{clip_id}/"
