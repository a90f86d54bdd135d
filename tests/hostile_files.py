"""Build a corpus of crafted, broken and hostile uploads, each with the outcome it must have.

Everything is made here from bytes and the bundled ffmpeg's own test sources: nothing is
downloaded. Run it as a script to write the corpus into a folder and print what each file is:

    python -m tests.hostile_files /tmp/hostile /path/to/secret.txt

Each file must end ``ready``, ``failed`` with a reason containing ``phrase`` (a sentence a
teacher can read), or be ``refused`` by the upload route with ``phrase`` in its answer.
"""

from __future__ import annotations

import random
import struct
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import media_pipeline
from tests.hostile_bytes import (
    avi,
    brand,
    corrupt_mdat,
    corrupt_mdat_avi,
    gab2_stream,
    hls_playlist,
    huge_header_dimensions,
    pdf,
    png_bomb_avi,
    sof_dimensions,
    ten_hours,
    zip_archive,
)

READY, FAILED, REFUSED = "ready", "failed", "refused"

# The sentences (from media_pipeline.errors and service.clips) each failure must show.
NOT_A_VIDEO = "not a video we can read"
NO_PICTURE = "sound but no picture"
NO_LENGTH = "has no length"
DAMAGED = "damaged or incomplete"
TOO_LONG = "over the limit"
TOO_LARGE = "picture is too large"
EMPTY = "The file is empty"


@dataclass(frozen=True)
class HostileFile:
    """One upload of the corpus and what must become of it."""

    name: str  # the file name the browser sends (may hold ../ and unicode)
    path: Path  # where its bytes are on disk
    outcome: str  # READY, FAILED or REFUSED
    phrase: str = ""  # for FAILED and REFUSED: what the teacher's message must say
    why: str = ""  # what the file is, for people reading a failure


class _Maker:
    def __init__(self, folder: Path, ffmpeg: str | None) -> None:
        self.folder = folder
        self.ffmpeg = media_pipeline.ffmpeg_binary(ffmpeg)
        self.rng = random.Random(9993)
        self._cache: dict[str, bytes] = {}

    def run(self, *args: str | Path) -> None:
        cmd = [self.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
        subprocess.run([*cmd, *map(str, args)], check=True, capture_output=True)

    def clip(self, name: str, **kwargs: object) -> bytes:
        """Return the bytes of a small generated clip (made once)."""
        if name not in self._cache:
            kwargs.setdefault("duration", 1.0)
            kwargs.setdefault("width", 160)
            kwargs.setdefault("height", 120)
            path = self.folder / f".base-{name}"
            media_pipeline.make_test_clip(path, ffmpeg=self.ffmpeg, **kwargs)
            self._cache[name] = path.read_bytes()
            path.unlink()
        return self._cache[name]

    def ffmpeg_out(self, name: str, *args: str) -> bytes:
        """Return the bytes ffmpeg writes for ``args`` (the output file is appended)."""
        if name not in self._cache:
            path = self.folder / f".base-{name}"
            self.run(*args, path)
            self._cache[name] = path.read_bytes()
            path.unlink()
        return self._cache[name]

    def jpeg_frames(self, count: int) -> list[bytes]:
        data = self.ffmpeg_out(
            f"frames{count}.mjpeg",
            *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10"),
            *("-frames:v", str(count), "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg"),
        )
        # Entropy-coded JPEG data escapes 0xFF, so a start-of-image marker only begins a frame.
        starts = [i for i in range(len(data) - 2) if data[i : i + 3] == b"\xff\xd8\xff"]
        return [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]


# ---- ISO-BMFF (MP4) editing ----


def build_corpus(
    folder: Path, secret: Path, relative_secret: str, ffmpeg: str | None = None
) -> list[HostileFile]:
    """Write the corpus into ``folder`` and return its entries.

    ``secret`` is a file whose content must never reach any output; the playlists name it by
    absolute path, as a file:// URL, and as ``relative_secret`` (relative to where the worker
    keeps the upload while it works on it)."""
    folder.mkdir(parents=True, exist_ok=True)
    m = _Maker(folder, ffmpeg)
    tiny = m.clip("tiny.mp4")
    late = m.clip("late.mp4", faststart=False, duration=2.0)
    frames = m.jpeg_frames(10)
    secret_url = secret.resolve().as_uri()
    entries: list[tuple[str, Callable[[], bytes | str], str, str, str]] = [
        # name, bytes, outcome, phrase, why
        ("empty.mp4", lambda: b"", REFUSED, EMPTY, "an empty file"),
        (
            "notes.mp4",
            lambda: b"Lesson notes: starter, main task, plenary.\n" * 40,
            FAILED,
            NOT_A_VIDEO,
            "text renamed .mp4",
        ),
        ("tiny.mp4", lambda: tiny, READY, "", "a tiny valid MP4"),
        ("moov_at_end.mp4", lambda: late, READY, "", "a valid MP4 with its index at the end"),
        (
            "truncated.mp4",
            lambda: late[: len(late) * 6 // 10],
            FAILED,
            DAMAGED,
            "an MP4 cut short before its index (moov missing)",
        ),
        (
            "voice_memo.m4a",
            lambda: m.ffmpeg_out(
                "voice.m4a", "-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac"
            ),
            FAILED,
            NO_PICTURE,
            "audio only",
        ),
        (
            "no_frames.mp4",
            lambda: m.ffmpeg_out(
                "none.mp4", "-f", "lavfi", "-i", "testsrc2=size=160x120", "-frames:v", "0"
            ),
            FAILED,
            NO_LENGTH,
            "a video stream with no frames",
        ),
        (
            "huge_header.mp4",
            lambda: huge_header_dimensions(tiny),
            READY,
            "",
            "65535x65535 declared in tkhd and avc1; the H.264 stream itself is 160x120",
        ),
        (
            "bomb.avi",
            lambda: png_bomb_avi(12000),
            FAILED,
            TOO_LARGE,
            "a decompression bomb: 400 KB of PNG frames that decode to 12000x12000 pixels",
        ),
        (
            "bomb_small_header.avi",
            lambda: png_bomb_avi(12000, frames=1, declared=160),
            FAILED,
            TOO_LARGE,
            "the same bomb behind a header declaring 160x160",
        ),
        (
            "bomb_max.avi",
            lambda: avi([sof_dimensions(f, 65535, 65535) for f in frames], 65535, 65535, []),
            FAILED,
            TOO_LARGE,
            "MJPEG frames declaring 65535x65535 pixels",
        ),
        (
            "ten_hours_declared.mp4",
            lambda: ten_hours(tiny, timeline=False),
            READY,
            "",
            "a one-second MP4 whose movie, track and media headers declare ten hours",
        ),
        (
            "ten_hours.mp4",
            lambda: ten_hours(tiny, timeline=True),
            FAILED,
            TOO_LONG,
            "25 frames timed to last ten hours (sample table and edit list)",
        ),
        (
            "corrupt_middle.mp4",
            lambda: corrupt_mdat(m.clip("three.mp4", duration=3.0), m.rng),
            READY,
            "",
            "noise over 3 KB in the middle of the media data (players conceal it)",
        ),
        (
            "corrupt_middle.avi",
            lambda: corrupt_mdat_avi(
                m.clip("mpeg4.avi", duration=3.0, vcodec="mpeg4", acodec="mp3"), m.rng
            ),
            READY,
            "",
            "MPEG-4 Part 2 with noise mid-stream, decoded and re-encoded",
        ),
        (
            "passwd.m3u8",
            lambda: hls_playlist("file:///etc/passwd"),
            FAILED,
            NOT_A_VIDEO,
            "an HLS playlist naming file:///etc/passwd",
        ),
        (
            "secret_absolute.mp4",
            lambda: hls_playlist(str(secret.resolve())),
            FAILED,
            NOT_A_VIDEO,
            "an HLS playlist naming the secret by absolute path",
        ),
        (
            "secret_relative.m3u8",
            lambda: hls_playlist(relative_secret),
            FAILED,
            NOT_A_VIDEO,
            "an HLS playlist naming the secret by relative path",
        ),
        (
            "secret_url.mp4",
            lambda: hls_playlist(secret_url),
            FAILED,
            NOT_A_VIDEO,
            "an HLS playlist naming the secret as a file:// URL",
        ),
        (
            "concat.mp4",
            lambda: f"ffconcat version 1.0\nfile '{relative_secret}'\nfile '{secret}'\n".encode(),
            FAILED,
            NOT_A_VIDEO,
            "an ffconcat list naming the secret",
        ),
        (
            "gab2_playlist.avi",
            lambda: avi(frames, 160, 120, [gab2_stream(hls_playlist(secret_url))]),
            READY,
            "",
            "an AVI whose GAB2 subtitle holds an HLS playlist (CVE-2017-9993)",
        ),
        (
            "gab2_relative.avi",
            lambda: avi(frames, 160, 120, [gab2_stream(hls_playlist(relative_secret))]),
            READY,
            "",
            "the same with the secret named by relative path",
        ),
        (
            "lesson.html",
            lambda: b"<!doctype html><title>x</title><script>alert(1)</script>",
            FAILED,
            NOT_A_VIDEO,
            "an HTML page",
        ),
        (
            "drawing.svg",
            lambda: (
                b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                b'<image href="file:///etc/passwd"/><script>alert(1)</script></svg>'
            ),
            FAILED,
            NOT_A_VIDEO,
            "an SVG with a script and a file reference",
        ),
        (
            "polyglot.mp4",
            lambda: _jpeg(m) + tiny,
            FAILED,
            NOT_A_VIDEO,
            "a JPEG with an MP4 appended",
        ),
        (
            "jpeg_magic.mp4",
            lambda: b"\xff\xd8\xff\xe0" + tiny[4:],
            FAILED,
            DAMAGED,
            "an MP4 whose first bytes are JPEG magic (its first atom now claims 4 GB)",
        ),
        (
            "../../etc/Unterricht ✓ 教室 \u202egnp.mp4",
            lambda: tiny,
            READY,
            "",
            "a valid MP4 under a name with ../, unicode and a right-to-left override",
        ),
        (
            "animation.gif",
            lambda: m.ffmpeg_out(
                "anim.gif", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=5", "-frames:v", "5"
            ),
            FAILED,
            NOT_A_VIDEO,
            "an animated GIF",
        ),
        ("handout.pdf", pdf, FAILED, NOT_A_VIDEO, "a PDF"),
        ("lesson.zip", lambda: zip_archive(tiny), FAILED, NOT_A_VIDEO, "a zip holding an MP4"),
        (
            "valid.webm",
            lambda: m.clip("vp8.webm", vcodec="libvpx", acodec="libopus"),
            READY,
            "",
            "a valid WebM (VP8 and Opus)",
        ),
        (
            "one_frame.mp4",
            lambda: m.ffmpeg_out(
                "one.mp4",
                *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=25", "-frames:v", "1"),
                *("-c:v", "libx264", "-pix_fmt", "yuv420p"),
            ),
            READY,
            "",
            "a video of a single frame",
        ),
        ("zeros.mp4", lambda: bytes(256 * 1024), FAILED, NOT_A_VIDEO, "a NUL-filled body"),
        (
            "bogus_codec.mkv",
            lambda: m.clip("h264.mkv").replace(b"V_MPEG4/ISO/AVC", b"V_BOGUS/ISO/XYZ"),
            FAILED,
            NOT_A_VIDEO,
            "a Matroska file whose video codec id is nonsense",
        ),
        (
            "odd_brand.mp4",
            lambda: brand(tiny, b"zzzz"),
            READY,
            "",
            "an MP4 whose ftyp brands are nonsense",
        ),
        (
            "endless_atom.mp4",
            lambda: tiny + struct.pack(">I", 0x7FFFFFFF) + b"mdat" + bytes(64),
            FAILED,
            DAMAGED,
            "a valid MP4 then a media atom that claims 2 GB (a recording cut short)",
        ),
    ]
    corpus = []
    for index, (name, make, outcome, phrase, why) in enumerate(entries):
        path = folder / f"{index:02d}-{Path(name).name.replace(' ', '_')}"
        content = make()
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        corpus.append(HostileFile(name, path, outcome, phrase, why))
    return corpus


def _jpeg(m: _Maker) -> bytes:
    return m.jpeg_frames(1)[0]


def main(argv: list[str]) -> None:
    """Write the corpus into the folder argv[0], with argv[1] as the secret to protect."""
    folder, secret = Path(argv[0]), Path(argv[1])
    for entry in build_corpus(folder, secret, f"../{secret.name}"):
        print(f"{entry.path.name:32} {entry.outcome:8} {entry.phrase or '-':28} {entry.why}")


if __name__ == "__main__":
    main(sys.argv[1:])
