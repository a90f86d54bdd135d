"""Find faces in frames, follow them from frame to frame, and blur them beyond recognition."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

# A face box in frame pixels: left, top, right, bottom (floats; rounded only when drawn).
Box = tuple[float, float, float, float]

# The cascades that ship inside opencv-python-headless (cv2.data.haarcascades), so nothing is
# downloaded at run time. alt2 finds frontal faces as well as "default" with fewer false hits
# on classroom clutter, and is faster; the profile cascade only knows faces turned to one
# side, so it also runs on the mirrored picture.
_FRONTAL = "haarcascade_frontalface_alt2.xml"
_PROFILE = "haarcascade_profileface.xml"

# Two detections in one frame that overlap this much are one face seen by two cascades.
_SAME_FACE_IOU = 0.3
# A detection continues a track when it overlaps the track's last box this much, or when its
# centre lies within this share of the last box's size from the last centre.
_LINK_IOU = 0.2
_LINK_CENTRE = 0.6


class FaceDetector:
    """Haar-cascade face detector that works on a downscaled grey copy of each frame."""

    def __init__(
        self,
        detect_height: int = 360,
        scale_factor: float = 1.2,
        min_neighbors: int = 4,
        profile: bool = True,
    ) -> None:
        self.detect_height = detect_height
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.cascades = [_cascade(_FRONTAL)] + ([_cascade(_PROFILE)] if profile else [])
        self.profile = profile

    def size_for(self, width: int, height: int) -> tuple[int, int]:
        """Return the (width, height) a width x height frame is shrunk to for detection."""
        if height <= self.detect_height:
            return width, height
        return max(1, round(width * self.detect_height / height)), self.detect_height

    def detect(self, gray: np.ndarray, scale: float = 1.0, turn: int = 0) -> list[Box]:
        """Return the faces in a grey picture, as boxes multiplied by `scale`.

        The profile cascade only knows faces turned one way; it looks at the picture as it is
        on even turns and mirrored on odd ones, so a caller that counts its calls in `turn`
        covers both sides for the price of one.
        """
        # Classroom footage is often dim or backlit by windows; Haar features compare the
        # brightness of neighbouring bands, which a stretched histogram makes far more reliable.
        gray = cv2.equalizeHist(gray)
        width = gray.shape[1]
        found: list[Box] = []
        for index, cascade in enumerate(self.cascades):
            mirrored = index > 0 and turn % 2 == 1
            picture = cv2.flip(gray, 1) if mirrored else gray
            hits = cascade.detectMultiScale(
                picture,
                scaleFactor=self.scale_factor,
                minNeighbors=self.min_neighbors,
                minSize=(20, 20),
            )
            for x, y, w, h in hits:
                x0 = width - (x + w) if mirrored else x
                found.append((x0 * scale, y * scale, (x0 + w) * scale, (y + h) * scale))
        return merge_boxes(found)


def _cascade(name: str) -> cv2.CascadeClassifier:
    path = cv2.data.haarcascades + name
    cascade = cv2.CascadeClassifier(path)
    if cascade.empty():
        # A broken OpenCV install must not quietly blur nothing.
        raise RuntimeError(f"cannot load the face cascade {path}")
    return cascade


def iou(a: Box, b: Box) -> float:
    """Return the intersection over union of two boxes."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    return inter / (_area(a) + _area(b) - inter)


def _area(box: Box) -> float:
    return max(0.0, box[2] - box[0]) * max(0.0, box[3] - box[1])


def _centre(box: Box) -> tuple[float, float]:
    return (box[0] + box[2]) / 2, (box[1] + box[3]) / 2


def _continues(last: Box, box: Box) -> bool:
    if iou(last, box) >= _LINK_IOU:
        return True
    (cx, cy), (bx, by) = _centre(last), _centre(box)
    size = max(last[2] - last[0], last[3] - last[1])
    return math.hypot(cx - bx, cy - by) <= _LINK_CENTRE * size


def merge_boxes(boxes: Iterable[Box]) -> list[Box]:
    """Merge boxes that are the same face (found by two cascades) into their union."""
    merged: list[Box] = []
    for box in sorted(boxes, key=_area, reverse=True):
        for i, kept in enumerate(merged):
            if iou(kept, box) >= _SAME_FACE_IOU or _inside(_centre(box), kept):
                merged[i] = (
                    min(kept[0], box[0]),
                    min(kept[1], box[1]),
                    max(kept[2], box[2]),
                    max(kept[3], box[3]),
                )
                break
        else:
            merged.append(box)
    return merged


def _inside(point: tuple[float, float], box: Box) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


@dataclass
class Track:
    """One face followed across frames: the frames it was detected in and its boxes there."""

    id: int
    frames: list[int] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)

    def box_at(self, frame: int, hold: int) -> Box | None:
        """Return the face's box at `frame`: detected, interpolated, or held near the ends."""
        frames = self.frames
        if frame < frames[0] - hold or frame > frames[-1] + hold:
            return None
        if frame <= frames[0]:
            return self.boxes[0]
        if frame >= frames[-1]:
            return self.boxes[-1]
        # The last detection at or before `frame`, then slide towards the next one: a face
        # that moved between two detections is covered where it is, not where it was.
        lo, hi = 0, len(frames) - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if frames[mid] <= frame:
                lo = mid
            else:
                hi = mid
        f0, f1 = frames[lo], frames[hi]
        a, b = self.boxes[lo], self.boxes[hi]
        w = (frame - f0) / (f1 - f0) if f1 > f0 else 0.0
        return (
            a[0] + (b[0] - a[0]) * w,
            a[1] + (b[1] - a[1]) * w,
            a[2] + (b[2] - a[2]) * w,
            a[3] + (b[3] - a[3]) * w,
        )


def link_tracks(detections: dict[int, list[Box]], max_gap: int) -> list[Track]:
    """Join each frame's detections into tracks, bridging misses of up to `max_gap` frames."""
    tracks: list[Track] = []
    for frame in sorted(detections):
        live = [t for t in tracks if frame - t.frames[-1] <= max_gap]
        pairs = [
            (iou(t.boxes[-1], box), t_i, b_i)
            for t_i, t in enumerate(live)
            for b_i, box in enumerate(detections[frame])
            if _continues(t.boxes[-1], box)
        ]
        taken_tracks: set[int] = set()
        taken_boxes: set[int] = set()
        # Best overlaps first, one detection per track: two pupils side by side stay two.
        for _, t_i, b_i in sorted(pairs, reverse=True):
            if t_i in taken_tracks or b_i in taken_boxes:
                continue
            live[t_i].frames.append(frame)
            live[t_i].boxes.append(detections[frame][b_i])
            taken_tracks.add(t_i)
            taken_boxes.add(b_i)
        for b_i, box in enumerate(detections[frame]):
            if b_i not in taken_boxes:
                tracks.append(Track(id=len(tracks), frames=[frame], boxes=[box]))
    return tracks


def boxes_per_frame(tracks: Sequence[Track], frames: int, hold: int) -> list[list[tuple[int, Box]]]:
    """Return, for every frame, the (track id, box) of each face to treat there."""
    per_frame: list[list[tuple[int, Box]]] = [[] for _ in range(frames)]
    for track in tracks:
        start = max(0, track.frames[0] - hold)
        stop = min(frames, track.frames[-1] + hold + 1)
        for frame in range(start, stop):
            box = track.box_at(frame, hold)
            if box is not None:
                per_frame[frame].append((track.id, box))
    return per_frame


def kept_tracks(
    tracks: Sequence[Track],
    per_frame: Sequence[Sequence[tuple[int, Box]]],
    frame: int,
    point: tuple[float, float],
    search: int,
    chain_gap: int,
) -> set[int]:
    """Return the ids of the tracks of the face at `point` in `frame` (empty if no face is)."""
    chosen: int | None = None
    # The click may land a frame or two from the nearest detection: look outwards in time.
    for distance in range(search + 1):
        for candidate in (frame - distance, frame + distance):
            if not 0 <= candidate < len(per_frame):
                continue
            hits = [(tid, box) for tid, box in per_frame[candidate] if _inside(point, box)]
            if hits:
                chosen = min(hits, key=lambda hit: _area(hit[1]))[0]
                break
        if chosen is not None:
            break
    if chosen is None:
        return set()
    kept = {chosen}
    by_id = {t.id: t for t in tracks}
    # A face the detector lost for longer than a track bridges starts a new track where the
    # old one ended; when it picks up there, it is still the kept face.
    grown = True
    while grown:
        grown = False
        for track in tracks:
            if track.id in kept:
                continue
            for other in (by_id[k] for k in kept):
                after = 0 < track.frames[0] - other.frames[-1] <= chain_gap
                before = 0 < other.frames[0] - track.frames[-1] <= chain_gap
                if (after and _continues(other.boxes[-1], track.boxes[0])) or (
                    before and _continues(other.boxes[0], track.boxes[-1])
                ):
                    kept.add(track.id)
                    grown = True
                    break
    return kept


def expand(box: Box, margin: float, width: int, height: int) -> tuple[int, int, int, int]:
    """Grow a box by `margin` of its size on every side, clipped to the frame, as integers."""
    w, h = box[2] - box[0], box[3] - box[1]
    # Haar boxes run from the eyebrows to the mouth: hair, ears and chin need more room,
    # the chin and forehead most.
    x0 = max(0, math.floor(box[0] - w * margin))
    x1 = min(width, math.ceil(box[2] + w * margin))
    y0 = max(0, math.floor(box[1] - h * margin * 1.3))
    y1 = min(height, math.ceil(box[3] + h * margin * 1.3))
    return x0, y0, x1, y1


def blur_region(frame: np.ndarray, region: tuple[int, int, int, int]) -> None:
    """Blur an elliptical face region of a BGR frame in place so no detail is left."""
    x0, y0, x1, y1 = region
    w, h = x1 - x0, y1 - y0
    if w < 2 or h < 2:
        return
    roi = frame[y0:y1, x0:x1]
    # Shrink to about 6 cells across: eyes, nose and mouth do not survive 6 cells. The cells
    # are smoothed at a quarter of the size (a Gaussian as wide as a cell costs 20 ms on a
    # 300-pixel face at full size) and enlarged bilinearly, which leaves no block edges to
    # read shapes from.
    side = max(w, h)
    cells = 6
    small = cv2.resize(
        roi,
        (max(1, round(cells * w / side)), max(1, round(cells * h / side))),
        interpolation=cv2.INTER_AREA,
    )
    qw, qh = max(2, w // 4), max(2, h // 4)
    quarter = cv2.resize(small, (qw, qh), interpolation=cv2.INTER_LINEAR)
    quarter = cv2.GaussianBlur(quarter, (0, 0), max(qw, qh) / 16)
    # An ellipse reads as "a face was blurred" rather than a box pasted over the frame, and
    # a feathered edge does not flicker as the box moves.
    mask = np.zeros((qh, qw), np.uint8)
    axes = (max(1, qw * 47 // 100), max(1, qh * 47 // 100))
    cv2.ellipse(mask, (qw // 2, qh // 2), axes, 0, 0, 360, 255, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(qw, qh) / 40 + 0.5)
    blurred = cv2.resize(quarter, (w, h), interpolation=cv2.INTER_LINEAR)
    alpha = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    alpha = alpha.astype(np.float32)[:, :, None] / 255.0
    mixed = roi.astype(np.float32) * (1.0 - alpha) + blurred.astype(np.float32) * alpha
    roi[...] = mixed.astype(np.uint8)
