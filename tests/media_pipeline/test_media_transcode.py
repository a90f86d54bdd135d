"""make_playable: remux what browsers already play, encode the rest, and check the result."""

import os

import av
import pytest

from media_pipeline import (
    DamagedVideo,
    TooLong,
    TranscodeOptions,
    build_command,
    make_playable,
    probe,
)


def _check_playable(result, dst, source_duration, size):
    out = probe(dst)
    assert result.path == str(dst)
    assert result.size_bytes == os.path.getsize(dst) == out.size_bytes
    assert out.video.codec == result.video_codec == "h264"
    assert out.duration == pytest.approx(source_duration, abs=0.1)
    assert result.duration == out.duration
    assert out.faststart is True
    assert out.browser_playable is True
    assert (result.width, result.height) == size
    assert result.width % 2 == 0 and result.height % 2 == 0
    return out


def test_h264_aac_is_remuxed_and_gets_faststart(clip, out_dir):
    src = clip("late_index.mp4", faststart=False)
    assert probe(src).faststart is False
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst)

    assert result.method == "remux"
    out = _check_playable(result, dst, probe(src).duration, (320, 240))
    assert out.audio.codec == result.audio_codec == "aac"
    assert os.listdir(out_dir) == ["video.mp4"]


def test_h264_without_audio_is_remuxed_silent(clip, out_dir):
    src = clip("h264_silent.mp4", acodec=None)
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst)

    assert result.method == "remux"
    out = _check_playable(result, dst, probe(src).duration, (320, 240))
    assert out.audio is None and result.audio_codec is None


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("mpeg4.avi", {"vcodec": "mpeg4", "acodec": "libmp3lame"}),
        ("mpeg4.mp4", {"vcodec": "mpeg4"}),
        ("vp9.webm", {"vcodec": "libvpx-vp9", "acodec": "libopus"}),
    ],
)
def test_other_codecs_are_transcoded(clip, out_dir, name, kwargs):
    src = clip(name, **kwargs)
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst)

    assert result.method == "transcode"
    out = _check_playable(result, dst, probe(src).duration, (320, 240))
    assert out.audio.codec == "aac"
    assert out.audio.channels == 2
    assert out.video.pix_fmt == "yuv420p"
    assert out.video.profile == "High"


def test_tall_h264_is_scaled_down_to_even_dimensions(clip, out_dir):
    # 320x180 at 100 high would be 177.8 wide: rounded to an even 178.
    src = clip("wide.mp4", width=320, height=180)
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst, TranscodeOptions(max_height=100))

    assert result.method == "transcode"
    _check_playable(result, dst, probe(src).duration, (178, 100))


def test_small_video_is_never_upscaled(clip, out_dir):
    src = clip("mpeg4.avi", vcodec="mpeg4", acodec="libmp3lame")

    result = make_playable(src, out_dir / "video.mp4", TranscodeOptions(max_height=1080))

    assert (result.width, result.height) == (320, 240)


def test_odd_dimensions_lose_a_pixel_rather_than_fail(clip, out_dir):
    # libx264 cannot encode 4:2:0 at odd sizes; MJPEG cameras can record them.
    src = clip("odd.avi", width=321, height=241, vcodec="mjpeg", acodec=None,
               video_source="color=c=blue")  # fmt: skip
    assert (probe(src).video.width, probe(src).video.height) == (321, 241)

    result = make_playable(src, out_dir / "video.mp4")

    assert (result.method, result.width, result.height) == ("transcode", 320, 240)


def test_portrait_phone_video_keeps_its_rotation_when_remuxed(clip, out_dir):
    src = clip("rot90.mp4", rotation=90, acodec=None)
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst)

    assert result.method == "remux"
    assert (result.width, result.height) == (240, 320)
    assert probe(dst).video.rotation == 90


def test_portrait_phone_video_is_turned_upright_when_transcoded(clip, out_dir):
    # The limit applies to the short side, as "720p" does for portrait video.
    src = clip("rot90.mp4", rotation=90, acodec=None)
    dst = out_dir / "video.mp4"

    result = make_playable(src, dst, TranscodeOptions(max_height=120))

    assert result.method == "transcode"
    assert (result.width, result.height) == (120, 160)
    assert probe(dst).video.rotation == 0


def test_progress_rises_to_one(clip, out_dir):
    src = clip("eight.avi", duration=8.0, width=640, height=360, vcodec="mpeg4")
    seen: list[float] = []

    # One thread, so that even a fast many-core machine takes long enough to report midway.
    options = TranscodeOptions(threads=1)
    make_playable(src, out_dir / "video.mp4", options, on_progress=seen.append)

    assert len(seen) > 1
    assert seen == sorted(seen)
    assert all(0.0 <= f <= 1.0 for f in seen)
    assert seen[-1] == 1.0
    assert seen.count(1.0) == 1


def test_a_failing_progress_callback_stops_the_job_and_leaves_nothing(clip, out_dir):
    # A worker cancels a job by raising from its progress callback.
    src = clip("eight.avi", duration=8.0, width=640, height=360, vcodec="mpeg4")

    def cancel(fraction: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make_playable(src, out_dir / "video.mp4", on_progress=cancel)

    assert os.listdir(out_dir) == []


def test_location_metadata_is_stripped(clip, out_dir, run_ffmpeg):
    tagged = out_dir.parent / "tagged.mp4"
    run_ffmpeg("-i", clip("h264.mp4"), "-c", "copy", "-metadata", "location=+51.5074-000.1278/",
               "-metadata", "title=Year 5 maths", tagged)  # fmt: skip
    with av.open(str(tagged)) as container:
        assert "location" in container.metadata

    make_playable(tagged, out_dir / "video.mp4")

    with av.open(str(out_dir / "video.mp4")) as container:
        assert "location" not in container.metadata
        assert "title" not in container.metadata


def test_running_twice_gives_the_same_result(clip, out_dir):
    src = clip("mpeg4.avi", vcodec="mpeg4", acodec="libmp3lame")
    dst = out_dir / "video.mp4"

    first = make_playable(src, dst)
    second = make_playable(src, dst)

    assert (first.method, first.width, first.duration) == (
        second.method,
        second.width,
        second.duration,
    )
    assert os.listdir(out_dir) == ["video.mp4"]


def test_given_info_skips_the_probe_and_picks_the_same_method(clip, out_dir):
    src = clip("h264.mp4")
    info = probe(src)

    result = make_playable(src, out_dir / "video.mp4", info=info)

    assert result.method == "remux"


def test_too_long_is_refused_before_any_work(clip, out_dir):
    src = clip("h264.mp4")

    with pytest.raises(TooLong) as caught:
        make_playable(src, out_dir / "video.mp4", TranscodeOptions(max_duration=0.5))

    assert "second" in caught.value.reason
    assert os.listdir(out_dir) == []


def test_too_long_reason_speaks_in_minutes():
    reason = TooLong.for_limit(22 * 60 + 10, 15 * 60).reason

    assert "22 minutes 10 seconds" in reason
    assert "limit of 15 minutes" in reason


def test_truncated_webm_comes_out_short_and_is_called_damaged(clip, tmp_path, out_dir):
    # Matroska keeps its duration at the front, so a cut file still probes; ffmpeg then
    # transcodes what is there and exits 0. Only the duration check notices the loss.
    data = clip("vp9.webm", vcodec="libvpx-vp9", acodec="libopus").read_bytes()
    cut = tmp_path / "cut.webm"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    assert probe(cut).duration == pytest.approx(2.0, abs=0.1)

    with pytest.raises(DamagedVideo) as caught:
        make_playable(cut, out_dir / "video.mp4")

    assert "output lasts" in caught.value.detail
    assert os.listdir(out_dir) == []


def test_missing_output_folder_is_a_plain_error(clip, tmp_path):
    with pytest.raises(FileNotFoundError):
        make_playable(clip("h264.mp4"), tmp_path / "nowhere" / "video.mp4")


def test_build_command_confines_the_input(clip, tmp_path):
    src = clip("h264.mp4")

    method, args = build_command(src, tmp_path / "v.mp4", probe(src))

    i = args.index("-i")
    inputs = args[:i]
    assert method == "remux"
    assert inputs[inputs.index("-f") + 1] == "mov"
    assert inputs[inputs.index("-protocol_whitelist") + 1] == "file"
    assert "hls" not in inputs[inputs.index("-format_whitelist") + 1].split(",")
    assert args[i + 1] == "file:" + str(src)
    assert ["-progress", "pipe:1"] == args[args.index("-progress") : args.index("-progress") + 2]
