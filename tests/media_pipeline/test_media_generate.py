"""make_test_clip makes what it says, in the codecs the rest of the suite relies on."""

import pytest

from media_pipeline import make_test_clip, probe


def test_default_clip_is_h264_aac_mp4(tmp_path):
    path = make_test_clip(tmp_path / "clip.mp4", duration=2.0)

    info = probe(path)
    assert path == str(tmp_path / "clip.mp4")
    assert info.demuxer == "mov"
    assert info.video is not None and info.audio is not None
    assert (info.video.codec, info.video.width, info.video.height) == ("h264", 320, 240)
    assert info.video.fps == pytest.approx(25.0)
    assert info.audio.codec == "aac"
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert info.faststart is True
    assert info.browser_playable is True


@pytest.mark.parametrize(
    ("name", "vcodec", "acodec", "want"),
    [
        ("m4.avi", "mpeg4", "libmp3lame", ("avi", "mpeg4", "mp3")),
        ("vp9.webm", "libvpx-vp9", "libopus", ("matroska", "vp9", "opus")),
        ("vorbis.mkv", "libx264", "libvorbis", ("matroska", "h264", "vorbis")),
    ],
)
def test_other_codecs_and_containers(tmp_path, name, vcodec, acodec, want):
    path = make_test_clip(tmp_path / name, duration=1.0, vcodec=vcodec, acodec=acodec)

    info = probe(path)
    assert info.video is not None and info.audio is not None
    assert (info.demuxer, info.video.codec, info.audio.codec) == want
    assert info.browser_playable is False


def test_faststart_off_puts_the_index_last(tmp_path):
    info = probe(make_test_clip(tmp_path / "late.mp4", duration=1.0, faststart=False))

    assert info.faststart is False


def test_silent_rotated_clip(tmp_path):
    info = probe(make_test_clip(tmp_path / "p.mp4", duration=1.0, acodec=None, rotation=90))

    assert info.audio is None
    assert info.video is not None
    assert (info.video.width, info.video.height, info.video.rotation) == (320, 240, 90)
    assert (info.video.display_width, info.video.display_height) == (240, 320)
