"""Blur the faces in a video, except the one face (the teacher's) a person chose to keep."""

from __future__ import annotations

import contextlib
import os
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
from .faces import FaceDetector, blur_region, boxes_per_frame, expand, kept_tracks, link_tracks
from .ffmpeg import decoder_options, ffmpeg_binary, file_url, input_options
from .files import check_out_dir, complete_or_nothing
from .probe import MediaInfo, open_input, probe
from .transcode import check_ffmpeg_exit

# How far the output's duration may drift from the source's before we call it damaged.
_DURATION_TOLERANCE = 0.5
# At most this many progress callbacks a second: each one may write to Redis.
_PROGRESS_INTERVAL = 0.25
# Share of the progress bar for the first pass (decode and detect); the second pass decodes
# again, blurs and encodes, which costs less than detection.
_DETECT_SHARE = 0.7


@dataclass(frozen=True)
class BlurOptions:
    """How to find and blur faces, and how to encode the result."""

    ffmpeg: str | None = None  # path or command name; None means the bundled binary
    # Faces are searched for on a grey copy this many pixels high: at 360 a face needs to be
    # about 20 px high there (40 px in 720p) to be found; more finds smaller faces, slower.
    detect_height: int = 360
    # Run the detector on every n-th frame and follow faces between: Haar detection is by far
    # the dearest part, and a face moves little in 2 frames (80 ms at 25 fps).
    detect_every: int = 2
    scale_factor: float = 1.2  # the detector's pyramid step; smaller finds more, slower
    min_neighbors: int = 4  # overlapping hits a face needs; fewer finds more, and more junk
    # Also look for faces turned aside: to the left on one detection frame, to the right on
    # the next (a third cascade pass per frame would cost half as much again).
    profile: bool = True
    # A face stays blurred this many frames either side of where it was last seen, so a
    # face the detector misses for a frame or two is still covered; tracks bridge twice that.
    keep_frames: int = 5
    margin: float = 0.3  # grow each face box by this share of its size on every side
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "128k"


@dataclass(frozen=True)
class KeepPoint:
    """A point on the face to leave unblurred: x, y in the source's upright pixels, at t s."""

    x: float
    y: float
    t: float


@dataclass(frozen=True)
class BlurResult:
    """What blur_faces wrote and found."""

    path: str
    frames: int  # frames decoded from the source
    frames_with_faces: int  # frames where at least one face was found or followed
    frames_searched: int  # frames the detector looked at (every detect_every-th)
    frames_found: int  # of those, frames where it found at least one face
    faces_blurred: int  # face regions blurred, summed over frames
    kept_face_frames: int  # frames where the kept face was found and left as it was
    duration: float
    width: int
    height: int


def blur_faces(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    options: BlurOptions = BlurOptions(),
    progress: Callable[[float], None] | None = None,
    *,
    keep: KeepPoint | tuple[float, float, float] | None = None,
) -> BlurResult:
    """Write an H.264/AAC MP4 of `source` to `target` with every face blurred but `keep`'s.

    `keep` is a point on the face to leave as it is, in the source's upright (displayed)
    pixels, at a time in seconds from the first frame; the face track through that point is
    followed for as long as the detector follows it. When no face is at the point, every
    face is blurred and the result's kept_face_frames is 0, for the caller to say so.
    The output has the source's picture size (less an odd last row or column) and frame
    rate, and its audio: copied when it is AAC, else encoded to AAC.
    """
    src, dst = os.fspath(source), os.fspath(target)
    info = probe(src)
    if info.video is None:  # probe raises first; this is for the type checker
        raise DamagedVideo(detail="no video stream")
    check_out_dir(dst)
    if keep is not None and not isinstance(keep, KeepPoint):
        keep = KeepPoint(*keep)
    report = _Progress(progress)
    estimate = max(1, round(info.duration * (info.video.fps or 25.0)))

    # Pass 1: find the faces. Faces are followed both ways in time (a track may only turn
    # out to be the kept face later on), so the blur waits for a second decode.
    detector = FaceDetector(
        options.detect_height, options.scale_factor, options.min_neighbors, options.profile
    )
    every = max(1, options.detect_every)
    detections: dict[int, list] = {}
    times: list[float] = []
    with contextlib.closing(_frames(src)) as frames:
        for index, (frame, at) in enumerate(frames):
            times.append(at)
            if index % every == 0:
                width, height = detector.size_for(*_upright_size(frame))
                gray = frame.to_ndarray(format="gray", **_scaled(frame, width, height))
                gray = _upright(gray, frame)
                scale = _upright_size(frame)[1] / height
                detections[index] = detector.detect(gray, scale, turn=index // every)
            report(_DETECT_SHARE * index / max(estimate, index + 1))
    if not times:
        raise DamagedVideo(detail="no frame could be decoded")

    hold = max(options.keep_frames, every)
    tracks = link_tracks(detections, max_gap=2 * hold)
    per_frame = boxes_per_frame(tracks, len(times), hold)
    kept: set[int] = set()
    if keep is not None:
        at_frame = min(range(len(times)), key=lambda i: abs(times[i] - keep.t))
        kept = kept_tracks(
            tracks,
            per_frame,
            at_frame,
            (keep.x, keep.y),
            search=hold,
            chain_gap=max(2 * hold, round(info.video.fps or 25.0)),
        )

    # Pass 2: blur and encode.
    with complete_or_nothing(dst, ".part.mp4") as part:
        counts = _encode(src, part, info, options, times, per_frame, kept, report)
        out = _verify(part, info)
    if progress is not None:
        progress(1.0)
    assert out.video is not None  # _verify checked it
    return BlurResult(
        path=dst,
        frames=len(times),
        frames_with_faces=sum(1 for boxes in per_frame if boxes),
        frames_searched=len(detections),
        frames_found=sum(1 for boxes in detections.values() if boxes),
        faces_blurred=counts[0],
        kept_face_frames=counts[1],
        duration=out.duration,
        width=out.video.display_width,
        height=out.video.display_height,
    )


class _Progress:
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


def _frames(src: str) -> Iterator[tuple[av.VideoFrame, float]]:
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


def _upright_size(frame: av.VideoFrame) -> tuple[int, int]:
    if _quarter_turns(frame) % 2:
        return frame.height, frame.width
    return frame.width, frame.height


def _quarter_turns(frame: av.VideoFrame) -> int:
    # Phones record portrait video as landscape pictures plus a display matrix; faces lying
    # on their side are invisible to the cascades, so frames are turned upright first.
    degrees = float(frame.rotation or 0)
    return int(round(degrees / 90.0)) % 4


def _scaled(frame: av.VideoFrame, width: int, height: int) -> dict[str, object]:
    # Shrink while converting (one swscale pass), in the stored orientation.
    if _quarter_turns(frame) % 2:
        width, height = height, width
    if (width, height) == (frame.width, frame.height):
        return {}
    return {"width": width, "height": height, "interpolation": "AREA"}


def _upright(picture: np.ndarray, frame: av.VideoFrame) -> np.ndarray:
    turns = _quarter_turns(frame)
    # The display matrix angle is counter-clockwise: np.rot90 turns counter-clockwise too.
    return np.ascontiguousarray(np.rot90(picture, turns)) if turns else picture


def _encode(
    src: str,
    part: str,
    info: MediaInfo,
    options: BlurOptions,
    times: list[float],
    per_frame: list[list],
    kept: set[int],
    report: _Progress,
) -> tuple[int, int]:
    assert info.video is not None
    width, height = info.video.display_width // 2 * 2, info.video.display_height // 2 * 2
    rate = _rate(info)
    args = _command(src, part, info, options, width, height, rate)
    blurred = kept_frames = 0
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
            contextlib.closing(_frames(src)) as frames,
        ):
            try:
                assert proc.stdin is not None
                previous: np.ndarray | None = None
                index = -1
                for index, (frame, _) in enumerate(frames):
                    if index >= total:
                        raise DamagedVideo(detail="the second decode found more frames")
                    picture = _upright(frame.to_ndarray(format="bgr24"), frame)
                    picture = picture[:height, :width]
                    picture = np.ascontiguousarray(picture)
                    if any(track_id in kept for track_id, _ in per_frame[index]):
                        kept_frames += 1
                    for track_id, box in per_frame[index]:
                        if track_id in kept:
                            continue
                        blur_region(picture, expand(box, options.margin, width, height))
                        blurred += 1
                    if previous is not None:
                        slot = _emit(proc, previous, slot, times[index], rate)
                    previous = picture
                    # The first frame written always reports, so the bar moves into the
                    # second pass however short the clip (and a cancel can land there).
                    report(_DETECT_SHARE + (1 - _DETECT_SHARE) * index / total, force=index == 1)
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
    return blurred, kept_frames


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
    options: BlurOptions,
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
    args += ["-pix_fmt", "yuv420p", "-profile:v", "high"]
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


def _verify(part: str, source: MediaInfo) -> MediaInfo:
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
