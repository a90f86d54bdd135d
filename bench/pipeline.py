"""Measure what media_pipeline adds on top of the ffmpeg work it runs.

For a 2-minute 1080p H.264/AAC clip and a 2-minute 1080p MPEG-4 Part 2/MP3 AVI of similar
size, time `make_playable` against the very same ffmpeg command line (from `build_command`)
run bare through subprocess: no probe, no progress parsing, no check of the output. Cases:
the H.264 and MPEG-4 clips transcoded to 720p, and the H.264 clip remuxed (max_height=1080,
i.e. `-c copy -movflags +faststart`). Each side runs 3 times, interleaved, and the median is
reported; `make_poster` on the output is timed on its own. Clips are generated once into
bench/out/ (gitignored) and reused.

    python bench/pipeline.py            # 2-minute clips; about 10 minutes on 2 cores
    python bench/pipeline.py --quick    # 20-second clips, a smoke run
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av

from media_pipeline import (
    TranscodeOptions,
    build_command,
    ffmpeg_binary,
    make_playable,
    make_poster,
    make_test_clip,
    probe,
)

OUT = Path(__file__).resolve().parent / "out"
ROUNDS = 3
GOALS = {"transcode": 1.05, "remux": 1.2}


@dataclass(frozen=True)
class Case:
    name: str
    src: Path
    options: TranscodeOptions


@dataclass(frozen=True)
class Row:
    case: Case
    method: str
    duration: float
    ours: float
    bare: float
    poster: float


def main() -> int:
    """Generate the clips, time each case, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20-second clips instead of 2 min")
    args = parser.parse_args()
    seconds = 20.0 if args.quick else 120.0
    OUT.mkdir(exist_ok=True)

    binary = ffmpeg_binary()
    version = subprocess.run([binary, "-version"], capture_output=True, text=True).stdout
    print(version.splitlines()[0])
    print(f"PyAV {av.__version__}, {os.cpu_count()} CPUs, clips of {seconds:.0f} s at 1080p25")

    h264 = _clip(OUT / f"h264_{seconds:.0f}s.mp4", seconds, vcodec="libx264", acodec="aac")
    # MPEG-4 Part 2 at q 5 comes out about the size of the x264 ultrafast clip.
    mpeg4 = _clip(OUT / f"mpeg4_{seconds:.0f}s.avi", seconds, vcodec="mpeg4", acodec="libmp3lame")
    print(f"sources: {h264.name} {_mb(h264)}, {mpeg4.name} {_mb(mpeg4)}\n")

    cases = [
        Case("H.264 1080p -> 720p", h264, TranscodeOptions(max_height=720)),
        Case("MPEG-4 1080p -> 720p", mpeg4, TranscodeOptions(max_height=720)),
        Case("H.264 1080p remux", h264, TranscodeOptions(max_height=1080)),
    ]
    rows = [_measure(case) for case in cases]
    _print_table(rows)
    return 0


def _clip(path: Path, seconds: float, **kwargs: str) -> Path:
    try:
        if abs(probe(path).duration - seconds) < 0.5:
            return path
    except (OSError, ValueError):
        pass  # missing or unreadable: make it
    started = time.perf_counter()
    make_test_clip(path, duration=seconds, width=1920, height=1080, fps=25, **kwargs)
    print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def _measure(case: Case) -> Row:
    ours_dst, bare_dst = OUT / "ours.mp4", OUT / "bare.mp4"
    method, args = build_command(case.src, bare_dst, probe(case.src), case.options)

    def ours() -> None:
        make_playable(case.src, ours_dst, case.options)

    def bare() -> None:
        subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )

    ours_times: list[float] = []
    bare_times: list[float] = []
    for round_ in range(ROUNDS):
        # Alternate who goes first, so a warming cache or a busy neighbour favours neither.
        pair = [(ours, ours_times), (bare, bare_times)]
        for run, times in pair if round_ % 2 == 0 else reversed(pair):
            times.append(_time(run))
        print(
            f"  {case.name}: round {round_ + 1}: ours {ours_times[-1]:.2f} s, "
            f"bare {bare_times[-1]:.2f} s",
            flush=True,
        )
    poster = _time(lambda: make_poster(ours_dst, OUT / "poster.jpg"))
    duration = probe(ours_dst).duration
    for leftover in (ours_dst, bare_dst):
        leftover.unlink(missing_ok=True)
    return Row(
        case=case,
        method=method,
        duration=duration,
        ours=statistics.median(ours_times),
        bare=statistics.median(bare_times),
        poster=poster,
    )


def _time(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _print_table(rows: list[Row]) -> None:
    head = (
        f"{'case':<22} {'method':<9} {'ours (s)':>9} {'bare (s)':>9} {'ours/bare':>9} "
        f"{'x real time':>11} {'goal':>7}  {'poster (s)':>10}"
    )
    print("\n" + head)
    print("-" * len(head))
    for row in rows:
        ratio = row.ours / row.bare
        goal = GOALS[row.method]
        verdict = "ok" if ratio <= goal else "MISSED"
        print(
            f"{row.case.name:<22} {row.method:<9} {row.ours:>9.2f} {row.bare:>9.2f} "
            f"{ratio:>9.3f} {row.duration / row.ours:>10.1f}x {'<=' + str(goal):>7}  "
            f"{row.poster:>10.2f}  {verdict}"
        )
    print(
        f"\nmedian of {ROUNDS} interleaved runs; 'ours' includes probing the source and "
        "checking the output; poster is make_poster on our output, timed once"
    )


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
