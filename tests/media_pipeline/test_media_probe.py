"""probe reports plain values, and says no with a reason a teacher can read."""

import os
import shutil
import struct
import subprocess

import av
import pytest

from media_pipeline import (
    DamagedVideo,
    EmptyVideo,
    MediaError,
    NotAVideo,
    NoVideoStream,
    PictureTooSmall,
    ffmpeg_binary,
    probe,
)

NOT_A_VIDEO = (
    "This file is not a video we can read. Please upload a video file such as MP4 or MOV "
    "from your phone or camera."
)


def test_values_are_plain_python(clip):
    info = probe(clip("h264.mp4"))

    assert type(info.duration) is float
    assert type(info.size_bytes) is int
    assert type(info.video.fps) is float
    assert type(info.video.width) is int
    assert type(info.audio.sample_rate) is int
    assert type(info.audio.channels) is int
    assert info.audio.channels == 2
    assert info.video.pix_fmt == "yuv420p"
    assert info.video.profile
    assert info.video.rotation == 0
    assert info.size_bytes == clip("h264.mp4").stat().st_size


@pytest.mark.parametrize(
    ("name", "kwargs", "demuxer", "playable"),
    [
        ("h264.mp4", {}, "mov", True),
        ("h264_silent.mp4", {"acodec": None}, "mov", True),
        ("mpeg4.avi", {"vcodec": "mpeg4", "acodec": "libmp3lame"}, "avi", False),
        ("mpeg4.mp4", {"vcodec": "mpeg4"}, "mov", False),
        ("vp9.webm", {"vcodec": "libvpx-vp9", "acodec": "libopus"}, "matroska", False),
        ("h264_mp3.mp4", {"acodec": "libmp3lame"}, "mov", False),
    ],
)
def test_demuxer_and_browser_playable(clip, name, kwargs, demuxer, playable):
    info = probe(clip(name, **kwargs))

    assert info.demuxer == demuxer
    assert info.browser_playable is playable


def test_live_webm_without_a_duration_is_measured(tmp_path):
    # Browser MediaRecorder writes WebM with no duration in the header, as does ffmpeg
    # writing to a pipe: neither can seek back to fill the duration in.
    live = tmp_path / "live.webm"
    cmd = [ffmpeg_binary(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:d=2",
           "-c:v", "libvpx", "-deadline", "realtime", "-f", "webm", "pipe:1"]  # fmt: skip
    live.write_bytes(subprocess.run(cmd, stdout=subprocess.PIPE, check=True).stdout)
    with av.open(str(live)) as container:
        assert container.duration is None

    info = probe(live)

    assert info.duration == pytest.approx(2.0, abs=0.1)


def test_cover_art_is_not_a_picture(clip, tmp_path, run_ffmpeg):
    # An M4A with album art has a one-frame "video" stream marked attached_pic.
    song = tmp_path / "song.m4a"
    run_ffmpeg(
        "-f", "lavfi", "-i", "sine=duration=1",
        "-f", "lavfi", "-i", "color=c=red:size=64x64",
        "-map", "0", "-map", "1", "-frames:v", "1", "-c:a", "aac", "-c:v", "mjpeg",
        "-disposition:v", "attached_pic", song,
    )  # fmt: skip

    with pytest.raises(NoVideoStream):
        probe(song)


@pytest.mark.parametrize(("rotation", "shown"), [(90, (240, 320)), (180, (320, 240))])
def test_rotation_from_the_display_matrix(clip, rotation, shown):
    info = probe(clip(f"rot{rotation}.mp4", rotation=rotation, acodec=None))

    assert info.video.rotation == rotation
    assert (info.video.display_width, info.video.display_height) == shown


def test_text_renamed_mp4_is_not_a_video(tmp_path):
    fake = tmp_path / "lesson.mp4"
    fake.write_text("Lesson plan: fractions, year 5.\nStarter: 10 minutes.\n" * 50)

    with pytest.raises(NotAVideo) as caught:
        probe(fake)

    assert caught.value.reason == NOT_A_VIDEO
    assert caught.value.detail  # the technical part goes to the logs


def test_random_bytes_are_not_a_video(tmp_path):
    junk = tmp_path / "junk.mov"
    junk.write_bytes(bytes(range(256)) * 400)

    with pytest.raises(NotAVideo):
        probe(junk)


def test_empty_file_is_not_a_video(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.touch()

    with pytest.raises(NotAVideo):
        probe(empty)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)

    with pytest.raises(NotAVideo):
        probe(fifo)


@pytest.mark.parametrize(
    ("name", "acodec"), [("voice.m4a", "aac"), ("voice.mp4", "aac"), ("voice.mp3", "libmp3lame")]
)
def test_audio_only_has_no_picture(tmp_path, run_ffmpeg, name, acodec):
    voice = tmp_path / name
    run_ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", acodec, voice)

    with pytest.raises(NoVideoStream) as caught:
        probe(voice)

    assert caught.value.reason == "This file has sound but no picture. Please upload a video."


def test_recording_stopped_after_the_header_is_empty(clip, tmp_path, run_ffmpeg):
    # A fragmented MP4 (as live recorders write) cut right after its init segment: a video
    # track is declared, but not one frame followed.
    frag = tmp_path / "frag.mp4"
    run_ffmpeg("-i", clip("h264_silent.mp4", acodec=None), "-c", "copy",
               "-movflags", "frag_keyframe+empty_moov", frag)  # fmt: skip
    data = frag.read_bytes()
    head = tmp_path / "head.mp4"
    head.write_bytes(data[: _atom_end(data, b"moov")])

    with pytest.raises(EmptyVideo) as caught:
        probe(head)

    assert "no length" in caught.value.reason


def test_mp4_with_no_tracks_is_empty(tmp_path, run_ffmpeg):
    nothing = tmp_path / "nothing.mp4"
    run_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "0", nothing)

    with pytest.raises(EmptyVideo):
        probe(nothing)


@pytest.mark.parametrize("faststart", [False, True])
def test_truncated_mp4_is_damaged(clip, tmp_path, faststart):
    # Index last: the cut removes the index ("moov atom not found"). Index first: the index
    # parses but promises data that is not there. Either way the upload was cut short.
    src = clip(f"long_{faststart}.mp4", duration=3.0, faststart=faststart)
    data = src.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * 0.6)])

    with pytest.raises(DamagedVideo) as caught:
        probe(cut)

    assert "cut short" in caught.value.reason


def test_errors_carry_reason_and_detail():
    err = DamagedVideo(detail="ffmpeg said no")

    assert isinstance(err, MediaError)
    assert err.reason.startswith("This video is damaged or incomplete")
    assert err.detail == "ffmpeg said no"
    assert NotAVideo("custom", "tech").reason == "custom"


def test_missing_file_is_our_error_not_the_teachers(tmp_path):
    with pytest.raises(FileNotFoundError):
        probe(tmp_path / "missing.mp4")


def _atom_end(data: bytes, kind: bytes) -> int:
    offset = 0
    while offset + 8 <= len(data):
        size, found = struct.unpack(">I4s", data[offset : offset + 8])
        offset += size
        if found == kind:
            return offset
    raise AssertionError(f"no {kind!r} atom")


def test_probe_copies_nothing(clip, tmp_path):
    # probe reads in place: it must not leave files beside the upload.
    src = tmp_path / "upload.mp4"
    shutil.copy(clip("h264.mp4"), src)

    probe(src)

    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload.mp4"]


@pytest.mark.parametrize(("width", "height"), [(2, 2), (160, 90), (94, 320)])
def test_a_picture_too_small_to_watch_is_refused(clip, width, height):
    with pytest.raises(PictureTooSmall) as caught:
        probe(clip(f"small{width}x{height}.mp4", width=width, height=height, duration=0.5))

    assert caught.value.reason == (
        f"This video's picture is too small to watch ({width} x {height} pixels; the least we "
        "take is 96 pixels on its shorter side). Please upload the original recording from "
        "your phone or camera."
    )


@pytest.mark.parametrize(("width", "height"), [(128, 96), (96, 160)])
def test_the_smallest_picture_worth_watching_is_taken(clip, width, height):
    info = probe(clip(f"least{width}x{height}.mp4", width=width, height=height, duration=0.5))

    assert (info.video.width, info.video.height) == (width, height)
