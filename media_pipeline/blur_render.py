"""The two passes over a video that face blurring makes: decode frames upright, and encode.

blur.py finds the faces on the first pass and says, frame by frame, what to blur; this module
decodes (with the probe's picture-size limit), turns phone video upright, and pipes the
treated frames to ffmpeg on a constant-rate grid with the source's sound.
"""

from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import av.error
import numpy as np
from av.stream import Disposition

from .errors import DamagedVideo, MediaError
from .ffmpeg import decoder_options, ffmpeg_binary, file_url, input_options
from .probe import MediaInfo, open_input, probe
from .transcode import KEYFRAMES, check_ffmpeg_exit

# How far the output's duration may drift from the source's before we call it damaged.
_DURATION_TOLERANCE = 0.5
# At most this many progress callbacks a second: each one may write to Redis.
_PROGRESS_INTERVAL = 0.25


class Progress:
    """Call a progress callback at most every quarter second, never going backwards."""

    def __init__(self, callback: Callable[[float], None] | None) -> None:
        self.callback = callback
        self.last_call = 0.0
        self.last_fraction = 0.0

    def __call__(self, fraction: float, *, force: bool = False) -> None:
        if self.callback is None:
            return
        fraction = min(max(fraction, self.last_fraction), 0.999)
        now = time.monotonic()
        due = force or now - self.last_call >= _PROGRESS_INTERVAL
        if fraction > self.last_fraction and due:
            self.callback(fraction)
            self.last_call, self.last_fraction = now, fraction


def frames(src: str) -> Iterator[tuple[av.VideoFrame, float]]:
    """Decode the first video stream, yielding each frame with its time in seconds."""
    try:
        with open_input(src) as container:
            stream = next(
                s for s in container.streams.video if not s.disposition & Disposition.attached_pic
            )
            # The same picture-size limit as the probe: a header may declare a small
            # picture and the data carry a bomb.
            stream.codec_context.options = decoder_options()
            stream.thread_type = "AUTO"
            rate = stream.average_rate or stream.guessed_rate or Fraction(25)
            start: float | None = None
            at = 0.0
            for frame in container.decode(stream):
                if frame.pts is not None and frame.time_base is not None:
                    at = float(frame.pts * frame.time_base)
                else:
                    at += float(1 / rate)
                if start is None:
                    start = at
                yield frame, at - start
    except (av.error.FFmpegError, StopIteration) as exc:
        raise DamagedVideo(detail=f"decoding failed: {exc}") from exc


def upright_size(frame: av.VideoFrame) -> tuple[int, int]:
    if _quarter_turns(frame) % 2:
        return frame.height, frame.width
    return frame.width, frame.height


def _quarter_turns(frame: av.VideoFrame) -> int:
    # Phones record portrait video as landscape pictures plus a display matrix; faces lying
    # on their side are invisible to the cascades, so frames are turned upright first.
    degrees = float(frame.rotation or 0)
    return int(round(degrees / 90.0)) % 4


def scaled(frame: av.VideoFrame, width: int, height: int) -> dict[str, object]:
    # Shrink while converting (one swscale pass), in the stored orientation.
    if _quarter_turns(frame) % 2:
        width, height = height, width
    if (width, height) == (frame.width, frame.height):
        return {}
    return {"width": width, "height": height, "interpolation": "AREA"}


def upright(picture: np.ndarray, frame: av.VideoFrame) -> np.ndarray:
    turns = _quarter_turns(frame)
    # The display matrix angle is counter-clockwise: np.rot90 turns counter-clockwise too.
    return np.ascontiguousarray(np.rot90(picture, turns)) if turns else picture


@dataclass(frozen=True)
class Encoding:
    """How to encode the blurred video."""

    ffmpeg: str | None
    crf: int
    preset: str
    audio_bitrate: str


def encode(
    src: str,
    part: str,
    info: MediaInfo,
    encoding: Encoding,
    times: list[float],
    treat: Callable[[int, np.ndarray], None],
    report: Callable[[float, bool], None],
) -> None:
    """Decode `src` again, let `treat(index, picture)` change each upright BGR frame in place,
    and encode the frames to `part` with the source's sound."""
    assert info.video is not None
    width, height = info.video.display_width // 2 * 2, info.video.display_height // 2 * 2
    rate = _rate(info)
    args = _command(src, part, info, encoding, width, height, rate)
    total = len(times)
    # Raw frames go in at a constant rate, so variable-rate phone video is put on that grid
    # (a frame repeated or dropped where needed) to stay in step with the copied audio.
    end = times[-1] + 1 / float(rate)
    slot = 0
    with tempfile.TemporaryFile() as stderr:
        # Unbuffered: a frame is one large write anyway, and a buffered pipe would try to
        # flush into a killed ffmpeg on the way out and hide the real error.
        with (
            subprocess.Popen(
                args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr, bufsize=0
            ) as proc,
            contextlib.closing(frames(src)) as decoded,
        ):
            try:
                assert proc.stdin is not None
                previous: np.ndarray | None = None
                index = -1
                for index, (frame, _) in enumerate(decoded):
                    if index >= total:
                        raise DamagedVideo(detail="the second decode found more frames")
                    picture = upright(frame.to_ndarray(format="bgr24"), frame)
                    picture = np.ascontiguousarray(picture[:height, :width])
                    treat(index, picture)
                    if previous is not None:
                        slot = _emit(proc, previous, slot, times[index], rate)
                    previous = picture
                    # The first frame written always reports (force), so the bar moves into
                    # this pass however short the clip (and a cancel can land there).
                    report(index / total, index == 1)
                if index + 1 != total or previous is None:
                    raise DamagedVideo(
                        detail=f"the second decode found {index + 1} of {total} frames"
                    )
                _emit(proc, previous, slot, end, rate)
                proc.stdin.close()
                returncode = proc.wait()
            except BrokenPipeError:
                returncode = proc.wait()  # ffmpeg died: its stderr says why
            finally:
                if proc.poll() is None:
                    # Reached with ffmpeg running only when we failed (or progress raised, a
                    # cancel): stop it rather than leave an orphan writing a file we delete.
                    proc.kill()
                    proc.wait()
        check_ffmpeg_exit(returncode, stderr)


def _emit(
    proc: subprocess.Popen, picture: np.ndarray, slot: int, until: float, rate: Fraction
) -> int:
    """Write `picture` for every constant-rate slot that starts before `until`; return the next."""
    assert proc.stdin is not None
    data = picture.tobytes()
    # Half a slot of slack: a constant-rate source then fills each slot exactly once.
    while slot / rate < until - 0.5 / rate:
        proc.stdin.write(data)
        slot += 1
    return slot


def _rate(info: MediaInfo) -> Fraction:
    assert info.video is not None
    fps = info.video.fps
    if not 1 <= fps <= 120:
        return Fraction(25)  # a nonsense rate in the header: 25 fps is a safe grid
    return Fraction(fps).limit_denominator(1001)


def _command(
    src: str,
    part: str,
    info: MediaInfo,
    options: Encoding,
    width: int,
    height: int,
    rate: Fraction,
) -> list[str]:
    args = [ffmpeg_binary(options.ffmpeg), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", f"{width}x{height}"]
    args += ["-framerate", f"{rate.numerator}/{rate.denominator}", "-i", "pipe:0"]
    if info.audio is not None:
        # The source is opened again only for its sound, with the same confinement as every
        # other read of an upload (forced demuxer, local file only, no playlists or concat):
        # see ffmpeg.input_options.
        for key, value in input_options().items():
            args += [f"-{key}", value]
        args += ["-f", info.demuxer, "-i", file_url(src), "-map", "1:a:0"]
    args += ["-map", "0:v", "-c:v", "libx264", "-preset", options.preset, "-crf", str(options.crf)]
    args += ["-pix_fmt", "yuv420p", "-profile:v", "high", "-force_key_frames", KEYFRAMES]
    if info.audio is not None:
        if info.audio.codec == "aac":
            args += ["-c:a", "copy"]
        else:
            args += ["-c:a", "aac", "-b:a", options.audio_bitrate, "-ac", "2", "-ar", "48000"]
    # No metadata or chapters: phones write GPS position and device names, which a clip
    # shared with mentors must not carry.
    args += ["-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart"]
    args += ["-f", "mp4", file_url(part)]
    return args


def verify(part: str, source: MediaInfo) -> MediaInfo:
    try:
        out = probe(part)
    except MediaError as exc:
        raise DamagedVideo(detail=f"output unreadable: {exc.detail or exc.reason}") from exc
    if out.video is None or out.video.codec != "h264":
        raise DamagedVideo(detail=f"output has no H.264 video: {out.video}")
    if abs(out.duration - source.duration) > _DURATION_TOLERANCE:
        raise DamagedVideo(
            detail=f"output lasts {out.duration:.2f}s but the source says {source.duration:.2f}s"
        )
    return out
