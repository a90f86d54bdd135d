"""Row and file factories for tests: real clips made with the bundled ffmpeg."""

from __future__ import annotations

import io
import os
import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

import media_pipeline
from service import clips
from service.models import Clip, ClipKind, ConsentState, User
from service.storage import Storage


def generated_clip(path: Path, **kwargs) -> Path:  # noqa: ANN003
    """Make a small real video (testsrc2 + a tone) at ``path``."""
    media_pipeline.make_test_clip(path, **kwargs)
    return path


def upload(
    session: Session,
    storage: Storage,
    email: str,
    source: Path | bytes,
    *,
    title: str = "Lesson clip",
    kind: ClipKind = ClipKind.LESSON,
    filename: str = "lesson.mp4",
    step_id: int | None = None,
    consent_state: ConsentState = ConsentState.NOT_RECORDED,
) -> Clip:
    """Register an upload by the user with ``email``, as the upload route does."""
    user = session.scalar(select(User).where(User.email == email))
    assert user is not None, email
    stream = io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115
    with stream:
        return clips.register_upload(
            session,
            storage,
            user,
            clips.UploadDetails(
                kind, title, date.today(), filename, step_id=step_id, consent_state=consent_state
            ),
            stream,
            max_bytes=2 * 1024**3,
        )


LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def librivox_reference() -> list[tuple[Path, str]]:
    """The LibriVox recordings from Debian's pocketsphinx-testdata, with what is said in each."""
    if not LIBRIVOX.is_dir():
        if os.environ.get("CI") == "true":
            raise RuntimeError("pocketsphinx-testdata is missing: .ci/run installs it")
        pytest.skip("real speech tests need Debian's pocketsphinx-testdata")
    pairs = []
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        # "<s> words words </s> (file-id)"
        match = re.match(r"\s*(?:<s>)?(.*?)(?:</s>)?\s*\(([^)]+)\)\s*$", line)
        if match:
            wav = LIBRIVOX / f"{match.group(2)}.wav"
            if wav.exists():
                pairs.append((wav, match.group(1).strip().lower()))
    return pairs


def speech_clip(path: Path, wavs: list[Path], *, silence_after: float = 0.5) -> Path:
    """Mux real speech recordings, one after another, under a generated test-pattern video."""
    ffmpeg = media_pipeline.ffmpeg_binary()
    inputs: list[str] = []
    for wav in wavs:
        inputs += ["-i", str(wav)]
    pad = f"apad=pad_dur={silence_after}"
    chain = "".join(f"[{i}:a]aresample=16000,{pad}[a{i}];" for i in range(len(wavs)))
    chain += "".join(f"[a{i}]" for i in range(len(wavs))) + f"concat=n={len(wavs)}:v=0:a=1[aout]"
    subprocess.run(
        [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            *inputs,
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x240:rate=25",
            "-filter_complex",
            chain,
            "-map",
            f"{len(wavs)}:v",
            "-map",
            "[aout]",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-shortest",
            "-movflags",
            "+faststart",
            str(path),
        ],
        check=True,
        capture_output=True,
    )
    return path


def ready_clip(
    session: Session,
    storage: Storage,
    email: str,
    *,
    kind: ClipKind = ClipKind.LESSON,
    title: str = "Lesson clip",
    step_id: int | None = None,
    duration: float = 30.0,
    video: Path | None = None,
    consent_state: ConsentState = ConsentState.NOT_RECORDED,
) -> Clip:
    """Register an upload and mark it ready, with ``video`` (or stand-in bytes) as its video."""
    clip = upload(
        session,
        storage,
        email,
        b"original",
        title=title,
        kind=kind,
        step_id=step_id,
        consent_state=consent_state,
    )
    if video is not None:
        storage.put_file(clips.video_key(clip.id), video)
    else:
        storage.put_stream(clips.video_key(clip.id), io.BytesIO(b"video bytes"))
    storage.put_stream(clips.poster_key(clip.id), io.BytesIO(b"poster bytes"))
    clips.mark_ready(
        session,
        clip.id,
        video=clips.video_key(clip.id),
        poster=clips.poster_key(clip.id),
        duration=duration,
        width=320,
        height=240,
        method="remux",
    )
    return clip
