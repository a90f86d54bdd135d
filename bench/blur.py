"""Measure how fast blur_faces runs, beside a bare decode of the same clip (the floor).

The clip is generated once into bench/out/ (gitignored) and reused: two real faces (the
astronaut photograph from scikit-image, one mirrored and smaller) moving over a panning,
detailed texture, with a tone, at 25 fps. blur_faces decodes the clip twice (find and
follow the faces, then blur and encode), so it can never beat two decodes; the ratio says
what detection, blurring and the H.264 encode add on top of one.

Each side runs once (a blur of 2 minutes takes minutes on a small machine); the decode is
run before and after the blur and the faster of the two kept, so a busy neighbour at one
moment does not set the floor. CPU seconds are given beside wall seconds: on a shared
machine they move much less.

    python bench/blur.py                 # 2 minutes at 720p
    python bench/blur.py --seconds 20    # a smoke run
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import av
import cv2
from timing import time_run  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.face_clip, the clip maker the tests use

from media_pipeline import (  # noqa: E402
    BlurOptions,
    MediaError,
    blur_faces,
    ffmpeg_binary,
    probe,
)
from tests.face_clip import make_face_clip  # noqa: E402

OUT = ROOT / "bench" / "out"


def main() -> int:
    """Generate the clip, time a decode and a blur, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0, help="clip length (120)")
    parser.add_argument("--height", type=int, default=720, help="clip height in pixels (720)")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)

    version = subprocess.run([ffmpeg_binary(), "-version"], capture_output=True, text=True)
    print(version.stdout.splitlines()[0])
    print(
        f"PyAV {av.__version__}, OpenCV {cv2.__version__} ({cv2.getNumThreads()} threads), "
        f"{os.cpu_count()} CPUs"
    )
    clip = _clip(args.seconds, args.height)
    info = probe(clip)
    assert info.video is not None
    print(f"source: {clip.name}, {info.duration:.1f} s at {info.video.width}x{info.video.height}")
    options = BlurOptions()
    print(
        f"options: detect at {options.detect_height} px high, every {options.detect_every} "
        f"frames, profile {'on' if options.profile else 'off'}, x264 {options.preset} "
        f"crf {options.crf}\n"
    )

    frames: list[int] = []
    first = time_run(lambda: frames.append(_decode(clip)))
    dst = OUT / "blurred.mp4"
    dst.unlink(missing_ok=True)
    results = []
    blur = time_run(lambda: results.append(blur_faces(clip, dst, options)))
    second = time_run(lambda: frames.append(_decode(clip)))
    decode = min(first, second)
    result = results[0]
    dst.unlink(missing_ok=True)

    head = f"{'stage':<14} {'wall (s)':>8} {'cpu (s)':>8} {'x real time':>11} {'frames/s':>9}"
    print(head)
    print("-" * len(head))
    for name, (wall, cpu) in (("decode only", decode), ("blur_faces", blur)):
        print(
            f"{name:<14} {wall:>8.2f} {cpu:>8.2f} {info.duration / wall:>10.2f}x "
            f"{frames[0] / wall:>9.1f}"
        )
    print(
        f"\nblur / decode: {blur[0] / decode[0]:.1f}x the wall time, "
        f"{blur[1] / decode[1]:.1f}x the CPU time"
    )
    print(
        f"faces: found in {result.frames_found} of {result.frames_searched} frames searched "
        f"({result.frames_found / max(1, result.frames_searched):.0%}); "
        f"{result.frames_with_faces} of {result.frames} frames blurred, "
        f"{result.faces_blurred} face regions in all"
    )
    return 0


def _clip(seconds: float, height: int) -> Path:
    path = OUT / f"faces_{seconds:.0f}s_{height}p.mp4"
    try:
        if abs(probe(path).duration - seconds) < 0.5:
            return path
    except (OSError, MediaError):
        pass  # missing or unreadable: make it
    wall, _ = time_run(lambda: make_face_clip(path, seconds=seconds, height=height, crf=20))
    print(f"generated {path.name} in {wall:.1f} s")
    return path


def _decode(path: Path) -> int:
    """Decode every video frame, as blur_faces does (threaded), and return the count."""
    count = 0
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        for _ in container.decode(stream):
            count += 1
    return count


if __name__ == "__main__":
    sys.exit(main())
