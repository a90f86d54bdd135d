"""The speaker split: real speech as a "teacher" and a "pupil", mixed at known levels."""

import wave
from pathlib import Path

import numpy as np
import pytest

from media_pipeline import (
    MediaError,
    Microphone,
    SpeakerOptions,
    SpeakerSplit,
    extract_channels,
    find_voice,
    split_speakers,
)
from media_pipeline.audio import read_audio

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
_RATE = 16_000
_RMS = 0.1  # each utterance's level before any gain: -20 dBFS
_NOISE = 0.001  # a quiet room: -60 dBFS

# Who speaks when: (start second, utterance id, speaker), with silence in between.
_TURNS = (
    (0.5, "0870", "teacher"),  # 7.1 s
    (9.0, "0880", "pupil"),  # 3.0 s
    (13.0, "0930", "teacher"),  # 3.3 s
    (17.5, "0890", "pupil"),  # 5.3 s
)
_LENGTH = 24.0


def db(gain: float) -> float:
    return 10 ** (gain / 20)


def utterance(file_id: str) -> np.ndarray:
    audio = read_audio(str(LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{file_id}.wav"))
    audio = audio.astype(np.float64)
    return audio * _RMS / np.sqrt(np.mean(audio**2))


def track(speaker: str) -> np.ndarray:
    """One speaker's turns in place, digital silence elsewhere."""
    out = np.zeros(round(_LENGTH * _RATE))
    for start, file_id, who in _TURNS:
        if who == speaker:
            sound = utterance(file_id)
            at = round(start * _RATE)
            out[at : at + len(sound)] = sound
    return out


def noise(seed: int, level: float = _NOISE) -> np.ndarray:
    return np.random.default_rng(seed).normal(0, level, round(_LENGTH * _RATE))


def write(path: Path, *channels: np.ndarray) -> Path:
    samples = np.stack(channels, axis=1)
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(len(channels))
        writer.setsampwidth(2)
        writer.setframerate(_RATE)
        writer.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def voiced_seconds(path: Path) -> float:
    return sum(end - start for start, end in find_voice(path))


@pytest.fixture(scope="module")
def voices():
    return track("teacher"), track("pupil")


@pytest.fixture(scope="module")
def lapel_left(voices, tmp_path_factory):
    """A stereo clip: the teacher's lapel on the left, the camera's microphone on the right."""
    folder = tmp_path_factory.mktemp("lapel_left")
    teacher, pupil = voices
    left = teacher + pupil * db(-24) + noise(1)
    right = teacher * db(-8) + pupil + noise(2)
    stereo = write(folder / "stereo.wav", left, right)
    mono = write(folder / "mono.wav", (left + right) / 2)
    # The truth: each voice alone, at its level in the mono sound, in the same room noise.
    truth_teacher = voiced_seconds(
        write(folder / "t.wav", teacher * (1 + db(-8)) / 2 + noise(3, _NOISE / np.sqrt(2)))
    )
    truth_pupil = voiced_seconds(
        write(folder / "p.wav", pupil * (1 + db(-24)) / 2 + noise(4, _NOISE / np.sqrt(2)))
    )
    return stereo, mono, truth_teacher, truth_pupil


def kind_at(split: SpeakerSplit, second: float) -> str | None:
    return next((kind for start, end, kind in split.spans if start <= second < end), None)


def assert_well_formed(split: SpeakerSplit, speech) -> None:
    assert split.method is not None
    for (_, end, kind), (start, _, after) in zip(split.spans, split.spans[1:], strict=False):
        assert end <= start
        assert end < start or kind != after
    for start, end, _ in split.spans:
        assert end > start
        assert any(s <= start and end <= e for s, e in speech)
    total = sum(end - start for start, end in speech)
    assert split.teacher_seconds + split.pupil_seconds == pytest.approx(total)


def test_split_by_channel(lapel_left):
    stereo, mono, truth_teacher, truth_pupil = lapel_left
    speech = find_voice(mono)
    split = split_speakers(speech, Microphone.LAPEL_LEFT, mono_wav=mono, stereo_wav=stereo)
    assert split.method == "channel"
    assert "left" in split.reason
    assert_well_formed(split, speech)
    assert split.teacher_seconds == pytest.approx(truth_teacher, abs=0.5)
    assert split.pupil_seconds == pytest.approx(truth_pupil, abs=0.5)
    for second, kind in ((3.0, "teacher"), (10.5, "pupils"), (14.5, "teacher"), (20.0, "pupils")):
        assert kind_at(split, second) == kind, split.spans
    assert kind_at(split, 8.5) is None  # silence
    assert split.teacher_share == pytest.approx(
        split.teacher_seconds / (split.teacher_seconds + split.pupil_seconds)
    )

    # The same file said to have its lapel on the right: the roles swap.
    swapped = split_speakers(speech, Microphone.LAPEL_RIGHT, mono_wav=mono, stereo_wav=stereo)
    assert swapped.method == "channel"
    assert "right" in swapped.reason
    assert swapped.teacher_seconds == pytest.approx(truth_pupil, abs=0.5)
    assert swapped.pupil_seconds == pytest.approx(truth_teacher, abs=0.5)
    assert kind_at(swapped, 3.0) == "pupils"
    assert kind_at(swapped, 20.0) == "teacher"


def test_one_stray_frame_does_not_flip_a_run(lapel_left, tmp_path):
    stereo, mono, _, _ = lapel_left
    # A click of 20 ms on the room channel in the middle of the teacher's first turn.
    left, right = read_stereo(stereo)
    at = round(3.0 * _RATE)
    right[at : at + 320] = 0.9
    clicked = write(tmp_path / "clicked.wav", left, right)
    speech = find_voice(mono)
    split = split_speakers(speech, Microphone.LAPEL_LEFT, mono_wav=mono, stereo_wav=clicked)
    assert kind_at(split, 3.01) == "teacher"
    # With no smoothing the click becomes a pupil's turn of its own.
    raw = split_speakers(
        speech,
        Microphone.LAPEL_LEFT,
        mono_wav=mono,
        stereo_wav=clicked,
        options=SpeakerOptions(min_run=0.0, channel_window=0.0),
    )
    assert kind_at(raw, 3.01) == "pupils"


def read_stereo(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with wave.open(str(path), "rb") as reader:
        data = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    pairs = data.reshape(-1, 2).astype(np.float64) / 32767
    return pairs[:, 0].copy(), pairs[:, 1].copy()


def test_same_sound_in_both_channels_is_no_channel_split(voices, tmp_path):
    teacher, pupil = voices
    mixed = teacher + pupil * db(-20) + noise(5)
    mono = write(tmp_path / "mono.wav", mixed)
    stereo = write(tmp_path / "stereo.wav", mixed, mixed)
    speech = find_voice(mono)
    split = split_speakers(speech, Microphone.LAPEL_LEFT, mono_wav=mono, stereo_wav=stereo)
    assert split.method == "loudness"
    assert "same sound" in split.reason
    assert kind_at(split, 3.0) == "teacher"
    assert kind_at(split, 20.0) == "pupils"


def test_mono_clip_with_lapel_channel_setting_splits_by_loudness(voices, tmp_path):
    teacher, pupil = voices
    mono = write(tmp_path / "mono.wav", teacher + pupil * db(-20) + noise(6))
    split = split_speakers(find_voice(mono), Microphone.LAPEL_RIGHT, mono_wav=mono)
    assert split.method == "loudness"
    assert split.reason == (
        "This clip's sound has only one channel, so the louder talk, the voice close to the "
        "teacher's lapel microphone, is counted as the teacher's."
    )


def test_split_by_loudness(voices, tmp_path):
    teacher, pupil = voices
    mono = write(tmp_path / "mono.wav", teacher + pupil * db(-20) + noise(7))
    truth_teacher = voiced_seconds(write(tmp_path / "t.wav", teacher + noise(8)))
    truth_pupil = voiced_seconds(write(tmp_path / "p.wav", pupil * db(-20) + noise(9)))
    speech = find_voice(mono)
    split = split_speakers(speech, Microphone.LAPEL, mono_wav=mono)
    assert split.method == "loudness"
    assert_well_formed(split, speech)
    assert split.teacher_seconds == pytest.approx(truth_teacher, abs=0.5)
    assert split.pupil_seconds == pytest.approx(truth_pupil, abs=0.5)
    for second, kind in ((3.0, "teacher"), (10.5, "pupils"), (14.5, "teacher"), (20.0, "pupils")):
        assert kind_at(split, second) == kind, split.spans


def test_equally_loud_voices_cannot_be_told_apart(voices, tmp_path):
    teacher, pupil = voices
    # A camera across the room: both voices the same, not far above the room's noise.
    mono = write(tmp_path / "mono.wav", teacher + pupil + noise(10, 0.012))
    split = split_speakers(find_voice(mono), Microphone.LAPEL, mono_wav=mono)
    assert split.method is None
    assert split.reason == (
        "The voices in this clip are all about as loud, so teacher and pupils cannot be told apart."
    )
    assert split.spans == ()
    assert split.teacher_seconds == split.pupil_seconds == 0.0
    assert split.teacher_share is None


def test_one_voice_far_above_the_floor_is_the_teacher(voices, tmp_path):
    teacher, _ = voices
    mono = write(tmp_path / "mono.wav", teacher + noise(11))
    speech = find_voice(mono)
    split = split_speakers(speech, Microphone.LAPEL, mono_wav=mono)
    assert split.method == "loudness"
    assert split.pupil_seconds == 0.0
    assert split.teacher_share == 1.0
    assert_well_formed(split, speech)


def test_camera_microphone_alone_never_guesses(lapel_left):
    stereo, mono, _, _ = lapel_left
    split = split_speakers(find_voice(mono), Microphone.NONE, mono_wav=mono, stereo_wav=stereo)
    assert split == SpeakerSplit(
        method=None,
        reason=(
            "This clip was recorded with the camera's microphone alone, so teacher and pupils "
            "cannot be told apart."
        ),
        teacher_seconds=0.0,
        pupil_seconds=0.0,
        spans=(),
    )
    assert split.teacher_share is None


def test_nothing_said(tmp_path):
    silent = write(tmp_path / "silent.wav", noise(12))
    for microphone in (Microphone.LAPEL, Microphone.LAPEL_LEFT):
        split = split_speakers((), microphone, mono_wav=silent)
        assert split.method is None and split.spans == ()
        assert "No talk" in split.reason
    assert split_speakers([(0.0, 1.0)], Microphone.LAPEL, mono_wav=None).method is None


def test_values():
    assert [m.value for m in Microphone] == ["none", "lapel", "lapel_left", "lapel_right"]
    assert Microphone("lapel_left") is Microphone.LAPEL_LEFT


# --- extract_channels ----------------------------------------------------------------------


def test_extract_channels_keeps_left_and_right(tmp_path, run_ffmpeg):
    t = np.arange(2 * 48_000) / 48_000
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    source = tmp_path / "source.wav"
    with wave.open(str(source), "wb") as writer:
        writer.setnchannels(2)
        writer.setsampwidth(2)
        writer.setframerate(48_000)
        pairs = np.stack((tone, np.zeros_like(tone)), axis=1)
        writer.writeframes((pairs * 32767).astype("<i2").tobytes())
    clip = tmp_path / "clip.mp4"
    run_ffmpeg("-i", source, "-c:a", "aac", "-b:a", "128k", clip)
    dst = tmp_path / "channels.wav"
    assert extract_channels(clip, dst) == str(dst)
    with wave.open(str(dst), "rb") as reader:
        assert (reader.getnchannels(), reader.getframerate(), reader.getsampwidth()) == (
            2,
            _RATE,
            2,
        )
    left, right = read_stereo(dst)
    assert np.sqrt(np.mean(left**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)
    assert np.sqrt(np.mean(right**2)) < 0.003
    assert not list(tmp_path.glob("*.part*"))


def test_extract_channels_takes_front_left_and_right_of_surround(tmp_path, run_ffmpeg):
    t = np.arange(48_000) / 48_000
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    silent = np.zeros_like(tone)
    # 5.1: FL FR FC LFE BL BR. Only the centre and the right are loud, differently.
    channels = np.stack((silent, tone, tone * 2, silent, silent, silent), axis=1)
    source = tmp_path / "surround.wav"
    with wave.open(str(source), "wb") as writer:
        writer.setnchannels(6)
        writer.setsampwidth(2)
        writer.setframerate(48_000)
        writer.writeframes((np.clip(channels, -1, 1) * 32767).astype("<i2").tobytes())
    dst = tmp_path / "channels.wav"
    assert extract_channels(source, dst) == str(dst)
    left, right = read_stereo(dst)
    assert np.sqrt(np.mean(left**2)) < 0.003  # no centre mixed in
    assert np.sqrt(np.mean(right**2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.1)


def test_extract_channels_of_mono_is_none(tmp_path):
    mono = write(tmp_path / "mono.wav", noise(13))
    dst = tmp_path / "channels.wav"
    assert extract_channels(mono, dst) is None
    assert not dst.exists()


def test_extract_channels_of_a_damaged_file(tmp_path, lapel_left, run_ffmpeg):
    junk = tmp_path / "notes.mp4"
    junk.write_text("This is not a video, it is a lesson plan.\n" * 50)
    dst = tmp_path / "channels.wav"
    with pytest.raises(MediaError) as caught:
        extract_channels(junk, dst)
    assert caught.value.reason.endswith(".")
    assert not dst.exists()
    assert not list(tmp_path.glob("*.part*"))

    # A real stereo clip cut short in the upload.
    stereo, _, _, _ = lapel_left
    clip = tmp_path / "clip.mp4"
    run_ffmpeg("-i", stereo, "-c:a", "aac", clip)  # the index written last, at the end
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(clip.read_bytes()[: clip.stat().st_size // 2])
    with pytest.raises(MediaError) as caught:
        extract_channels(broken, dst)
    assert "incomplete" in caught.value.reason
    assert not dst.exists()
    assert not list(tmp_path.glob("*.part*"))
