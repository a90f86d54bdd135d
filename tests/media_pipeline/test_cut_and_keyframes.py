"""Every encoder puts a keyframe at least every KEYFRAME_SECONDS (so a stream made from its
output is cut into even segments without re-encoding), and a cut starts where it says it does:
on the keyframe at or before the in point, or on the in point itself when exact."""

from __future__ import annotations

import pytest

from media_pipeline import (
    BlurOptions,
    DamagedVideo,
    TranscodeOptions,
    blur_faces,
    make_playable,
    probe,
)
from media_pipeline.cut import cut, keyframe_at_or_before
from media_pipeline.transcode import KEYFRAME_SECONDS
from tests.face_clip import make_face_clip
from tests.factories import generated_clip


def _keyframes(path, duration: float) -> set[float]:
    found = set()
    t = duration
    while t > 0:
        found.add(round(keyframe_at_or_before(path, t), 1))
        t -= 0.5
    return found


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    """Ten seconds of MPEG-4 Part 2, which every path must re-encode."""
    folder = tmp_path_factory.mktemp("keyframes")
    return generated_clip(
        folder / "old.avi", duration=10, vcodec="mpeg4", acodec="mp3", container="avi"
    )


def test_a_transcode_has_a_keyframe_every_few_seconds(lesson, tmp_path):
    out = make_playable(lesson, tmp_path / "out.mp4", TranscodeOptions())
    assert out.method == "transcode"
    assert {0.0, 4.0, 8.0} <= _keyframes(tmp_path / "out.mp4", 10)


def test_a_blurred_video_has_a_keyframe_every_few_seconds(tmp_path):
    faces = make_face_clip(tmp_path / "faces.mp4", seconds=KEYFRAME_SECONDS + 1.2, height=240)
    blur_faces(faces.path, tmp_path / "blurred.mp4", BlurOptions(crf=28))
    assert {0.0, float(KEYFRAME_SECONDS)} <= _keyframes(
        tmp_path / "blurred.mp4", KEYFRAME_SECONDS + 1
    )


def test_a_cut_starts_on_a_keyframe_or_exactly_where_asked(lesson, tmp_path):
    playable = tmp_path / "playable.mp4"
    make_playable(lesson, playable, TranscodeOptions())
    quick = cut(playable, tmp_path / "quick.mp4", 5.3, 9.0)
    assert quick.start == pytest.approx(4.0, abs=0.05) and not quick.exact
    assert quick.duration == pytest.approx(5.0, abs=0.3)
    exact = cut(playable, tmp_path / "exact.mp4", 5.3, 9.0, exact=True)
    assert exact.start == pytest.approx(5.3) and exact.duration == pytest.approx(3.7, abs=0.1)
    assert probe(tmp_path / "exact.mp4").video.codec == "h264"
    with pytest.raises(DamagedVideo, match="outside the clip or is too short"):
        cut(playable, tmp_path / "none.mp4", 9.8, 12.0)
    assert not (tmp_path / "none.mp4").exists()
