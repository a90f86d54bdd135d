"""Blur the faces in a video, except the one face (the teacher's) a person chose to keep.

Two passes: the first decodes every frame, runs the face detector on every few frames and
follows each face between detections (forwards and backwards, since the face to keep may only
be recognised later on); the second decodes again, blurs, and encodes. A school may instead
blur everything except a region that follows the teacher, so that no missed face can show;
and a person checking the result may add regions to blur over a time range.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import blur_render as render
from .errors import DamagedVideo
from .face_detectors import CenterFaceDetector, HaarDetector
from .faces import (
    Box,
    blur_outside,
    blur_region,
    boxes_per_frame,
    expand,
    kept_tracks,
    link_tracks,
    person_region,
    teacher_boxes,
)
from .files import check_out_dir, complete_or_nothing
from .probe import probe

# Share of the progress bar for the first pass (decode and detect); the second pass decodes
# again, blurs and encodes.
_DETECT_SHARE = 0.7


@dataclass(frozen=True)
class BlurOptions:
    """How to find and blur faces, and how to encode the result."""

    ffmpeg: str | None = None  # path or command name; None means the bundled binary
    # "centerface" (the default) or "haar", the detector it replaced, for comparison.
    detector: str = "centerface"
    # Faces are searched for on a copy this many pixels high, enlarged or shrunk. CenterFace
    # finds faces about 15 px high there: at 1080, faces of 30 px in 1080p video, or 20 px in
    # its 720p rendition. (Haar searches at most 720 px high, never enlarged.)
    detect_height: int = 1080
    # Run the detector on every n-th frame and follow faces between: a face's box slides from
    # one sighting to the next and is held `detect_every` frames before the first and after
    # the last, so a face that is in view at a search is covered all around it. At 25 fps,
    # 12 is a search every 0.48 s: what keeps 1080p at real time on two cores, and no face
    # of the classroom bench is left uncovered in any frame (bench/blur.py).
    detect_every: int = 12
    # A face stays blurred this many frames either side of where it was last seen, so a
    # face the detector misses for a frame or two is still covered; tracks bridge twice that.
    keep_frames: int = 5
    margin: float = 0.3  # grow each face box by this share of its size on every side
    # Blur everything except a region that follows the kept face's person; with no face to
    # keep, or where the teacher is not followed, the whole picture is blurred.
    outside_teacher: bool = False
    # How long the teacher's region bridges a lost face (turned to the board), in seconds.
    teacher_bridge: float = 2.0
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
class BlurRegion:
    """A rectangle to blur from `start` to `end` seconds, in the source's upright pixels."""

    start: float
    end: float
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass(frozen=True)
class FaceMap:
    """What the first pass found: each frame's time, and the faces to treat in it."""

    times: list[float]
    per_frame: list[list[tuple[int, Box]]]  # (track id, box) of each face, per frame
    kept: set[int]  # the track ids of the face to keep
    teacher: list[Box | None]  # the kept face's box per frame, bridged (for outside_teacher)
    frames_searched: int
    frames_found: int
    width: int
    height: int


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
    face_strip: tuple[int, ...]  # the most faces blurred in any frame of each whole second
    duration: float
    width: int
    height: int


def make_detector(options: BlurOptions) -> CenterFaceDetector | HaarDetector:
    """Return the detector the options name."""
    if options.detector == "haar":
        return HaarDetector(min(options.detect_height, 720))
    if options.detector == "centerface":
        return CenterFaceDetector(options.detect_height)
    raise ValueError(f"unknown face detector {options.detector!r}")


def find_faces(
    source: str | os.PathLike[str],
    options: BlurOptions = BlurOptions(),
    progress: Callable[[float], None] | None = None,
    *,
    keep: KeepPoint | None = None,
) -> FaceMap:
    """Decode `source`, find and follow its faces, and tell which of them is `keep`'s."""
    src = os.fspath(source)
    info = probe(src)
    if info.video is None:  # probe raises first; this is for the type checker
        raise DamagedVideo(detail="no video stream")
    report = progress or (lambda fraction: None)
    estimate = max(1, round(info.duration * (info.video.fps or 25.0)))
    detector = make_detector(options)
    every = max(1, options.detect_every)
    detections: dict[int, list[Box]] = {}
    times: list[float] = []
    width = height = 0
    with contextlib.closing(render.frames(src)) as frames:
        for index, (frame, at) in enumerate(frames):
            times.append(at)
            if index % every == 0:
                width, height = render.upright_size(frame)
                w, h = detector.size_for(width, height)
                picture = frame.to_ndarray(
                    format=detector.pixel_format, **render.scaled(frame, w, h)
                )
                picture = render.upright(picture, frame)
                detections[index] = detector.detect(
                    picture, (width / w, height / h), turn=index // every
                )
            report(index / max(estimate, index + 1))
    if not times:
        raise DamagedVideo(detail="no frame could be decoded")

    fps = info.video.fps if 1 <= info.video.fps <= 120 else 25.0
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
            chain_gap=max(2 * hold, round(fps)),
        )
    teacher = teacher_boxes(
        tracks, kept, len(times), hold, bridge=round(options.teacher_bridge * fps)
    )
    return FaceMap(
        times=times,
        per_frame=per_frame,
        kept=kept,
        teacher=teacher,
        frames_searched=len(detections),
        frames_found=sum(1 for boxes in detections.values() if boxes),
        width=width,
        height=height,
    )


def blur_faces(
    source: str | os.PathLike[str],
    target: str | os.PathLike[str],
    options: BlurOptions = BlurOptions(),
    progress: Callable[[float], None] | None = None,
    *,
    keep: KeepPoint | tuple[float, float, float] | None = None,
    regions: Sequence[BlurRegion] = (),
) -> BlurResult:
    """Write an H.264/AAC MP4 of `source` to `target` with every face blurred but `keep`'s.

    `keep` is a point on the face to leave as it is, in the source's upright (displayed)
    pixels, at a time in seconds from the first frame; the face track through that point is
    followed for as long as the detector follows it. When no face is at the point, every
    face is blurred and the result's kept_face_frames is 0, for the caller to say so.
    `regions` are blurred too, each over its time range, whatever was found there.
    The output has the source's picture size (less an odd last row or column) and frame
    rate, and its audio: copied when it is AAC, else encoded to AAC.
    """
    src, dst = os.fspath(source), os.fspath(target)
    info = probe(src)
    if info.video is None:
        raise DamagedVideo(detail="no video stream")
    check_out_dir(dst)
    if keep is not None and not isinstance(keep, KeepPoint):
        keep = KeepPoint(*keep)
    report = render.Progress(progress)
    found = find_faces(src, options, lambda f: report(_DETECT_SHARE * f), keep=keep)
    width, height = info.video.display_width // 2 * 2, info.video.display_height // 2 * 2
    treat = _Treatment(found, options, regions, width, height)
    encoding = render.Encoding(options.ffmpeg, options.crf, options.preset, options.audio_bitrate)

    def encoded(fraction: float, force: bool) -> None:
        report(_DETECT_SHARE + (1 - _DETECT_SHARE) * fraction, force=force)

    with complete_or_nothing(dst, ".part.mp4") as part:
        render.encode(src, part, info, encoding, found.times, treat, encoded)
        out = render.verify(part, info)
    if progress is not None:
        progress(1.0)
    assert out.video is not None  # verify checked it
    return BlurResult(
        path=dst,
        frames=len(found.times),
        frames_with_faces=sum(1 for boxes in found.per_frame if boxes),
        frames_searched=found.frames_searched,
        frames_found=found.frames_found,
        faces_blurred=treat.blurred,
        kept_face_frames=treat.kept_frames,
        face_strip=_strip(found.times, treat.per_frame_blurred),
        duration=out.duration,
        width=out.video.display_width,
        height=out.video.display_height,
    )


class _Treatment:
    """Blur one upright frame of the second pass, as the first pass and the regions say."""

    def __init__(
        self,
        found: FaceMap,
        options: BlurOptions,
        regions: Sequence[BlurRegion],
        width: int,
        height: int,
    ) -> None:
        self.found, self.options, self.regions = found, options, list(regions)
        self.width, self.height = width, height
        self.blurred = self.kept_frames = 0
        self.per_frame_blurred: list[int] = []

    def __call__(self, index: int, picture) -> None:
        found, options = self.found, self.options
        faces = found.per_frame[index]
        if any(track_id in found.kept for track_id, _ in faces):
            self.kept_frames += 1
        keep = None
        if options.outside_teacher:
            teacher = found.teacher[index]
            keep = person_region(teacher, self.width, self.height) if teacher else None
            blur_outside(picture, keep)
        count = 0
        for track_id, box in faces:
            if track_id in found.kept:
                continue
            count += 1
            region = expand(box, options.margin, self.width, self.height)
            # Outside the teacher's region all is blurred already; a pupil beside the
            # teacher, inside it, still has their face blurred.
            if not options.outside_teacher or (keep is not None and _overlap(region, keep)):
                blur_region(picture, region)
        at = found.times[index]
        for region in self.regions:
            if region.start <= at <= region.end:
                rect = (
                    max(0, math.floor(region.x0)),
                    max(0, math.floor(region.y0)),
                    min(self.width, math.ceil(region.x1)),
                    min(self.height, math.ceil(region.y1)),
                )
                blur_region(picture, rect, ellipse=False)
        self.blurred += count
        self.per_frame_blurred.append(count)


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _strip(times: list[float], counts: list[int]) -> tuple[int, ...]:
    """The most faces blurred in any one frame of each whole second."""
    if not times:
        return ()
    strip = [0] * (int(times[-1]) + 1)
    for at, count in zip(times, counts, strict=False):
        second = min(len(strip) - 1, max(0, int(at)))
        strip[second] = max(strip[second], count)
    return tuple(strip)
