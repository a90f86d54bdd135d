"""Follow faces from frame to frame, and blur them (or all but the teacher) beyond recognition."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np

# A face box in frame pixels: left, top, right, bottom (floats; rounded only when drawn).
Box = tuple[float, float, float, float]

# Two detections in one frame that overlap this much are one face seen by two cascades.
_SAME_FACE_IOU = 0.3
# A detection continues a track when it overlaps the track's last box this much, or when its
# centre lies within this share of the last box's size from the last centre.
_LINK_IOU = 0.2
_LINK_CENTRE = 0.6


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
    # Face boxes run from the hairline (CenterFace) or eyebrows (Haar) to the chin or mouth:
    # hair, ears and chin need more room, the chin and forehead most.
    x0 = max(0, math.floor(box[0] - w * margin))
    x1 = min(width, math.ceil(box[2] + w * margin))
    y0 = max(0, math.floor(box[1] - h * margin * 1.3))
    y1 = min(height, math.ceil(box[3] + h * margin * 1.3))
    return x0, y0, x1, y1


def teacher_boxes(
    tracks: Sequence[Track], kept: set[int], frames: int, hold: int, bridge: int
) -> list[Box | None]:
    """Return the kept face's box in every frame, or None where the teacher is not followed.

    Between two sightings at most `bridge` frames apart the box slides from one to the next
    (the teacher turned to the board, and the detector lost the face for a moment); for
    `hold` frames before the first and after the last sighting it stays where it was.
    """
    seen = sorted(
        (frame, box)
        for track in tracks
        if track.id in kept
        for frame, box in zip(track.frames, track.boxes, strict=True)
    )
    out: list[Box | None] = [None] * frames
    for (f0, a), (f1, b) in zip(seen, seen[1:], strict=False):
        if f1 - f0 > bridge:
            continue
        for frame in range(f0, min(f1, frames)):
            w = (frame - f0) / (f1 - f0) if f1 > f0 else 0.0
            out[frame] = tuple(a[i] + (b[i] - a[i]) * w for i in range(4))  # type: ignore[assignment]
    for index, (frame, box) in enumerate(seen):
        before_gap = index == 0 or frame - seen[index - 1][0] > bridge
        after_gap = index == len(seen) - 1 or seen[index + 1][0] - frame > bridge
        lo = frame - hold if before_gap else frame
        hi = frame + hold if after_gap else frame
        for near in range(max(0, lo), min(frames, hi + 1)):
            if out[near] is None:
                out[near] = box
    return out


def person_region(face: Box, width: int, height: int) -> tuple[int, int, int, int]:
    """The region a teacher takes up, from their face: head, shoulders, arms, down to the floor."""
    w, h = face[2] - face[0], face[3] - face[1]
    x0 = max(0, math.floor(face[0] - 1.6 * w))
    x1 = min(width, math.ceil(face[2] + 1.6 * w))
    y0 = max(0, math.floor(face[1] - 0.6 * h))
    return x0, y0, x1, height


def blur_outside(frame: np.ndarray, keep: tuple[int, int, int, int] | None) -> None:
    """Blur the whole BGR frame in place beyond recognition, but for the `keep` rectangle."""
    height, width = frame.shape[:2]
    original = frame[keep[1] : keep[3], keep[0] : keep[2]].copy() if keep else None
    # A sixteenth of the size, smoothed, enlarged: shapes and colours stay, no face does.
    small = cv2.resize(frame, (max(1, width // 16), max(1, height // 16)), cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 1.5)
    frame[...] = cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)
    if keep is not None and original is not None and original.size:
        frame[keep[1] : keep[3], keep[0] : keep[2]] = original


def blur_region(
    frame: np.ndarray, region: tuple[int, int, int, int], *, ellipse: bool = True
) -> None:
    """Blur a face region of a BGR frame in place so no detail is left.

    A face is blurred in an ellipse; a touch-up region a person drew is blurred to its corners.
    """
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
    blurred = cv2.resize(quarter, (w, h), interpolation=cv2.INTER_LINEAR)
    if not ellipse:
        roi[...] = blurred
        return
    mask = np.zeros((qh, qw), np.uint8)
    axes = (max(1, qw * 47 // 100), max(1, qh * 47 // 100))
    cv2.ellipse(mask, (qw // 2, qh // 2), axes, 0, 0, 360, 255, -1)
    mask = cv2.GaussianBlur(mask, (0, 0), max(qw, qh) / 40 + 0.5)
    alpha = cv2.resize(mask, (w, h), interpolation=cv2.INTER_LINEAR)
    alpha = alpha.astype(np.float32)[:, :, None] / 255.0
    mixed = roi.astype(np.float32) * (1.0 - alpha) + blurred.astype(np.float32) * alpha
    roi[...] = mixed.astype(np.uint8)
