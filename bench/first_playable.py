"""How soon a clip plays after its upload, and what streaming it costs.

For generated 1080p sources with sound (H.264/AAC, HEVC/AAC as phones record, VP9/Opus in
WebM), run the processing stage's media work as the worker does (fetch the upload from
storage, probe, stream with the uploader putting each finished segment into storage, take the
poster, store the MP4) and time, from the moment the upload is complete:

- first playable: the master playlist is in storage with every rendition's first segments
  (what the page waits for before it shows the player);
- fully processed: the MP4 and poster are stored and the stream has ended.

Beside them: the floor (ffmpeg decoding the source and throwing it away) and the bare
transcode (the very same ffmpeg command line that writes the stream, run through subprocess
with nothing else); the ladder's cost is the bare transcode of the ladder against one of the
top rendition alone. Goals: first playable within 10 s for any codec (H.264 within 2 s),
fully processed within 1.1 x the bare transcode of the same ladder.

    python bench/first_playable.py               # 5-minute 1080p sources (slow on 2 cores)
    python bench/first_playable.py --seconds 30  # a shorter run
    HLS ladder: --ladder 360,720 (the default) or --ladder 720
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import cpu_seconds  # bench/ is on sys.path when run

from media_pipeline import ffmpeg_binary, make_poster, make_test_clip, probe
from media_pipeline.hls import StreamOptions, build_stream_command, make_stream
from service.storage.local import LocalStorage
from workers.hls_upload import StreamUploader

OUT = Path(__file__).resolve().parent / "out"
SOURCES = {
    "H.264": ("h264.mp4", {"vcodec": "libx264", "acodec": "aac"}),
    "HEVC": ("hevc.mp4", {"vcodec": "libx265", "acodec": "aac"}),
    "VP9": ("vp9.webm", {"vcodec": "libvpx-vp9", "acodec": "libopus", "container": "webm"}),
}
GOAL_FIRST = {"H.264": 2.0}
GOAL_FIRST_ANY = 10.0
GOAL_FULL = 1.1


def source(name: str, seconds: int) -> Path:
    """Make (once) a 1080p source of this codec with sound."""
    filename, options = SOURCES[name]
    path = OUT / f"{seconds}s-{filename}"
    if not path.exists():
        OUT.mkdir(exist_ok=True)
        print(f"generating {path.name}…", file=sys.stderr)
        make_test_clip(path, duration=seconds, width=1920, height=1080, fps=30, **options)
    return path


def floor(src: Path) -> float:
    """Time ffmpeg decoding every frame and sample of the source, writing nothing."""
    args = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-i", str(src)]
    started = time.perf_counter()
    subprocess.run([*args, "-f", "null", "-"], check=True)
    return time.perf_counter() - started


def bare(src: Path, options: StreamOptions) -> tuple[float, float]:
    """Time the stream's own ffmpeg command line, run bare: wall and CPU seconds."""
    with tempfile.TemporaryDirectory(dir=OUT) as folder:
        _method, _renditions, args = build_stream_command(src, folder, probe(src), options)
        args = [a for a in args if a not in ("-progress", "pipe:1")]
        cpu = cpu_seconds()
        started = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - started, cpu_seconds() - cpu


def ours(src: Path, options: StreamOptions) -> tuple[float, float, str, float]:
    """Time the stage as the worker runs it: to first playable, and to fully processed."""
    with tempfile.TemporaryDirectory(dir=OUT) as root:
        storage = LocalStorage(Path(root) / "media")
        storage.put_file("clips/1/original", src)
        work = Path(root) / "work"
        work.mkdir()
        first: list[float] = []
        cpu = cpu_seconds()
        started = time.perf_counter()

        def playable(_seconds: float) -> None:
            if not first:
                first.append(time.perf_counter() - started)

        storage.download("clips/1/original", work / "original")
        info = probe(work / "original")
        uploader = StreamUploader(storage, 1, work / "hls", playable, interval=0.1)
        with uploader:
            result = make_stream(
                work / "original", work / "hls", work / "video.mp4", options,
                info=info, on_plan=uploader.plan,
            )  # fmt: skip
        make_poster(work / "video.mp4", work / "poster.jpg")
        storage.put_file("clips/1/video.mp4", work / "video.mp4")
        storage.put_file("clips/1/poster.jpg", work / "poster.jpg")
        full = time.perf_counter() - started
        return first[0], full, result.method, cpu_seconds() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--ladder", default="360,720")
    parser.add_argument("--codecs", default=",".join(SOURCES))
    parser.add_argument("--skip-top", action="store_true", help="no bare run of the top rung")
    args = parser.parse_args()
    ladder = tuple(sorted(int(h) for h in args.ladder.split(",")))
    options = StreamOptions(ladder=ladder)
    top_only = StreamOptions(ladder=(ladder[-1],))
    rows = []
    for name in args.codecs.split(","):
        src = source(name, args.seconds)
        cpu = cpu_seconds()
        floor_s = floor(src)
        bare_s, bare_cpu = bare(src, options)
        skip = args.skip_top or len(ladder) == 1
        bare_top = bare_s if len(ladder) == 1 else float("nan") if skip else bare(src, top_only)[0]
        first_s, full_s, method, full_cpu = ours(src, options)
        rows.append((name, method, floor_s, bare_top, bare_s, first_s, full_s))
        # CPU seconds hardly move with the machine's load, wall seconds do: on a busy machine
        # the CPU ratio is the one to trust for what the stage adds to the bare transcode.
        print(
            f"{name} done ({cpu_seconds() - cpu:.0f} CPU s): wall bare {bare_s:.1f} full "
            f"{full_s:.1f} ({full_s / bare_s:.2f}x); CPU bare {bare_cpu:.1f} full "
            f"{full_cpu:.1f} ({full_cpu / bare_cpu:.2f}x)",
            file=sys.stderr,
        )
    ladder_text = "/".join(str(h) for h in ladder)
    print(f"\n{args.seconds}s 1080p sources, ladder {ladder_text}; seconds from upload complete")
    head = ("source", "method", "floor", "top only", "ladder", "playable", "full", "full/bare")
    print("{:<7}{:>10}{:>8}{:>10}{:>8}{:>10}{:>8}{:>11}".format(*head))
    failed = False
    for name, method, floor_s, bare_top, bare_s, first_s, full_s in rows:
        ratio = full_s / bare_s
        goal_first = GOAL_FIRST.get(name, GOAL_FIRST_ANY)
        met = first_s <= goal_first and ratio <= GOAL_FULL
        failed |= not met
        print(
            f"{name:<7}{method:>10}{floor_s:>8.1f}{bare_top:>10.1f}{bare_s:>8.1f}"
            f"{first_s:>10.1f}{full_s:>8.1f}{ratio:>10.2f}x {'' if met else ' (goal missed)'}"
        )
        if len(ladder) > 1 and method == "transcode" and bare_top == bare_top:  # not NaN
            print(f"{'':<7}the low rung costs {bare_s / bare_top - 1:+.0%} on the bare transcode")
    print(f"goals: playable <= {GOAL_FIRST_ANY:.0f} s (H.264 <= 2 s), full <= {GOAL_FULL} x bare")
    shutil.rmtree(OUT / "tmp", ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
