"""Pure media functions: paths in, frozen dataclasses out; nothing of databases or the web."""

from .errors import DamagedVideo, EmptyVideo, MediaError, NotAVideo, NoVideoStream, TooLong
from .ffmpeg import ffmpeg_binary
from .generate import make_test_clip
from .probe import AudioStreamInfo, MediaInfo, VideoStreamInfo, probe
from .thumbnails import PosterOptions, PosterResult, make_poster
from .transcode import (
    TranscodeOptions,
    TranscodeResult,
    build_command,
    choose_method,
    make_playable,
)

__all__ = [
    "AudioStreamInfo",
    "DamagedVideo",
    "EmptyVideo",
    "MediaError",
    "MediaInfo",
    "NoVideoStream",
    "NotAVideo",
    "PosterOptions",
    "PosterResult",
    "TooLong",
    "TranscodeOptions",
    "TranscodeResult",
    "VideoStreamInfo",
    "build_command",
    "choose_method",
    "ffmpeg_binary",
    "make_playable",
    "make_poster",
    "make_test_clip",
    "probe",
]
