"""Measure what the talk stage adds to the transcription job, beside the ffmpeg run it sits on.

On 15 minutes of classroom-like sound (the LibriVox sentences of Debian's
pocketsphinx-testdata as a teacher on a left-channel lapel and a pupil heard by the camera on
the right, with silences of 0.5 to 4 s between turns, as 48 kHz stereo AAC under a small H.264
picture), time:

- bare: the ffmpeg command `extract_audio` runs to make the 16 kHz mono WAV, run on its own
  (the job pays this already, for the transcript);
- ours: the talk stage on that WAV, as the job runs it for a school with a left-channel
  lapel: `find_voice`, `analyse_talk` on a transcript of about 150 words a minute,
  `extract_channels` (a second ffmpeg run, for the two channels) and `split_speakers`.

Each side runs 3 times, interleaved, and the median is reported, with CPU seconds, and the
peak memory of one run of the stage (traced, numpy included). The clip is generated once
into bench/out/ (gitignored).

    python bench/talk.py                # 15 minutes
    python bench/talk.py --minutes 2    # a smoke run
"""

import argparse
import statistics
import subprocess
import sys
import tempfile
import tracemalloc
import wave
from pathlib import Path

import numpy as np
from timing import spread, time_run  # bench/ is on sys.path when run

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from media_pipeline import (  # noqa: E402
    Microphone,
    Segment,
    Transcript,
    Word,
    analyse_talk,
    extract_audio,
    extract_channels,
    ffmpeg_binary,
    find_voice,
    probe,
    split_speakers,
)
from media_pipeline.audio import (  # noqa: E402
    SAMPLE_RATE,
    build_command,
    read_audio,
)

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
OUT = ROOT / "bench" / "out"


def make_lesson(minutes: float, dst: Path) -> Path:
    """Teacher and pupil turns, alternating, until `minutes` of sound; stereo AAC in .mp4."""
    voices = [read_audio(str(p)) for p in sorted(LIBRIVOX.glob("*.wav"))]
    rng = np.random.default_rng(7)
    total = int(minutes * 60 * SAMPLE_RATE)
    left, right = [], []
    length, turn = 0, 0
    while length < total:
        voice = voices[turn % len(voices)]
        teacher = turn % 3 != 2  # two teacher turns for each pupil's
        left.append(voice if teacher else 0.06 * voice)
        right.append(0.4 * voice if teacher else voice)
        gap = np.zeros(int(rng.uniform(0.5, 4.0) * SAMPLE_RATE), dtype=np.float32)
        left.append(gap)
        right.append(gap)
        length += len(voice) + len(gap)
        turn += 1
    both = np.stack((np.concatenate(left)[:total], np.concatenate(right)[:total]), axis=1)
    both += rng.normal(0, 0.002, both.shape).astype(np.float32)  # room noise
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "lesson.wav"
        with wave.open(str(wav), "wb") as writer:
            writer.setnchannels(2)
            writer.setsampwidth(2)
            writer.setframerate(SAMPLE_RATE)
            writer.writeframes((both.clip(-1, 1) * 32767).astype("<i2").tobytes())
        subprocess.run(
            [
                ffmpeg_binary(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(wav),
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-map", "1:v",
                "-map", "0:a", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt",
                "yuv420p", "-c:a", "aac", "-ar", "48000", "-b:a", "128k", "-shortest", str(dst),
            ],
            check=True,
        )  # fmt: skip
    return dst


def words_over(voice: tuple[tuple[float, float], ...], duration: float) -> Transcript:
    """About 150 words a minute, spread over the voiced sound, a question every 8th sentence."""
    segments, n = [], 0
    for start, end in voice:
        words, at = [], start
        while at + 0.3 <= end:
            n += 1
            text = "why?" if n % 96 == 0 else ("word." if n % 12 == 0 else "word")
            words.append(Word(at, at + 0.3, text, 0.9))
            at += 0.4
        if words:
            text = " ".join(w.text for w in words)
            segments.append(Segment(len(segments), start, words[-1].end, text, tuple(words)))
    return Transcript(language="en", duration=duration, segments=tuple(segments))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    clip = OUT / f"talk-{args.minutes:g}min.mp4"
    if not clip.exists():
        print(f"making {clip.name}…", flush=True)
        make_lesson(args.minutes, clip)
    info = probe(str(clip))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        track = extract_audio(clip, work / "mono.wav", info=info)
        transcript = words_over(find_voice(track.path), track.duration)
        count = sum(len(s.words) for s in transcript.segments)
        bare_cmd = build_command(str(clip), str(work / "bare.wav"), info)

        def bare() -> None:
            subprocess.run(bare_cmd, check=True, capture_output=True)

        def ours() -> None:
            voice = find_voice(track.path)
            stats = analyse_talk(transcript, voice=voice)
            stereo = extract_channels(clip, work / "channels.wav")
            speech = [(s.start, s.end) for s in stats.timeline if s.kind == "speech"]
            split = split_speakers(
                speech, Microphone.LAPEL_LEFT, mono_wav=track.path, stereo_wav=stereo
            )
            assert split.method == "channel", split.reason

        tracemalloc.start()  # numpy's arrays are traced too
        ours()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        runs: dict[str, list[tuple[float, float]]] = {"bare": [], "ours": []}
        for _ in range(args.runs):
            runs["bare"].append(time_run(bare))
            runs["ours"].append(time_run(ours))
    print(f"{track.duration / 60:.1f} minutes of stereo AAC; {count} words in the transcript")
    medians = {}
    for side, times in runs.items():
        wall = statistics.median(t[0] for t in times)
        cpu = statistics.median(t[1] for t in times)
        medians[side] = (wall, cpu)
        walls = [t[0] for t in times]
        print(f"{side:5} wall {wall:6.2f} s  cpu {cpu:6.2f} s  (spread {spread(walls):.0%})")
    (bw, bc), (ow, oc) = medians["bare"], medians["ours"]
    print(f"ours/bare: wall {ow / bw:.2f}x, cpu {oc / bc:.2f}x")
    print(f"real time: talk stage {track.duration / ow:.0f}x faster than the clip plays")
    wav_mib = track.duration * SAMPLE_RATE * 2 / 2**20
    print(f"peak Python/numpy memory of one talk stage: {peak / 2**20:.0f} MiB")
    print(f"(the 16-bit mono WAV it reads is {wav_mib:.0f} MiB on disk)")


if __name__ == "__main__":
    main()
