"""Measure what media_pipeline adds on top of the ffmpeg work it runs.

For a 2-minute 1080p H.264/AAC clip and a 2-minute 1080p MPEG-4 Part 2/MP3 AVI of similar
size, time `make_playable` against the very same ffmpeg command line (from `build_command`)
run bare through subprocess: no probe, no progress parsing, no check of the output. Cases:
the H.264 and MPEG-4 clips transcoded to 720p, and the H.264 clip remuxed (max_height=1080,
i.e. `-c copy -movflags +faststart`). Each side runs 3 times, interleaved (9 times for the
sub-second remux), and the median is reported; `make_poster` on the output is timed on its
own. Clips are generated once into bench/out/ (gitignored) and reused.

Wall time on a shared machine swings by tens of percent from run to run, more than the
overhead being measured, so the table also gives the spread of the runs and the ratio of
CPU time (ours: this process plus its ffmpeg; bare: the ffmpeg), which a busy neighbour
barely moves. The goals are for the 2-minute clips: on --quick clips the fixed cost of two
probes weighs more against a remux of a fraction of a second.

    python bench/pipeline.py            # 2-minute clips; about 11 minutes on 2 cores
    python bench/pipeline.py --quick    # 20-second clips, a smoke run
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import av
from timing import spread, time_run  # bench/ is on sys.path when run

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
# A remux takes a fraction of a second, where a scheduler hiccup is a large share: more
# rounds cost little and steady the median.
REMUX_ROUNDS = 9
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
    ours_cpu: float
    bare_cpu: float
    spread: float  # (slowest - fastest) / median, the worse of the two sides
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

    ours_runs: list[tuple[float, float]] = []
    bare_runs: list[tuple[float, float]] = []
    rounds = REMUX_ROUNDS if method == "remux" else ROUNDS
    for round_ in range(rounds):
        # Alternate who goes first, so a warming cache or a busy neighbour favours neither.
        pair = [(ours, ours_runs, ours_dst), (bare, bare_runs, bare_dst)]
        for run, runs, dst in pair if round_ % 2 == 0 else reversed(pair):
            # Start from no output, as a worker's fresh temporary folder does: replacing a
            # 200 MB file frees its blocks first, which costs ~0.1 s on ext4 and would land
            # in ffmpeg's open() on one side and in os.replace() on the other.
            dst.unlink(missing_ok=True)
            runs.append(time_run(run))
        print(
            f"  {case.name}: round {round_ + 1}: ours {ours_runs[-1][0]:.2f} s "
            f"(cpu {ours_runs[-1][1]:.2f} s), bare {bare_runs[-1][0]:.2f} s "
            f"(cpu {bare_runs[-1][1]:.2f} s)",
            flush=True,
        )
    poster = time_run(lambda: make_poster(ours_dst, OUT / "poster.jpg"))[0]
    duration = probe(ours_dst).duration
    for leftover in (ours_dst, bare_dst):
        leftover.unlink(missing_ok=True)
    return Row(
        case=case,
        method=method,
        duration=duration,
        ours=statistics.median(w for w, _ in ours_runs),
        bare=statistics.median(w for w, _ in bare_runs),
        ours_cpu=statistics.median(c for _, c in ours_runs),
        bare_cpu=statistics.median(c for _, c in bare_runs),
        spread=max(spread([w for w, _ in ours_runs]), spread([w for w, _ in bare_runs])),
        poster=poster,
    )


def _print_table(rows: list[Row]) -> None:
    head = (
        f"{'case':<22} {'method':<9} {'ours (s)':>8} {'bare (s)':>8} {'ours/bare':>9} "
        f"{'spread':>6} {'cpu ratio':>9} {'x real time':>11} {'goal':>6} {'poster (s)':>10}"
    )
    print("\n" + head)
    print("-" * len(head))
    for row in rows:
        ratio = row.ours / row.bare
        goal = GOALS[row.method]
        verdict = "ok" if ratio <= goal else "MISSED"
        print(
            f"{row.case.name:<22} {row.method:<9} {row.ours:>8.2f} {row.bare:>8.2f} "
            f"{ratio:>9.3f} {row.spread:>6.0%} {row.ours_cpu / row.bare_cpu:>9.3f} "
            f"{row.duration / row.ours:>10.1f}x {'<=' + str(goal):>6} {row.poster:>10.2f}  "
            f"{verdict}"
        )
    print(
        f"\nwall times are medians of {ROUNDS} interleaved runs ({REMUX_ROUNDS} for the remux); "
        "'ours' includes probing the "
        "source and checking the output;\nspread = (slowest - fastest) / median wall time, "
        "the worse side; cpu ratio = median CPU seconds, ours / bare;\n"
        "poster = make_poster on our output, timed once"
    )


def _mb(path: Path) -> str:
    return f"{path.stat().st_size / 1e6:.0f} MB"


if __name__ == "__main__":
    sys.exit(main())
