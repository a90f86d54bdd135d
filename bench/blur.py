"""Measure face blurring: recall by face size for each detector, and speed beside a bare decode.

Recall: real face photographs (tests/face_scenes.py: the group photo in insightface's wheel
and scikit-image's astronaut, each also mirrored) pasted into 1080p frames over a faceless
mosaic, 30 to 200 px high, as they are, behind a surgical mask, blurred by motion (travel of
15 % of the face's height), and in a dim room with sensor noise; a face counts as found when
a detection's centre lies on it at a plausible size. False detections are counted on the
faceless mosaic, bright and dim. Detectors: CenterFace (the blur's) searching at 1080 and
720 px high, and the Haar cascades it replaced at 360 (their old setting) and 720.

Speed: a generated classroom (17 pupils swaying in three rows, 30 to 145 px high, two
masked, and a teacher walking across) at 720p and 1080p, 25 fps. blur_faces decodes twice
(find, then blur and encode), so it can never beat two decodes; "x decode" says what it costs
against one bare decode of the same clip, "x real time" whether a worker keeps up with
recording; "all but teacher" is the mode that blurs everything but a region following the
teacher (kept from where they stand in the first frame). Face-frame recall on the clip
counts, per frame, the faces that the blur regions cover (90 % of the face's box).

    python bench/blur.py                  # 30-second clips; about 15 minutes on 2 cores
    python bench/blur.py --seconds 6      # a smoke run
"""

import argparse
import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import av
import cv2
import numpy as np
from timing import time_run  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.face_scenes, the real-face scenes the tests use

from media_pipeline import (  # noqa: E402
    BlurOptions,
    KeepPoint,
    blur_faces,
    ffmpeg_binary,
    find_faces,
)
from media_pipeline.blur import make_detector  # noqa: E402
from media_pipeline.faces import expand  # noqa: E402
from tests import face_scenes as scenes  # noqa: E402

OUT = ROOT / "bench" / "out"
SIZES = (30, 40, 50, 70, 100, 140, 200)
DETECTORS = {
    "CenterFace 1080": BlurOptions(detector="centerface", detect_height=1080),
    "CenterFace 720": BlurOptions(detector="centerface", detect_height=720),
    "Haar 360": BlurOptions(detector="haar", detect_height=360),
    "Haar 720": BlurOptions(detector="haar", detect_height=720),
}


def main() -> int:
    """Print the recall table, then time the blur of the classroom clips."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0, help="clip length (30)")
    parser.add_argument("--skip-recall", action="store_true", help="only the speed runs")
    args = parser.parse_args()
    problem = scenes.photos_available()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    OUT.mkdir(exist_ok=True)
    version = subprocess.run([ffmpeg_binary(), "-version"], capture_output=True, text=True)
    print(version.stdout.splitlines()[0])
    print(f"PyAV {av.__version__}, OpenCV {cv2.__version__}, {os.cpu_count()} CPUs\n")
    if not args.skip_recall:
        _recall_table()
    for height in (720, 1080):
        _speed(height, args.seconds)
    return 0


def _recall_table() -> None:
    variants = {"as is": {}, "masked": {"covered": True}, "motion": {"motion": 0.15}, "dim": {}}
    print("Recall of real faces in 1080p frames, by face height in pixels")
    print(f"{'detector':<16} {'case':<7} " + " ".join(f"{s:>5}" for s in SIZES) + "  ms/frame")
    for name, options in DETECTORS.items():
        detector = make_detector(options)
        spent, runs = 0.0, 0
        for case, kw in variants.items():
            row = []
            for size in SIZES:
                columns, rows = (7, 3) if size <= 140 else (6, 2)
                hit = total = 0
                for offset in (0, 5):
                    placed = scenes.grid(
                        size, columns=columns, rows=rows, offset=offset,
                        covered=kw.get("covered", False), motion=kw.get("motion", 0) * size,
                    )  # fmt: skip
                    frame, boxes = scenes.render(placed, dim=case == "dim")
                    started = time.perf_counter()
                    found = scenes.detect(detector, frame)
                    spent, runs = spent + time.perf_counter() - started, runs + 1
                    hit += sum(scenes.found(found, box) for box in boxes)
                    total += len(boxes)
                row.append(f"{hit / total:>5.2f}")
            print(f"{name:<16} {case:<7} " + " ".join(row) + f"  {1000 * spent / runs:>6.0f}")
        false = sum(
            len(scenes.detect(detector, scenes.render([], dim=dim)[0])) for dim in (False, True)
        )
        print(f"{name:<16} false detections on 2 faceless frames: {false}")
    print()


def _speed(height: int, seconds: float) -> None:
    path = OUT / f"classroom_{seconds:.0f}s_{height}p.mp4"
    truth_path = path.with_suffix(".npy")
    if path.exists() and truth_path.exists():
        truth = list(np.load(truth_path, allow_pickle=True))
    else:
        clip = scenes.make_classroom_clip(path, seconds, height=height)
        truth = clip.faces
        np.save(truth_path, np.array(truth, dtype=object), allow_pickle=True)
    options = BlurOptions()
    print(
        f"{height}p classroom, {seconds:.0f} s at 25 fps: CenterFace at "
        f"{options.detect_height} px every {options.detect_every} frames, "
        f"x264 {options.preset} crf {options.crf}"
    )
    frames: list[int] = []
    first = time_run(lambda: frames.append(_decode(path)))
    dst = OUT / "blurred.mp4"
    blur = time_run(lambda: blur_faces(path, dst, options))
    # Everything but the teacher, who is kept from where they stand in the first frame.
    teacher = truth[0][-1]
    keep = KeepPoint((teacher[0] + teacher[2]) / 2, (teacher[1] + teacher[3]) / 2, 0.0)
    outside = replace(options, outside_teacher=True)
    kept = []
    only = time_run(lambda: kept.append(blur_faces(path, dst, outside, keep=keep)))
    second = time_run(lambda: frames.append(_decode(path)))
    dst.unlink(missing_ok=True)
    decode = min(first, second)
    head = f"  {'run':<15} {'wall (s)':>8} {'cpu (s)':>8} {'x real time':>11} {'frames/s':>9}"
    print(head)
    runs = (("decode only", decode), ("blur_faces", blur), ("all but teacher", only))
    for name, (wall, cpu) in runs:
        print(
            f"  {name:<15} {wall:>8.2f} {cpu:>8.2f} {seconds / wall:>10.2f}x "
            f"{frames[0] / wall:>9.1f}"
        )
    print(f"  blur_faces / decode: {blur[0] / decode[0]:.1f}x wall, {blur[1] / decode[1]:.1f}x CPU")
    followed = kept[0].kept_face_frames
    print(f"  all but teacher: the teacher followed in {followed} of {frames[0]} frames")
    found = find_faces(path, options)
    treated = [
        [expand(box, options.margin, found.width, found.height) for _, box in boxes]
        for boxes in found.per_frame
    ]
    bands = scenes.face_frame_recall(truth, treated, height=height)
    print(
        "  face-frame recall: "
        + ", ".join(
            f"{band} px {hit / total:.3f} ({hit}/{total})"
            for band, (hit, total) in sorted(bands.items())
        )  # fmt: skip
        + "\n"
    )


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
