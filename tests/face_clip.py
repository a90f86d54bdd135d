"""Make a clip of real faces moving over a panning, detailed background, for the blur tests.

The face is the astronaut photograph (Eileen Collins) that ships inside scikit-image's wheel,
so nothing is downloaded. The second face is the same photograph mirrored and smaller:
to the detector and the blur it is a different face at a different place and size.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from media_pipeline import ffmpeg_binary

# The astronaut photo's face as the frontal cascade finds it (x, y, w, h in the 512x512
# image), and the crop around it that we paste: hair, ears, chin and some spacesuit.
_FACE = (177, 67, 93, 93)
_CROP = (135, 15, 315, 205)  # x0, y0, x1, y1


@dataclass(frozen=True)
class FaceClip:
    """A generated clip and where each face's inner box (eyes to mouth) is in every frame."""

    path: Path
    fps: int
    width: int
    height: int
    faces: tuple[tuple[tuple[int, int, int, int], ...], ...]  # [face][frame] = x0, y0, x1, y1


def make_face_clip(
    path: Path,
    *,
    seconds: float = 2.0,
    height: int = 360,
    fps: int = 25,
    faces: bool = True,
    crf: int = 18,
) -> FaceClip:
    """Write an H.264/AAC MP4 of two faces moving across a panning texture; return the truth."""
    from skimage import data  # a test extra; imported here so importing this module is cheap

    width = height * 16 // 9 // 2 * 2
    scale = height / 360
    rng = np.random.default_rng(7)
    frames = round(seconds * fps)
    pan = 2 * frames + 8
    # Detail at several scales: fine grain for the Laplacian to measure, blobs to look at.
    grain = rng.normal(128, 40, (height, width + pan, 3))
    blobs = cv2.resize(rng.normal(128, 60, (height // 24, (width + pan) // 24, 3)),
                       (width + pan, height), interpolation=cv2.INTER_CUBIC)  # fmt: skip
    texture = np.clip(0.5 * cv2.GaussianBlur(grain, (0, 0), 1.0) + 0.5 * blobs, 0, 255)
    texture = texture.astype(np.uint8)

    photo = np.ascontiguousarray(data.astronaut()[:, :, ::-1])  # RGB to BGR
    x0, y0, x1, y1 = _CROP
    crop = photo[y0:y1, x0:x1]
    inner = (_FACE[0] - x0, _FACE[1] - y0, _FACE[0] - x0 + _FACE[2], _FACE[1] - y0 + _FACE[3])
    sprites = (
        _sprite(crop, inner, scale, mirror=False),
        _sprite(crop, inner, 0.8 * scale, mirror=True),
    )

    truth: list[list[tuple[int, int, int, int]]] = [[], []]
    cmd = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "bgr24", "-video_size", f"{width}x{height}"]
    cmd += ["-framerate", str(fps), "-i", "pipe:0"]
    cmd += ["-f", "lavfi", "-i", f"sine=frequency=330:sample_rate=48000:duration={seconds}"]
    cmd += ["-map", "0:v", "-map", "1:a", "-c:v", "libx264", "-preset", "veryfast"]
    cmd += ["-crf", str(crf), "-pix_fmt", "yuv420p", "-c:a", "aac", "-ac", "2"]
    cmd += ["-movflags", "+faststart", "-shortest", str(path)]
    with subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdin is not None and proc.stderr is not None
        for index in range(frames):
            proc.stdin.write(_frame(index, texture, width, scale, fps, faces, sprites, truth))
        proc.stdin.close()
        error = proc.stderr.read().decode()
        if proc.wait() != 0:
            raise RuntimeError(error)
    return FaceClip(
        path=path,
        fps=fps,
        width=width,
        height=height,
        faces=tuple(tuple(t) for t in truth) if faces else (),
    )


def _frame(
    index: int,
    texture: np.ndarray,
    width: int,
    scale: float,
    fps: int,
    faces: bool,
    sprites: tuple[tuple[np.ndarray, tuple[int, int, int, int]], ...],
    truth: list[list[tuple[int, int, int, int]]],
) -> bytes:
    shift = 2 * index
    picture = texture[:, shift : shift + width].copy()
    if faces:
        # Both faces drift and bob, so the blur has to follow them, never overlapping.
        phase = (index % (4 * fps)) / (4 * fps)
        wobble = np.sin(2 * np.pi * phase)
        places = [
            (round((30 + 120 * phase) * scale), round((95 + 10 * wobble) * scale)),
            (round((450 - 90 * phase) * scale), round((115 - 10 * wobble) * scale)),
        ]
        for face, ((sprite, box), (px, py)) in enumerate(zip(sprites, places, strict=True)):
            h, w = sprite.shape[:2]
            picture[py : py + h, px : px + w] = sprite
            truth[face].append((px + box[0], py + box[1], px + box[2], py + box[3]))
    return picture.tobytes()


def _sprite(
    crop: np.ndarray, inner: tuple[int, int, int, int], scale: float, mirror: bool
) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    h, w = crop.shape[:2]
    size = (round(w * scale), round(h * scale))
    sprite = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC)
    x0, y0, x1, y1 = (round(v * scale) for v in inner)
    if mirror:
        sprite = np.ascontiguousarray(sprite[:, ::-1])
        x0, x1 = size[0] - x1, size[0] - x0
    return sprite, (x0, y0, x1, y1)
