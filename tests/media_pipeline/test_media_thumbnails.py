"""make_poster picks a frame worth looking at, even from a video that starts dark."""

import os

import cv2
import pytest

from media_pipeline import DamagedVideo, PosterOptions, make_playable, make_poster


@pytest.fixture(scope="module")
def playable(clip, tmp_path_factory):
    """Return the playable MP4 made from the default test clip."""
    dst = tmp_path_factory.mktemp("playable") / "video.mp4"
    make_playable(clip("h264.mp4"), dst)
    return dst


def _gray(path):
    image = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
    assert image is not None, f"{path} is not an image"
    return image


def test_poster_of_a_colourful_clip(playable, out_dir):
    dst = out_dir / "poster.jpg"

    result = make_poster(playable, dst)

    gray = _gray(dst)
    assert result.path == str(dst)
    assert (result.width, result.height) == (640, 480)
    assert gray.shape == (480, 640)
    assert gray.std() > 30  # testsrc2 is bright bands and shapes, not a blank
    assert 0.0 < result.at_seconds < 2.0
    assert os.listdir(out_dir) == ["poster.jpg"]


def test_poster_width_option(playable, out_dir):
    result = make_poster(playable, out_dir / "small.jpg", PosterOptions(width=160))

    assert (result.width, result.height) == (160, 120)
    assert _gray(out_dir / "small.jpg").shape == (120, 160)


def test_black_video_still_gets_a_poster(clip, out_dir):
    black = clip("black.mp4", video_source="color=c=black")

    result = make_poster(black, out_dir / "poster.jpg")

    assert _gray(result.path).mean() < 20


def test_a_dark_opening_is_skipped(tmp_path, out_dir, run_ffmpeg):
    # Black for the first half (a lens cap), then the picture: of the candidates at
    # 10%..60% of 3 s, only the last one (1.8 s) shows anything.
    src = tmp_path / "dark_start.mp4"
    run_ffmpeg(
        "-f", "lavfi", "-i", "color=c=black:size=320x240:rate=25:duration=1.5",
        "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25:duration=1.5",
        "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", src,
    )  # fmt: skip

    result = make_poster(src, out_dir / "poster.jpg")

    assert result.at_seconds >= 1.5
    assert _gray(result.path).std() > 30


def test_portrait_video_gives_an_upright_poster(clip, out_dir):
    result = make_poster(clip("rot90.mp4", rotation=90, acodec=None), out_dir / "p.jpg")

    assert (result.width, result.height) == (640, 854)
    assert _gray(result.path).shape == (854, 640)


def test_undecodable_file_is_damaged_and_leaves_nothing(tmp_path, out_dir):
    junk = tmp_path / "junk.mp4"
    junk.write_text("not a video")

    with pytest.raises(DamagedVideo):
        make_poster(junk, out_dir / "poster.jpg")

    assert os.listdir(out_dir) == []
