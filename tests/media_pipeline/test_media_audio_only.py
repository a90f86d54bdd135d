"""make_audio_only: a clip's sound as AAC in an .m4a, with no picture and no metadata."""

import os

import av
import pytest

from media_pipeline import (
    AudioOnlyOptions,
    DamagedVideo,
    NoSound,
    NoVideoStream,
    PictureTooSmall,
    TooLong,
    extract_audio,
    make_audio_only,
    probe,
    probe_sound,
)


def test_keeps_the_sound_only_with_progress(clip, out_dir):
    seen: list[float] = []
    result = make_audio_only(
        clip("lesson.mp4", duration=3.0), out_dir / "a.m4a", on_progress=seen.append
    )
    assert result.codec == "aac" and result.channels == 1
    assert result.duration == pytest.approx(3.0, abs=0.1)
    assert result.size_bytes == os.path.getsize(out_dir / "a.m4a")
    info = probe_sound(out_dir / "a.m4a")
    assert info.video is None and info.audio is not None and info.audio.codec == "aac"
    with pytest.raises(NoVideoStream):  # to the video probe, it is sound with no picture
        probe(out_dir / "a.m4a")
    assert seen[-1] == 1.0 and seen == sorted(seen)
    assert os.listdir(out_dir) == ["a.m4a"]  # no part file left behind


def test_location_and_title_are_not_kept(clip, out_dir, run_ffmpeg):
    tagged = out_dir.parent / "tagged.mp4"
    run_ffmpeg("-i", clip("h264.mp4"), "-c", "copy", "-metadata", "location=+51.5074-000.1278/",
               "-metadata", "title=Year 5 maths", tagged)  # fmt: skip
    make_audio_only(tagged, out_dir / "a.m4a")
    with av.open(str(out_dir / "a.m4a")) as container:
        assert "location" not in container.metadata and "title" not in container.metadata


def test_a_voice_memo_and_odd_sample_rates_are_kept(out_dir, run_ffmpeg):
    memo = out_dir.parent / "memo.wav"
    run_ffmpeg("-f", "lavfi", "-i", "sine=frequency=300:sample_rate=37800:duration=2", memo)
    result = make_audio_only(memo, out_dir / "memo.m4a")
    assert result.sample_rate == 48000 and result.duration == pytest.approx(2.0, abs=0.1)
    track = extract_audio(out_dir / "memo.m4a", out_dir / "memo.wav")
    assert track is not None and track.duration == pytest.approx(2.0, abs=0.1)


def test_no_sound_and_too_long_are_refused(clip, out_dir):
    with pytest.raises(NoSound) as caught:
        make_audio_only(clip("mute.mp4", acodec=None), out_dir / "a.m4a")
    assert "no sound" in caught.value.reason
    with pytest.raises(TooLong):
        make_audio_only(clip("h264.mp4"), out_dir / "a.m4a", AudioOnlyOptions(max_duration=0.5))
    assert os.listdir(out_dir) == []


def test_a_damaged_sound_track_is_reported(clip, out_dir):
    broken = out_dir.parent / "cut.mp4"
    data = clip("h264.mp4").read_bytes()
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises((DamagedVideo, NoSound)):
        make_audio_only(broken, out_dir / "a.m4a")
    assert os.listdir(out_dir) == []


def test_a_picture_too_small_to_watch_does_not_stop_its_sound_being_kept(clip, out_dir):
    # A sound-only class keeps no picture, so a tiny one matters no more than none at all.
    tiny = clip("tiny2x2.mp4", width=2, height=2)
    info = probe_sound(tiny)
    assert info.video is None and info.audio is not None
    assert make_audio_only(tiny, out_dir / "a.m4a").duration == pytest.approx(2.0, abs=0.1)
    with pytest.raises(PictureTooSmall):  # with no sound, there is nothing worth keeping
        probe_sound(clip("tiny2x2_mute.mp4", width=2, height=2, acodec=None))
