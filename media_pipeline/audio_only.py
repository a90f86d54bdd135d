"""Keep only the sound of a clip: an AAC .m4a that browsers play, with no picture at all.

For classes a school records as sound only: the lesson's talk and its transcript are kept,
and no video outlives processing.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import av

from .errors import DamagedVideo, MediaError, NoVideoStream, PictureTooSmall, TooLong
from .ffmpeg import ffmpeg_binary, file_url, input_options
from .files import check_out_dir, complete_or_nothing
from .probe import MediaInfo, audio_info, open_input, probe, to_seconds
from .transcode import AAC_RATES, GLOBAL_ARGS, run_with_progress

# Speech is what matters here: mono AAC at 96 kb/s keeps a classroom's voices clear at about
# 11 MB for 15 minutes.
_DURATION_TOLERANCE = 0.5
_LIMIT_GRACE = 1.0


class NoSound(MediaError):
    """A clip for a sound-only class that has no sound: there would be nothing to keep."""

    default_reason = (
        "This clip has no sound. Its class is recorded as sound only, so only the sound is "
        "kept, and there is none. Please check the recording and upload it again."
    )


@dataclass(frozen=True)
class AudioOnlyOptions:
    """How to make the sound-only file."""

    ffmpeg: str | None = None  # path or command name; None means the bundled binary
    bitrate: str = "96k"
    channels: int = 1
    max_duration: float | None = None  # seconds; longer sources raise TooLong


@dataclass(frozen=True)
class AudioOnlyResult:
    """The .m4a that make_audio_only wrote."""

    path: str
    duration: float
    codec: str
    sample_rate: int
    channels: int
    size_bytes: int


def probe_sound(path: str | os.PathLike[str]) -> MediaInfo:
    """Describe a video, or a file with sound and no picture (``video`` is then None)."""
    try:
        return probe(path)
    except (NoVideoStream, PictureTooSmall) as exc:
        # Sound only keeps no picture, so having none, or one too small to watch, is fine.
        refused = exc
    path = os.fspath(path)
    with open_input(path) as container:
        if not container.streams.audio:
            raise refused  # a tiny picture and no sound: nothing here is worth keeping
        stream = container.streams.audio[0]
        duration = to_seconds(container.duration, Fraction(1, av.time_base)) or to_seconds(
            stream.duration, stream.time_base
        )
        return MediaInfo(
            format_name=container.format.name,
            duration=duration or 0.0,
            size_bytes=os.stat(path).st_size,
            video=None,
            audio=audio_info(stream),
            faststart=False,
        )


def make_audio_only(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    options: AudioOnlyOptions = AudioOnlyOptions(),
    on_progress: Callable[[float], None] | None = None,
    info: MediaInfo | None = None,
) -> AudioOnlyResult:
    """Write the sound of `src` to `dst` as a faststart AAC .m4a with no picture or metadata."""
    src, dst = os.fspath(src), os.fspath(dst)
    if info is None:
        info = probe_sound(src)
    if info.audio is None:
        raise NoSound(detail=f"{info.format_name}: no audio stream")
    if options.max_duration is not None and info.duration > options.max_duration + _LIMIT_GRACE:
        raise TooLong.for_limit(info.duration, options.max_duration)
    check_out_dir(dst)
    with complete_or_nothing(dst, ".part.m4a") as part:
        run_with_progress(build_command(src, part, info, options), info.duration, on_progress)
        out = _verify(part, info)
    if on_progress is not None:
        on_progress(1.0)
    assert out.audio is not None  # _verify checked it
    return AudioOnlyResult(
        path=dst,
        duration=out.duration,
        codec=out.audio.codec,
        sample_rate=out.audio.sample_rate,
        channels=out.audio.channels,
        size_bytes=out.size_bytes,
    )


def build_command(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    info: MediaInfo,
    options: AudioOnlyOptions = AudioOnlyOptions(),
) -> list[str]:
    """Return the full ffmpeg argument list that make_audio_only runs."""
    assert info.audio is not None
    rate = [] if info.audio.sample_rate in AAC_RATES else ["-ar", "48000"]
    return [
        ffmpeg_binary(options.ffmpeg),
        *GLOBAL_ARGS,
        # Force the demuxer the probe found and confine the input to the one local file:
        # see ffmpeg.input_options and transcode.build_command.
        "-f",
        info.demuxer,
        *(arg for key, value in input_options().items() for arg in (f"-{key}", value)),
        "-i",
        file_url(src),
        # The first sound track only; no picture (not even cover art), subtitles or data.
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        "-c:a",
        "aac",
        "-b:a",
        options.bitrate,
        "-ac",
        str(options.channels),
        *rate,
        # Phones write GPS position and device names into metadata: drop all of it.
        "-map_metadata",
        "-1",
        "-map_chapters",
        "-1",
        "-movflags",
        "+faststart",
        # The ipod muxer is FFmpeg's name for .m4a (an MP4 branded as audio).
        "-f",
        "ipod",
        file_url(dst),
    ]


def _verify(part: str, source: MediaInfo) -> MediaInfo:
    try:
        out = probe_sound(part)
    except MediaError as exc:
        raise DamagedVideo(detail=f"output unreadable: {exc.detail or exc.reason}") from exc
    if out.video is not None or out.audio is None or out.audio.codec != "aac":
        raise DamagedVideo(detail=f"output is not AAC sound only: {out.video} {out.audio}")
    if source.duration > 0 and abs(out.duration - source.duration) > _DURATION_TOLERANCE:
        # ffmpeg exits 0 on a file whose data stops early, writing what it could decode.
        raise DamagedVideo(
            detail=f"output lasts {out.duration:.2f}s but the source says {source.duration:.2f}s"
        )
    return out
