"""A sample clip made on the spot with the bundled ffmpeg (for the demo; no downloads)."""

from __future__ import annotations

from pathlib import Path

import media_pipeline


def make_sample_clip(dst: Path, *, duration: float = 20.0, ffmpeg: str | None = None) -> Path:
    """Write a short H.264/AAC test-pattern clip with a tone to ``dst``."""
    media_pipeline.make_test_clip(dst, duration=duration, width=640, height=360, ffmpeg=ffmpeg)
    return dst
