"""Pick a representative, non-blank frame of a video and save it as a JPEG poster."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import av.error
import cv2
import numpy as np

from .errors import DamagedVideo
from .files import complete_or_nothing
from .probe import open_input

# A frame this dark on average, or this uniform, is a lens cap, a fade or a wall.
_DARK_MEAN = 20.0
_FLAT_STD = 10.0

# How far past a keyframe we decode towards a candidate time. x264's default GOP is 250
# frames (10 s at 25 fps) and decoding all of it at 1080p takes about a second per
# candidate; a poster 2 s early is just as good.
_DECODE_SECONDS = 2.0

# Candidates are scored on a small copy: detail at this size is enough to tell a scene from
# a blank, and it keeps scoring cheap at 4K.
_SCORE_WIDTH = 160


@dataclass(frozen=True)
class PosterOptions:
    """How to make a poster image."""

    width: int = 640
    quality: int = 85  # JPEG quality, 0-100
    candidates: int = 5  # frames to compare, spread over 10%..60% of the video


@dataclass(frozen=True)
class PosterResult:
    """The poster that make_poster wrote."""

    path: str
    at_seconds: float
    width: int
    height: int


@dataclass(frozen=True)
class _Candidate:
    image: np.ndarray  # BGR, upright
    at_seconds: float
    blank: bool
    score: float


def make_poster(
    video_path: str | os.PathLike[str],
    dst_jpeg: str | os.PathLike[str],
    options: PosterOptions = PosterOptions(),
) -> PosterResult:
    """Write a JPEG poster of the most telling early frame of `video_path` to `dst_jpeg`."""
    dst = os.fspath(dst_jpeg)
    candidates = _candidates(os.fspath(video_path), max(1, options.candidates))
    if not candidates:
        raise DamagedVideo(detail=f"no frame could be decoded from {video_path}")
    # A genuinely black video is not an error: it still gets its (black) poster.
    usable = [c for c in candidates if not c.blank] or candidates
    best = max(usable, key=lambda c: c.score)

    height, width = best.image.shape[:2]
    out_h = max(2, round(height * options.width / width / 2) * 2)
    shrinking = options.width < width
    image = cv2.resize(
        best.image,
        (options.width, out_h),
        interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR,
    )
    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(options.quality)])
    if not ok:
        raise DamagedVideo(detail="JPEG encoding failed")

    with complete_or_nothing(dst, ".part.jpg") as part, open(part, "wb") as f:
        f.write(jpeg.tobytes())
    return PosterResult(path=dst, at_seconds=best.at_seconds, width=options.width, height=out_h)


def _candidates(path: str, count: int) -> list[_Candidate]:
    # Decoded with PyAV through the same confined open as probe, rather than cv2.VideoCapture
    # (whose bundled FFmpeg takes no whitelist), so a poster is safe to make from any file.
    try:
        container = open_input(path)
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        raise DamagedVideo(detail=f"cannot open for poster: {exc}") from exc
    found: list[_Candidate] = []
    with container:
        if not container.streams.video:
            raise DamagedVideo(detail="no video stream for a poster")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        duration = _duration(container, stream)
        if count == 1:
            times = [0.1 * duration]
        else:
            times = [duration * (0.1 + 0.5 * i / (count - 1)) for i in range(count)]
        reader = _Reader(container, stream)
        for t in times:
            frame = reader.frame_at(t)
            if frame is not None:
                found.append(_judge(frame, t, stream.codec_context.sample_aspect_ratio))
    return found


def _duration(container: av.container.InputContainer, stream: av.VideoStream) -> float:
    if container.duration is not None:
        return float(container.duration / av.time_base)
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    return 0.0


class _Reader:
    """Decode frames at rising times, seeking only when the next time is far ahead."""

    def __init__(self, container: av.container.InputContainer, stream: av.VideoStream) -> None:
        self.container = container
        self.stream = stream
        rate = stream.average_rate or stream.guessed_rate
        self.budget = max(1, round(float(rate or 25) * _DECODE_SECONDS))
        self.frames: Iterator[av.VideoFrame] | None = None
        self.last: av.VideoFrame | None = None

    def frame_at(self, t: float) -> av.VideoFrame | None:
        """Return the first frame at or after `t` seconds, or the nearest one we reached."""
        last_time = self.last.time if self.last is not None else None
        if last_time is not None and last_time >= t:
            return self.last
        if self.frames is None or last_time is None or t - last_time > _DECODE_SECONDS:
            # Far ahead: seek to the keyframe at or before t. Near: decoding on is cheaper,
            # and short clips (one keyframe) are read in a single pass.
            try:
                self.container.seek(int(t * av.time_base), backward=True, any_frame=False)
            except av.error.FFmpegError:
                return self.last
            self.frames = self.container.decode(self.stream)
        try:
            for count, frame in enumerate(self.frames, start=1):
                self.last = frame
                if frame.time is None or frame.time >= t or count >= self.budget:
                    break
        except av.error.FFmpegError:
            self.frames = None  # a damaged stretch: keep what decoded before it
        return self.last


def _judge(frame: av.VideoFrame, t: float, sar: Fraction | None) -> _Candidate:
    image = _upright(frame.to_ndarray(format="bgr24"), frame.rotation)
    if sar and sar != 1:
        # Anamorphic video (DV, some camcorders) stores squeezed pixels; unsqueeze for display.
        h, w = image.shape[:2]
        image = cv2.resize(image, (max(1, round(w * float(sar))), h))
    h, w = image.shape[:2]
    small = cv2.resize(image, (_SCORE_WIDTH, max(1, round(h * _SCORE_WIDTH / w))))
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    mean = float(gray.mean())
    std = float(gray.std())
    # Laplacian variance measures edges: a sharp scene scores high, motion blur and fades low.
    sharpness = float(cv2.Laplacian(gray, cv2.CV_64F).var())
    return _Candidate(
        image=image,
        at_seconds=float(frame.time) if frame.time is not None else t,
        blank=mean < _DARK_MEAN or std < _FLAT_STD,
        score=std + sharpness**0.5,
    )


def _upright(image: np.ndarray, rotation: float | None) -> np.ndarray:
    """Turn a decoded picture the way its display matrix says it is shown."""
    # PyAV reports the display matrix angle counter-clockwise, as ffmpeg's -display_rotation
    # sets it; ffmpeg's own autorotate shows such a frame turned that far anticlockwise.
    quarter_turns = int(round(float(rotation or 0) / 90.0)) % 4
    return np.ascontiguousarray(np.rot90(image, quarter_turns)) if quarter_turns else image
