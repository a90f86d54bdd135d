"""Classroom-like 1080p scenes and clips of real faces, with where every face is, for the blur.

The faces are real photographs that ship in packages, so nothing is fetched when tests run:
the six people of the group photo in insightface's wheel (frontal, three-quarter, tilted,
looking down, eyes closed; `make face-photos` puts the wheel in .cache/face-photos, read with
zipfile, the package is never installed) and the astronaut in scikit-image's wheel; each is
also used mirrored, which turns it the other way. The surgical masks in the same wheel cover
the lower half of a face. The background is a mosaic of scikit-image's sample pictures
(coffee, a cat's face, coins, bricks, rocket, text...): detail and face-like clutter with
no human face in it.

A face's size is the height of its box, hairline to chin, as CenterFace draws it; a pasted
photo brings hair, ears, neck and shoulders around the face, feathered into the background.
"""

from __future__ import annotations

import functools
import math
import os
import subprocess
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from media_pipeline import ffmpeg_binary

ROOT = Path(__file__).resolve().parent.parent
PHOTOS_WHEEL = Path(
    os.environ.get(
        "COACHREEL_FACE_PHOTOS", ROOT / ".cache/face-photos/insightface-2.1-py3-none-any.whl"
    )
)
WIDTH, HEIGHT = 1920, 1080
Box = tuple[float, float, float, float]

# The faces in the group photo (insightface/data/images/t1.jpg, 1280x886), hairline to chin.
_GROUP_FACES = {
    "rachel": (62, 266, 165, 394),  # looking down at her cards
    "monica": (272, 151, 372, 264),  # head tilted, three-quarter
    "ross": (464, 268, 572, 416),  # three-quarter, smiling
    "chandler": (745, 345, 844, 481),  # eyes shut, laughing
    "joey": (903, 59, 1014, 206),  # looking aside
    "phoebe": (1133, 268, 1230, 401),  # eyes down
}
_ASTRONAUT_FACE = (182, 58, 270, 178)  # skimage.data.astronaut(), 512x512


@dataclass(frozen=True)
class Face:
    """A face photograph: the picture (BGR) around it and the face's box within that picture."""

    name: str
    picture: np.ndarray
    box: Box


@dataclass(frozen=True)
class Placed:
    """A face to put in a scene: its height in pixels, its centre, and what happens to it."""

    face: Face
    height: float
    centre: tuple[float, float]
    covered: bool = False  # a surgical mask over the lower half
    motion: float = 0.0  # motion blur, in pixels of travel during the exposure


def photos_available() -> str | None:
    """Say what is missing for the real-face photos, or None when they are there."""
    if PHOTOS_WHEEL.is_file():
        return None
    return f"{PHOTOS_WHEEL} is missing: run `make face-photos` (it fetches insightface's wheel)"


@functools.cache
def faces() -> tuple[Face, ...]:
    """Every face photograph, each also mirrored: 14 faces in all."""
    from skimage import data  # a test extra: imported here so importing this module is cheap

    group = _read("insightface/data/images/t1.jpg")
    found = [_face_with_surroundings(group, name, box) for name, box in _GROUP_FACES.items()]
    astronaut = np.ascontiguousarray(data.astronaut()[:, :, ::-1])
    found.append(_face_with_surroundings(astronaut, "astronaut", _ASTRONAUT_FACE))
    mirrored = [
        Face(f"{f.name} mirrored", np.ascontiguousarray(f.picture[:, ::-1]), _mirror(f))
        for f in found
    ]
    return tuple(found + mirrored)


def _mirror(face: Face) -> Box:
    width = face.picture.shape[1]
    x0, y0, x1, y1 = face.box
    return (width - x1, y0, width - x0, y1)


@functools.cache
def _mask() -> np.ndarray:
    return _read("insightface/data/images/mask_blue.jpg")


def _read(name: str) -> np.ndarray:
    with zipfile.ZipFile(PHOTOS_WHEEL) as wheel:
        data = np.frombuffer(wheel.read(name), np.uint8)
    return cv2.imdecode(data, cv2.IMREAD_COLOR)


def _face_with_surroundings(image: np.ndarray, name: str, box: Box) -> Face:
    # Hair and ears beside, forehead above, neck and shoulders below.
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    cx0, cy0 = max(0, int(x0 - 0.7 * w)), max(0, int(y0 - 0.5 * h))
    cx1, cy1 = min(image.shape[1], int(x1 + 0.7 * w)), min(image.shape[0], int(y1 + 0.9 * h))
    crop = np.ascontiguousarray(image[cy0:cy1, cx0:cx1])
    return Face(name, crop, (x0 - cx0, y0 - cy0, x1 - cx0, y1 - cy0))


@functools.cache
def background() -> np.ndarray:
    """A 1920x1080 mosaic of scikit-image's sample pictures: detail with no human face."""
    from skimage import data

    tiles = [
        data.coffee(), data.chelsea(), data.rocket(), data.coins(), data.brick(),
        data.text(), data.hubble_deep_field(), data.immunohistochemistry(), data.grass(),
        data.gravel(), data.page(), data.colorwheel(),
    ]  # fmt: skip
    cols, rows = 4, 3
    tw, th = WIDTH // cols, HEIGHT // rows
    canvas = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    for i, tile in enumerate(tiles):
        if tile.ndim == 2:
            tile = np.stack([tile] * 3, axis=2)
        tile = cv2.resize(np.ascontiguousarray(tile[:, :, :3][:, :, ::-1]), (tw, th))
        r, c = divmod(i, cols)
        canvas[r * th : (r + 1) * th, c * tw : (c + 1) * tw] = tile
    return canvas


def render(
    placed: Sequence[Placed], base: np.ndarray | None = None, *, dim: bool = False
) -> tuple[np.ndarray, list[Box]]:
    """Paste the faces into a copy of the background; return the frame and the faces' boxes."""
    frame = (background() if base is None else base).copy()
    boxes = [_paste(frame, p) for p in placed]
    if dim:
        # A dim classroom filmed on a phone: a third of the light, and sensor noise.
        noise = np.random.default_rng(len(placed)).normal(0, 4, frame.shape)
        frame = np.clip(frame.astype(np.float32) * 0.33 + noise, 0, 255).astype(np.uint8)
    return frame, boxes


def _paste(frame: np.ndarray, placed: Placed) -> Box:
    face = placed.face
    fx0, fy0, fx1, fy1 = face.box
    scale = placed.height / (fy1 - fy0)
    sprite = cv2.resize(face.picture, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    if placed.covered:
        sprite = _cover(sprite, tuple(v * scale for v in face.box))
    if placed.motion >= 1:
        length = int(round(placed.motion)) | 1
        kernel = np.zeros((length, length), np.float32)
        kernel[length // 2, :] = 1.0 / length
        sprite = cv2.filter2D(sprite, -1, kernel)
    sh, sw = sprite.shape[:2]
    # Where the sprite goes so the face's centre lands on placed.centre.
    cx, cy = (fx0 + fx1) / 2 * scale, (fy0 + fy1) / 2 * scale
    left, top = int(round(placed.centre[0] - cx)), int(round(placed.centre[1] - cy))
    alpha = np.zeros((sh, sw), np.float32)
    cv2.ellipse(alpha, (sw // 2, sh // 2), (sw * 9 // 20, sh * 9 // 20), 0, 0, 360, 1.0, -1)
    alpha = cv2.GaussianBlur(alpha, (0, 0), max(1.0, min(sw, sh) / 12))[:, :, None]
    x0, y0 = max(0, left), max(0, top)
    x1, y1 = min(frame.shape[1], left + sw), min(frame.shape[0], top + sh)
    region = frame[y0:y1, x0:x1].astype(np.float32)
    part = sprite[y0 - top : y1 - top, x0 - left : x1 - left].astype(np.float32)
    a = alpha[y0 - top : y1 - top, x0 - left : x1 - left]
    frame[y0:y1, x0:x1] = (region * (1 - a) + part * a).astype(np.uint8)
    return (left + fx0 * scale, top + fy0 * scale, left + fx1 * scale, top + fy1 * scale)


def _cover(sprite: np.ndarray, box: Box) -> np.ndarray:
    # The mask photograph, cut to the mask itself, over nose, mouth and chin.
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    mx0, my0 = int(x0 - 0.05 * w), int(y0 + 0.5 * h)
    mw, mh = int(1.1 * w), int(0.55 * h)
    if mw < 2 or mh < 2:
        return sprite
    mask = cv2.resize(_mask(), (mw, mh), interpolation=cv2.INTER_AREA)
    out = sprite.copy()
    ys, xs = (
        slice(max(0, my0), min(out.shape[0], my0 + mh)),
        slice(max(0, mx0), min(out.shape[1], mx0 + mw)),
    )
    out[ys, xs] = mask[ys.start - my0 : ys.stop - my0, xs.start - mx0 : xs.stop - mx0]
    return out


def grid(
    height: float, *, columns: int = 7, rows: int = 3, faces_from: Iterable[Face] | None = None,
    covered: bool = False, motion: float = 0.0, offset: int = 0,
) -> list[Placed]:  # fmt: skip
    """Faces of one size in a grid over the frame, like pupils in rows of desks."""
    people = list(faces_from if faces_from is not None else faces())
    placed = []
    for i in range(columns * rows):
        r, c = divmod(i, columns)
        centre = ((c + 0.5) * WIDTH / columns, (r + 0.5) * HEIGHT / rows)
        face = people[(i + offset) % len(people)]
        placed.append(Placed(face, height, centre, covered=covered, motion=motion))
    return placed


def detect(detector, frame: np.ndarray) -> list[Box]:
    """Run a media_pipeline face detector on a BGR frame, as the blur's first pass does."""
    height, width = frame.shape[:2]
    w, h = detector.size_for(width, height)
    small = cv2.resize(frame, (w, h), interpolation=cv2.INTER_AREA)
    scale = (width / w, height / h)
    if detector.pixel_format == "gray":
        # The Haar profile cascade looks one way on even frames and the other on odd ones.
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        return detector.detect(gray, scale, 0) + detector.detect(gray, scale, 1)
    return detector.detect(np.ascontiguousarray(small[:, :, ::-1]), scale)


def covered_share(found: Sequence[Box], truth: Box) -> float:
    """The share of a true face box that the union of found boxes covers (sampled on a grid)."""
    x0, y0, x1, y1 = truth
    xs, ys = np.linspace(x0, x1, 12), np.linspace(y0, y1, 12)
    gx, gy = np.meshgrid(xs, ys)
    inside = np.zeros(gx.shape, bool)
    for b in found:
        inside |= (gx >= b[0]) & (gx <= b[2]) & (gy >= b[1]) & (gy <= b[3])
    return float(inside.mean())


def found(detected: Sequence[Box], truth: Box) -> bool:
    """A true face counts as found when a detection's centre lies in it and sizes agree."""
    tw, th = truth[2] - truth[0], truth[3] - truth[1]
    for b in detected:
        cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
        if truth[0] <= cx <= truth[2] and truth[1] <= cy <= truth[3]:
            if 0.4 <= (b[3] - b[1]) / th <= 2.5 and 0.3 <= (b[2] - b[0]) / tw <= 3.0:
                return True
    return False


def write_clip(
    path: Path,
    frames: Iterable[np.ndarray],
    *,
    fps: int = 25,
    crf: int = 20,
    size: tuple[int, int] = (WIDTH, HEIGHT),
) -> Path:
    """Encode BGR frames to an H.264 MP4 with a tone, like a phone's recording."""
    cmd = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", f"{size[0]}x{size[1]}"]
    cmd += ["-framerate", str(fps), "-i", "pipe:0", "-f", "lavfi", "-i", "sine=frequency=330"]
    cmd += ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast"]
    cmd += ["-crf", str(crf), "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest"]
    cmd += ["-movflags", "+faststart", str(path)]
    with subprocess.Popen(cmd, stdin=subprocess.PIPE) as proc:
        assert proc.stdin is not None
        for frame in frames:
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
        proc.stdin.close()
        if proc.wait() != 0:
            raise RuntimeError(f"ffmpeg could not write {path}")
    return path


@dataclass(frozen=True)
class Classroom:
    """A generated classroom clip and, for every frame, the box of every face in it."""

    path: Path
    fps: int
    width: int
    height: int
    faces: list[list[Box]]  # [frame][face]; the teacher's face is the last of each frame
    teacher_start: tuple[float, float]  # the teacher's face centre in the first frame


def _pupils() -> list[tuple[Face, float, float, float, bool]]:
    # Rows of pupils like a wide shot from the back corner: small at the back, larger at the
    # front; two wear masks. (face, height in 1080p, x, y, covered)
    people = faces()
    seats = []
    for i in range(7):  # back row
        seats.append((people[i % 14], 30 + 2 * i, 180 + 250 * i, 330, i == 3))
    for i in range(6):  # middle row
        seats.append((people[(i + 7) % 14], 50 + 6 * i, 250 + 280 * i, 560, i == 4))
    for i in range(4):  # front row
        seats.append((people[(i + 3) % 14], 100 + 15 * i, 220 + 480 * i, 860, False))
    return seats


def classroom_frames(seconds: float, fps: int = 25, height: int = HEIGHT):
    """Yield (frame, face boxes) of a class: pupils swaying in their seats, a teacher walking."""
    scale = height / HEIGHT
    width = round(WIDTH * scale) // 2 * 2
    seats = _pupils()
    teacher = faces()[2]  # three-quarter, smiling
    for index in range(round(seconds * fps)):
        t = index / fps
        placed = [
            Placed(face, size, (x + 6 * math.sin(t * 1.7 + x), y + 3 * math.sin(t * 1.1 + y)),
                   covered=covered)
            for face, size, x, y, covered in seats
        ]  # fmt: skip
        # The teacher walks across the front, 150 px a second, blurred by the walk.
        tx = 300 + (150 * t) % 1300
        placed.append(Placed(teacher, 170, (tx, 420), motion=150 / fps))
        frame, boxes = render(placed)
        # A pupil behind the teacher is hidden, not missed: leave them out of the truth.
        boxes = [box for box in boxes[:-1] if not _behind(box, boxes[-1])] + [boxes[-1]]
        if scale != 1:
            frame = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
            boxes = [tuple(v * scale for v in box) for box in boxes]  # type: ignore[misc]
        yield frame, boxes


def _behind(box: Box, front: Box) -> bool:
    # Inside the front face's pasted photograph (hair and shoulders included, see _paste).
    w, h = front[2] - front[0], front[3] - front[1]
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return front[0] - 0.7 * w <= cx <= front[2] + 0.7 * w and front[1] - 0.5 * h <= cy <= (
        front[3] + 0.9 * h
    )


def make_classroom_clip(path: Path, seconds: float, *, fps: int = 25, height: int = HEIGHT):
    """Write the classroom clip to `path` (H.264, with a tone); return it and its truth."""
    truth: list[list[Box]] = []

    def frames():
        for frame, boxes in classroom_frames(seconds, fps, height):
            truth.append(boxes)
            yield frame

    width = round(WIDTH * height / HEIGHT) // 2 * 2
    write_clip(path, frames(), fps=fps, size=(width, height))
    first = truth[0][-1]
    return Classroom(
        path, fps, width, height, truth, ((first[0] + first[2]) / 2, (first[1] + first[3]) / 2)
    )


def face_frame_recall(
    truth: Sequence[Sequence[Box]], treated: Sequence[Sequence[Box]], *, height: int = HEIGHT
) -> dict[str, tuple[int, int]]:
    """Count, by face size, the face-frames whose face the treated regions cover (90 % of it).

    Returns {size band: (covered, total)}; bands are 30-49, 50-99, 100-199 and 200+ pixels
    high in 1080p (a 720p clip's faces are measured as they were before it was shrunk).
    """
    to_1080 = HEIGHT / height
    bands: dict[str, tuple[int, int]] = {}
    for boxes, regions in zip(truth, treated, strict=True):
        for box in boxes:
            size = (box[3] - box[1]) * to_1080
            band = _band(size)
            hit, total = bands.get(band, (0, 0))
            bands[band] = (hit + (covered_share(regions, box) >= 0.9), total + 1)
    return bands


def _band(size: float) -> str:
    for low, high in ((30, 50), (50, 100), (100, 200)):
        if size < high:
            return f"{low}-{high - 1}" if size >= low else f"<{low}"
    return "200+"
