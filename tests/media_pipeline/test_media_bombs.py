"""Decompression bombs: a few hundred KB that declare pictures of gigabytes.

A PNG (or JPEG, or H.264) frame of 12000x12000 pixels compresses to almost nothing; decoding
it makes FFmpeg allocate the whole picture, per frame and per thread. probe must refuse such a
file before decoding a picture, and ffmpeg must refuse it even if probe were bypassed.
"""

import os
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from media_pipeline import DamagedVideo, PictureTooLarge, make_playable, probe
from media_pipeline.ffmpeg import MAX_PIXELS
from tests.hostile_bytes import png_bomb_avi

PROBE_IN_CHILD = "import sys; from media_pipeline import probe; probe(sys.argv[1])"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.avi"
    path.write_bytes(png_bomb_avi(12000))
    assert path.stat().st_size < 1_000_000
    return path


def _peak_rss_mb(args: list[str]) -> tuple[int, float]:
    """Run a child and return its exit status and its own peak memory in MB."""
    with subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as child:
        _pid, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss / 1024


def test_probe_refuses_a_bomb_without_decoding_it(clip, bomb):
    started = time.monotonic()
    with pytest.raises(PictureTooLarge) as caught:
        probe(bomb)
    assert time.monotonic() - started < 1.5  # decoding one picture alone takes longer
    assert "too large" in caught.value.reason and "4K" in caught.value.reason
    # In a process of its own, to measure, beside probing an ordinary clip: one decoded
    # picture of the bomb alone would be 144 MB of grey pixels.
    status, peak = _peak_rss_mb([sys.executable, "-c", PROBE_IN_CHILD, str(bomb)])
    assert status == 1  # the PictureTooLarge traceback
    _, baseline = _peak_rss_mb([sys.executable, "-c", PROBE_IN_CHILD, str(clip("h264.mp4"))])
    assert peak < baseline + 50, f"probing the bomb peaked at {peak:.0f} MB ({baseline:.0f})"


def test_probe_refuses_a_bomb_behind_a_small_header(tmp_path):
    disguised = tmp_path / "small.avi"
    disguised.write_bytes(png_bomb_avi(12000, frames=1, declared=160))
    with pytest.raises(PictureTooLarge):
        probe(disguised)


def test_a_picture_just_inside_the_limit_is_read(tmp_path):
    # 8K DCI exactly: the limit refuses bombs, not the largest real cameras.
    big = tmp_path / "8k.avi"
    big.write_bytes(png_bomb_avi(4320, frames=1))
    assert 4320 * 4320 <= MAX_PIXELS
    info = probe(big)
    assert (info.video.width, info.video.height) == (4320, 4320)


def test_ffmpeg_refuses_the_bomb_even_with_a_forged_probe(clip, bomb, out_dir):
    # A caller passing a MediaInfo that says "160x120" cannot make ffmpeg decode the bomb:
    # the picture limit is an ffmpeg input option too.
    small = probe(clip("mjpeg.avi", vcodec="mjpeg", acodec=None, duration=0.3))
    forged = replace(small, format_name="avi", duration=0.3)
    started = time.monotonic()
    with pytest.raises(DamagedVideo):
        make_playable(bomb, out_dir / "video.mp4", info=forged)
    assert time.monotonic() - started < 5
    assert os.listdir(out_dir) == []
