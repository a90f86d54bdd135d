"""blur_faces finds real faces, blurs them beyond recognition, keeps the one chosen, and
leaves the rest of the picture and the sound alone."""

import os

import av
import cv2
import numpy as np
import pytest

from media_pipeline import (
    BlurOptions,
    KeepPoint,
    MediaError,
    NotAVideo,
    blur_faces,
    probe,
)
from tests.face_clip import make_face_clip

# The test clips are encoded at high quality and re-encoded at the same, so that what the
# comparisons see is the blur, not the encoder.
OPTIONS = BlurOptions(crf=18)

# A strip along the bottom of the 640x360 clip that no face (nor its blurred margin) reaches.
BACKGROUND = (0, 300, 640, 360)


@pytest.fixture(scope="module")
def faces_clip(tmp_path_factory):
    """Return a 2-second 640x360 clip of two real faces moving over a panning texture."""
    return make_face_clip(tmp_path_factory.mktemp("faces") / "faces.mp4", seconds=2.0)


@pytest.fixture(scope="module")
def blurred(faces_clip, tmp_path_factory):
    """Return the result of blurring every face in the clip, and the progress it reported."""
    calls = []
    dst = tmp_path_factory.mktemp("blurred") / "blurred.mp4"
    result = blur_faces(faces_clip.path, dst, OPTIONS, calls.append)
    return result, calls


def _frames(path):
    with av.open(str(path)) as container:
        return [f.to_ndarray(format="bgr24") for f in container.decode(video=0)]


def _gray(frame, box):
    x0, y0, x1, y1 = box
    return cv2.cvtColor(frame[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)


def _sharpness(frame, box):
    """Return the variance of the Laplacian in a box: how much fine detail it holds."""
    return float(cv2.Laplacian(_gray(frame, box), cv2.CV_64F).var())


def _ratios(before, after, boxes, step=4):
    """Return the Laplacian-variance ratio after/before in each box, every `step` frames."""
    return [
        _sharpness(after[i], boxes[i]) / _sharpness(before[i], boxes[i])
        for i in range(0, len(before), step)
    ]


def _diff(before, after, box):
    a, b = _gray(before, box), _gray(after, box)
    return float(np.abs(a.astype(np.int16) - b.astype(np.int16)).mean())


def test_faces_are_found_in_nearly_every_frame(blurred):
    result, calls = blurred

    assert result.frames == 50
    assert result.frames_found / result.frames_searched >= 0.9
    assert result.frames_with_faces / result.frames >= 0.9
    # Two faces in (nearly) every frame, each blurred.
    assert result.faces_blurred >= 2 * 0.9 * result.frames
    assert result.kept_face_frames == 0
    assert calls == sorted(calls) and calls[-1] == 1.0 and len(calls) >= 3


def test_blurred_faces_lose_their_detail_and_the_background_keeps_it(faces_clip, blurred):
    result, _ = blurred
    before, after = _frames(faces_clip.path), _frames(result.path)
    assert len(after) == len(before)

    for face in faces_clip.faces:
        ratios = _ratios(before, after, face)
        assert max(ratios) < 0.2, ratios
        assert all(_diff(before[i], after[i], face[i]) > 10 for i in range(0, len(before), 4))
    background = _ratios(before, after, [BACKGROUND] * len(before))
    assert 0.8 < min(background) and max(background) < 1.2, background
    assert max(_diff(b, a, BACKGROUND) for b, a in zip(before, after, strict=True)) < 4


def test_output_is_playable_with_the_sound_and_the_length_of_the_source(faces_clip, blurred):
    result, _ = blurred
    source, out = probe(faces_clip.path), probe(result.path)

    assert out.browser_playable and out.faststart
    assert out.video is not None and out.video.pix_fmt == "yuv420p"
    assert out.audio is not None and out.audio.codec == "aac"
    assert abs(out.duration - source.duration) < 0.1
    assert (result.width, result.height) == (640, 360)
    assert abs(result.duration - source.duration) < 0.1


def test_the_chosen_face_is_kept_and_followed_and_the_other_blurred(faces_clip, tmp_path):
    # Click the middle of the first face one second in, as a mentor would on a paused frame.
    at = faces_clip.fps  # frame index of t = 1 s
    x0, y0, x1, y1 = faces_clip.faces[0][at]
    keep = KeepPoint(x=(x0 + x1) / 2, y=(y0 + y1) / 2, t=1.0)

    result = blur_faces(faces_clip.path, tmp_path / "kept.mp4", OPTIONS, keep=keep)

    before, after = _frames(faces_clip.path), _frames(result.path)
    kept, other = faces_clip.faces
    kept_ratios = _ratios(before, after, kept)
    assert 0.8 < min(kept_ratios) and max(kept_ratios) < 1.2, kept_ratios
    assert max(_diff(before[i], after[i], kept[i]) for i in range(len(before))) < 5
    assert max(_ratios(before, after, other)) < 0.2
    assert result.kept_face_frames >= 0.9 * result.frames


def test_a_clip_without_faces_comes_out_unchanged(tmp_path):
    clip = make_face_clip(tmp_path / "empty.mp4", seconds=1.0, faces=False)

    result = blur_faces(clip.path, tmp_path / "out.mp4", OPTIONS)

    assert result.faces_blurred == 0 and result.frames_with_faces == 0
    before, after = _frames(clip.path), _frames(result.path)
    assert len(after) == len(before) == result.frames
    # No 40x40 block anywhere differs by more than encoding noise.
    worst = 0.0
    for b, a in zip(before, after, strict=True):
        for y in range(0, 360, 40):
            for x in range(0, 640, 40):
                worst = max(worst, _diff(b, a, (x, y, x + 40, y + 40)))
    assert worst < 4, worst


def test_an_unreadable_input_raises_and_writes_nothing(tmp_path, out_dir):
    junk = tmp_path / "junk.mp4"
    junk.write_text("#EXTM3U\n#EXTINF:1,\n/etc/passwd\n")  # a playlist posing as a video

    with pytest.raises(NotAVideo):
        blur_faces(junk, out_dir / "blurred.mp4", OPTIONS)

    assert os.listdir(out_dir) == []


def test_a_failure_while_encoding_leaves_no_partial_output(faces_clip, out_dir):
    class Cancelled(MediaError):
        pass

    def cancel_while_encoding(fraction):
        # The first pass reports below 0.7; past that, frames are being written (blur_faces
        # always reports the first frame it writes, so this is reached on any clip).
        if fraction > 0.7:
            raise Cancelled("cancelled")

    with pytest.raises(Cancelled):
        blur_faces(
            faces_clip.path,
            out_dir / "blurred.mp4",
            BlurOptions(crf=18, detect_every=5),
            cancel_while_encoding,
        )

    assert os.listdir(out_dir) == []


def test_portrait_phone_video_is_turned_upright_first(faces_clip, tmp_path, run_ffmpeg):
    # A phone stores portrait video as sideways pictures plus a display matrix: here the
    # picture turned a quarter clockwise, marked to be turned back on display. Sideways
    # faces are invisible to the cascades, so this only passes if frames are turned first.
    sideways = tmp_path / "sideways.mp4"
    run_ffmpeg(
        "-i", faces_clip.path, "-vf", "transpose=1", "-c:v", "libx264", "-crf", "18",
        "-preset", "veryfast", "-c:a", "copy", sideways,
    )  # fmt: skip
    rotated = tmp_path / "rotated.mp4"
    run_ffmpeg("-display_rotation", "90", "-i", sideways, "-c", "copy", rotated)
    assert probe(rotated).video.rotation == 90

    result = blur_faces(rotated, tmp_path / "out.mp4", OPTIONS)

    assert (result.width, result.height) == (640, 360)
    assert result.frames_found / result.frames_searched >= 0.9
    before, after = _frames(faces_clip.path), _frames(result.path)
    for face in faces_clip.faces:
        assert max(_ratios(before, after, face)) < 0.2
    assert min(_ratios(before, after, [BACKGROUND] * len(before))) > 0.7
