"""Turn an uploaded video into an MP4 that every browser plays: remux when we can, else encode."""

import errno
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, BinaryIO

import ffmpeg

from .errors import DamagedVideo, MediaError, TooLong
from .ffmpeg import decoder_options, ffmpeg_binary, file_url, input_options
from .files import check_out_dir, complete_or_nothing
from .probe import MediaInfo, probe

# Every encoder we run puts a keyframe at least this often, so an HLS stream made from its
# output (media_pipeline.hls) is cut into segments of about this length, without re-encoding.
KEYFRAME_SECONDS = 4
KEYFRAMES = f"expr:gte(t,n_forced*{KEYFRAME_SECONDS})"

# -progress pipe:1 writes key=value blocks to stdout, every -stats_period seconds (default
# 0.5; 0.25 matches our callback throttle); -nostats stops the same numbers also going to
# stderr; -nostdin stops ffmpeg reading (and stealing) the worker's terminal.
GLOBAL_ARGS: tuple[str, ...] = (
    "-hide_banner",
    "-nostdin",
    "-y",
    "-loglevel",
    "error",
    "-progress",
    "pipe:1",
    "-stats_period",
    "0.25",
    "-nostats",
)

# Sample rates the AAC encoder takes; anything else (e.g. 37.8 kHz from old cameras) is
# resampled to 48 kHz.
AAC_RATES = frozenset(
    {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350}
)

# How far the output's duration may drift from the source's before we call it damaged.
_DURATION_TOLERANCE = 0.5

# Containers report a recorded "15:00" as 900.02 s or so (AAC priming, edit lists); a limit
# should not reject a clip for that.
LIMIT_GRACE = 1.0

# At most this many progress callbacks a second: each one may write to Redis.
_PROGRESS_INTERVAL = 0.25

_STDERR_TAIL = 4000


@dataclass(frozen=True)
class TranscodeOptions:
    """How to make a playable MP4."""

    ffmpeg: str | None = None  # path or command name; None means the bundled binary
    max_height: int = 720  # the short side of the picture: 720 means "720p" for portrait too
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "128k"
    threads: int = 0  # 0 lets ffmpeg decide
    max_duration: float | None = None  # seconds; longer sources raise TooLong


@dataclass(frozen=True)
class TranscodeResult:
    """The playable MP4 that make_playable wrote."""

    path: str
    method: str  # "remux" or "transcode"
    duration: float
    width: int  # as displayed, after any rotation
    height: int
    video_codec: str
    audio_codec: str | None
    size_bytes: int


def result_of(path: str, method: str, out: MediaInfo) -> TranscodeResult:
    """Describe a written MP4 that verify_output passed."""
    video = out.video
    assert video is not None  # verify_output checked it
    return TranscodeResult(
        path=path,
        method=method,
        duration=out.duration,
        width=video.display_width,
        height=video.display_height,
        video_codec=video.codec,
        audio_codec=out.audio.codec if out.audio else None,
        size_bytes=out.size_bytes,
    )


def make_playable(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    options: TranscodeOptions = TranscodeOptions(),
    on_progress: Callable[[float], None] | None = None,
    info: MediaInfo | None = None,
) -> TranscodeResult:
    """Write a browser-playable, faststart H.264/AAC MP4 of `src` to `dst`."""
    src, dst = os.fspath(src), os.fspath(dst)
    if info is None:
        info = probe(src)
    if options.max_duration is not None and info.duration > options.max_duration + LIMIT_GRACE:
        raise TooLong.for_limit(info.duration, options.max_duration)
    check_out_dir(dst)
    with complete_or_nothing(dst, ".part.mp4") as part:
        method, args = build_command(src, part, info, options)
        run_with_progress(args, info.duration, on_progress)
        out = verify_output(part, info, options.max_duration)
    if on_progress is not None:
        on_progress(1.0)
    return result_of(dst, method, out)


def choose_method(info: MediaInfo, options: TranscodeOptions) -> str:
    """Return "remux" when `info` only needs repackaging, else "transcode"."""
    video = info.video
    if video is None:
        return "transcode"
    short_side = min(video.display_width, video.display_height)
    return "remux" if info.browser_playable and short_side <= options.max_height else "transcode"


def build_command(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    info: MediaInfo,
    options: TranscodeOptions = TranscodeOptions(),
) -> tuple[str, list[str]]:
    """Return the method and the full ffmpeg argument list that make_playable runs."""
    method = choose_method(info, options)
    # Force the demuxer the probe found, so ffmpeg never re-guesses the format (a crafted
    # file can look like one thing to one prober and another to the next), and confine the
    # input to plain local files and ordinary demuxers: see ffmpeg.input_options.
    # The decoder's picture limit applies to every frame, so a stream that grows into a bomb
    # after a harmless first picture fails here instead of allocating gigabytes.
    source = ffmpeg.input(file_url(src), f=info.demuxer, **input_options(), **decoder_options())
    streams = [source["v:0"]]
    audio = source["a:0"] if info.audio is not None else None
    common = {
        "f": "mp4",
        "movflags": "+faststart",  # moov first: playback starts before the download ends
        # Phones write GPS position and device names into metadata; a classroom clip shared
        # with mentors must not carry the school's location.
        "map_metadata": "-1",
        "map_chapters": "-1",
    }
    if method == "remux":
        if audio is not None:
            streams.append(audio)
        out = ffmpeg.output(*streams, file_url(dst), c="copy", **common)
    else:
        streams = [scale_to(source["v:0"], info, options.max_height)]
        kwargs: dict[str, str | int] = {
            "c:v": "libx264",
            "preset": options.preset,
            "crf": options.crf,
            "pix_fmt": "yuv420p",
            "profile:v": "high",
            # Keep the source's timing. The mp4 muxer would otherwise default to constant
            # frame rate and duplicate frames of variable-rate phone video to fill the gaps.
            "fps_mode": "vfr",
            "force_key_frames": KEYFRAMES,
        }
        if audio is not None:
            streams.append(audio)
            kwargs.update({"c:a": "aac", "b:a": options.audio_bitrate, "ac": 2})
            if info.audio is not None and info.audio.sample_rate not in AAC_RATES:
                kwargs["ar"] = 48000
        if options.threads:
            kwargs["threads"] = options.threads
        out = ffmpeg.output(*streams, file_url(dst), **kwargs, **common)
    binary = ffmpeg_binary(options.ffmpeg)
    return method, [binary, *GLOBAL_ARGS, *ffmpeg.get_args(out)]


def scale_to(video: Any, info: MediaInfo, max_height: int) -> Any:
    """Scale the short side down to max_height, keeping aspect and even dimensions."""
    assert info.video is not None
    # ffmpeg rotates phone video upright before the filters (autorotate), so the filter sees
    # display dimensions.
    width, height = info.video.display_width, info.video.display_height
    if min(width, height) > max_height:
        # -2: the other side follows the aspect ratio, rounded to even as 4:2:0 requires.
        return (
            video.filter("scale", -2, max_height)
            if width >= height
            else video.filter("scale", max_height, -2)
        )
    if width % 2 or height % 2:
        # libx264 refuses odd dimensions in 4:2:0; drop the odd pixel rather than upscale.
        return video.filter("scale", "trunc(iw/2)*2", "trunc(ih/2)*2")
    return video


def run_with_progress(
    args: list[str], duration: float, on_progress: Callable[[float], None] | None
) -> None:
    """Run ffmpeg with -progress on stdout, reporting the fraction of `duration` done."""
    # stderr goes to a temporary file, not a pipe: we read stdout line by line, and a full
    # stderr pipe nobody drains would block ffmpeg (and so us) forever.
    with tempfile.TemporaryFile() as stderr:
        with subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            errors="replace",
        ) as proc:
            try:
                assert proc.stdout is not None
                _follow_progress(proc.stdout, duration, on_progress)
                returncode = proc.wait()
            finally:
                # Reached with ffmpeg still running only when on_progress raised (a cancel):
                # stop it rather than leave an orphan writing a file we are about to delete.
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        check_ffmpeg_exit(returncode, stderr)


def check_ffmpeg_exit(returncode: int, stderr: BinaryIO) -> None:
    """Raise for a failed ffmpeg run, from the tail of its stderr (kept in a temporary file)."""
    if returncode == 0:
        return
    stderr.seek(0, os.SEEK_END)
    stderr.seek(max(0, stderr.tell() - _STDERR_TAIL))
    tail = stderr.read().decode("utf-8", "replace").strip()
    if "No space left on device" in tail:
        # A full disk is the server's problem and worth a retry, not the teacher's.
        raise OSError(errno.ENOSPC, "No space left on device while writing", tail)
    raise DamagedVideo(detail=f"ffmpeg exited with {returncode}: {tail}")


def _follow_progress(
    lines: Iterable[str], duration: float, on_progress: Callable[[float], None] | None
) -> None:
    last_call = 0.0
    last_fraction = 0.0
    for line in lines:
        key, _, value = line.strip().partition("=")
        # ffmpeg's progress names are misleading: out_time_ms is in microseconds, exactly like
        # out_time_us (a long-standing quirk kept for compatibility). Both read "N/A" until
        # the first frame is written.
        if key not in ("out_time_us", "out_time_ms") or on_progress is None or duration <= 0:
            continue
        try:
            micros = int(value)
        except ValueError:
            continue
        # Timestamps can step backwards a little (B-frames, audio priming): never report less
        # than before, and clamp to [0, 1]; 1.0 itself is reported once the file is in place.
        fraction = min(max(micros / (duration * 1_000_000), last_fraction), 0.999)
        now = time.monotonic()
        if fraction > last_fraction and now - last_call >= _PROGRESS_INTERVAL:
            on_progress(fraction)
            last_call, last_fraction = now, fraction


def verify_output(part: str, source: MediaInfo, max_duration: float | None) -> MediaInfo:
    """Check a written MP4: H.264, as long as its source, within the limit."""
    try:
        out = probe(part)
    except MediaError as exc:
        raise DamagedVideo(detail=f"output unreadable: {exc.detail or exc.reason}") from exc
    if out.video is None or out.video.codec != "h264":
        raise DamagedVideo(detail=f"output has no H.264 video: {out.video}")
    if source.duration > 0 and abs(out.duration - source.duration) > _DURATION_TOLERANCE:
        # ffmpeg exits 0 on a file whose data stops early, writing what it could decode; the
        # header's duration is the only sign that a lesson lost its second half.
        raise DamagedVideo(
            detail=f"output lasts {out.duration:.2f}s but the source says {source.duration:.2f}s"
        )
    if max_duration is not None and out.duration > max_duration + LIMIT_GRACE:
        # Sources with no duration in their header are only measured here.
        raise TooLong.for_limit(out.duration, max_duration)
    return out
