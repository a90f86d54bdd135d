"""Extract, transcribe and caption real speech with the bundled model, and survive bad sound."""

import os
import random
import re
import warnings
import wave
from pathlib import Path

import av
import jiwer
import pytest

from media_pipeline import (
    AudioTrack,
    DamagedAudio,
    MediaError,
    ModelLoadError,
    Segment,
    Transcript,
    WhisperOptions,
    Word,
    extract_audio,
    load_model,
    to_text,
    to_webvtt,
    transcribe,
)

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")

# Whisper writes "Mr." and "cold-hearted" where the LibriVox reference says "mister" and
# "cold hearted"; spelling conventions are not recognition errors.
_SPELLINGS = {"mr": "mister", "mrs": "missus", "dr": "doctor"}


def normalise(text: str) -> str:
    """Lower-case, split hyphenated words, drop punctuation, spell out titles."""
    words = re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split()
    return " ".join(_SPELLINGS.get(word, word) for word in words)


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory, run_ffmpeg) -> tuple[Path, str]:
    """Return a small H.264/AAC MP4 of the LibriVox sentences in order, and what they say."""
    if not (LIBRIVOX / "fileids").is_file():
        pytest.skip("needs Debian's pocketsphinx-testdata (real speech with a transcription)")
    ids = (LIBRIVOX / "fileids").read_text().split()
    # Lines read "<s> words </s> (file-id)".
    said = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        match = re.fullmatch(r"\s*<s>(.*)</s>\s*\((\S+)\)\s*", line)
        if match:
            said[match[2]] = match[1].strip()
    reference = " ".join(said[file_id] for file_id in ids)

    clip = tmp_path_factory.mktemp("speech") / "speech.mp4"
    inputs = [arg for file_id in ids for arg in ("-i", LIBRIVOX / f"{file_id}.wav")]
    joined = "".join(f"[{n + 1}:a]" for n in range(len(ids))) + f"concat=n={len(ids)}:v=0:a=1[a]"
    # As a phone would record it: 48 kHz stereo AAC under H.264, so extraction has to
    # downmix and resample back to 16 kHz mono.
    run_ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15", *inputs),
        *("-filter_complex", joined, "-map", "0:v", "-map", "[a]", "-shortest"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"),
        *("-c:a", "aac", "-ac", "2", "-ar", "48000", "-movflags", "+faststart", clip),
    )
    return clip, reference


@pytest.fixture(scope="module")
def heard(speech, tmp_path_factory) -> tuple[AudioTrack, Transcript, list[float]]:
    """Extract and transcribe the speech clip once, recording the progress reported."""
    track = extract_audio(speech[0], tmp_path_factory.mktemp("heard") / "speech.wav")
    assert track is not None
    progress: list[float] = []
    return track, transcribe(track.path, on_progress=progress.append), progress


def test_extracts_16khz_mono_pcm(heard, speech):
    track = heard[0]
    with wave.open(track.path, "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        assert wav.getnframes() == track.samples
    assert track.duration == pytest.approx(track.samples / 16000)
    with av.open(os.fspath(speech[0])) as container:
        audio = container.streams.audio[0]
        assert track.duration == pytest.approx(float(audio.duration * audio.time_base), abs=0.05)
    assert os.listdir(os.path.dirname(track.path)) == ["speech.wav"]  # no .part left behind


def test_word_error_rate_under_15_percent(heard, speech):
    transcript = heard[1]
    error_rate = jiwer.wer(normalise(speech[1]), normalise(transcript.text))
    assert error_rate < 0.15, f"WER {error_rate:.1%}: {transcript.text!r}"
    assert transcript.language == "en"


def test_segments_in_order_inside_the_clip(heard):
    track, transcript, _ = heard
    assert transcript.duration == pytest.approx(track.duration)
    assert len(transcript.segments) >= 3
    previous_end = 0.0
    for index, segment in enumerate(transcript.segments):
        assert segment.index == index
        assert previous_end <= segment.start < segment.end <= transcript.duration
        assert segment.text == segment.text.strip() and segment.text
        assert segment.words
        for word in segment.words:
            assert segment.start <= word.start <= word.end <= segment.end
            assert 0.0 <= word.probability <= 1.0
        previous_end = segment.end


def test_plain_python_values(heard):
    # Numpy floats would break JSON in job meta and SQLAlchemy parameters downstream.
    transcript = heard[1]
    assert type(transcript.duration) is float
    for segment in transcript.segments:
        assert {type(segment.start), type(segment.end)} == {float}
        assert type(segment.text) is str and type(segment.words) is tuple
        for word in segment.words:
            assert [type(v) for v in (word.start, word.end, word.probability)] == [float] * 3
            assert type(word.text) is str and word.text == word.text.strip()


def test_progress_rises_and_ends_at_one(heard):
    progress = heard[2]
    assert progress[-1] == 1.0 and progress.count(1.0) == 1
    assert progress == sorted(progress)
    assert all(0.0 < fraction <= 1.0 for fraction in progress)


def test_reads_other_audio_formats(tmp_path, run_ffmpeg):
    # Not 16 kHz mono: transcribe falls back to faster-whisper's own decoder and resampler.
    if not LIBRIVOX.is_dir():
        pytest.skip("needs Debian's pocketsphinx-testdata")
    src = tmp_path / "stereo.wav"
    one = LIBRIVOX / "sense_and_sensibility_01_austen_64kb-0930.wav"
    run_ffmpeg("-i", one, "-ac", "2", "-ar", "44100", src)
    transcript = transcribe(src)
    assert normalise(transcript.text) == "he might even have been made amiable himself"
    assert transcript.duration == pytest.approx(3.29, abs=0.05)


def test_silent_clip_gives_an_empty_transcript(out_dir, run_ffmpeg, tmp_path):
    src = tmp_path / "silent.mp4"
    run_ffmpeg(
        *("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=15:duration=4"),
        *("-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo", "-t", "4"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", src),
    )
    track = extract_audio(src, out_dir / "silent.wav")
    assert track is not None and track.samples == pytest.approx(4 * 16000, abs=1600)
    progress: list[float] = []
    transcript = transcribe(track.path, on_progress=progress.append)
    assert transcript.segments == () and transcript.text == ""
    assert progress == [1.0]


def test_clip_without_sound_has_no_audio_track(clip, out_dir):
    assert extract_audio(clip("mute.mp4", acodec=None), out_dir / "mute.wav") is None
    assert os.listdir(out_dir) == []


def test_audio_stream_with_no_packets_is_no_speech(speech, out_dir, tmp_path):
    # A track the container declares but that holds no sound at all (a recorder that died,
    # a broken edit): zero samples, then an empty transcript, never an exception.
    src = tmp_path / "hollow.mkv"
    with av.open(os.fspath(speech[0])) as source, av.open(os.fspath(src), "w") as out:
        video = out.add_stream_from_template(source.streams.video[0])
        out.add_stream_from_template(source.streams.audio[0])
        for packet in source.demux(source.streams.video[0]):
            if packet.dts is not None:
                packet.stream = video
                out.mux(packet)
    track = extract_audio(src, out_dir / "hollow.wav")
    assert track is not None and track.samples == 0 and track.duration == 0.0
    for given in (track, track.path):
        progress: list[float] = []
        transcript = transcribe(given, on_progress=progress.append)
        assert transcript == Transcript(language="en", duration=0.0, segments=())
        assert progress == [1.0]


def corrupt_audio(src: Path, dst: Path, every: int) -> None:
    """Copy `src` with the bytes of every `every`-th audio packet replaced by noise."""
    with av.open(os.fspath(src)) as container:
        spans = [
            (packet.pos, packet.size)
            for packet in container.demux(container.streams.audio[0])
            if packet.size and packet.pos is not None and packet.pos >= 0
        ]
    data = bytearray(src.read_bytes())
    noise = random.Random(7)
    for pos, size in spans[::every]:
        data[pos : pos + size] = noise.randbytes(size)
    dst.write_bytes(data)


def test_undecodable_audio_is_damaged_audio(speech, out_dir, tmp_path):
    # Every AAC packet is noise: ffmpeg gives up (its decode error rate passes 2/3), where
    # faster-whisper's own decoder would quietly return no samples at all.
    src = tmp_path / "noise.mp4"
    corrupt_audio(speech[0], src, every=1)
    with pytest.raises(DamagedAudio) as caught:
        extract_audio(src, out_dir / "noise.wav")
    assert isinstance(caught.value, MediaError)
    assert "sound in this video could not be read" in caught.value.reason
    assert "ffmpeg exited" in caught.value.detail
    assert os.listdir(out_dir) == []


def test_partly_damaged_audio_keeps_what_decodes(speech, out_dir, tmp_path):
    src = tmp_path / "crackle.mp4"
    # One packet in four is noise. Some of that noise decodes into a frame of dozens of
    # channels, which makes ffmpeg's downmix fail outright; what decoded must still come back.
    corrupt_audio(speech[0], src, every=4)
    track = extract_audio(src, out_dir / "crackle.wav")
    assert track is not None and 0 < track.samples < 24 * 16000
    assert os.listdir(out_dir) == ["crackle.wav"]
    transcript = transcribe(track)
    assert all(0.0 <= s.start <= s.end <= transcript.duration for s in transcript.segments)


def test_model_is_loaded_once():
    first = load_model(WhisperOptions())
    assert load_model(WhisperOptions(language=None, beam_size=1)) is first
    assert load_model(WhisperOptions(model="tiny.en", compute_type="int8")) is first


@pytest.mark.parametrize(
    ("model", "says"),
    [
        ("/no/such/model", "'/no/such/model': no such folder"),
        ("no-such-model", "Invalid model size 'no-such-model'"),
        ("empty", "no tokenizer.json"),
        ("garbage", "RuntimeError"),
    ],
)
def test_bad_model_is_a_model_load_error(model: str, says: str, tmp_path):
    if model in ("empty", "garbage"):
        folder = tmp_path / model
        folder.mkdir()
        if model == "garbage":
            (folder / "tokenizer.json").write_text("{}")
            (folder / "model.bin").write_bytes(b"not a model")
        model = os.fspath(folder)
    with pytest.raises(ModelLoadError, match=re.escape(says)) as caught:
        load_model(WhisperOptions(model=model))
    assert not isinstance(caught.value, MediaError)
    assert model in str(caught.value)


def test_forked_child_is_told_not_left_hanging():
    # CTranslate2 hangs for ever in a child forked after a model was loaded; load_model says
    # so instead. The child leaves by os._exit, as RQ's work horse does: a normal exit would
    # hang in CTranslate2's own clean-up.
    load_model(WhisperOptions())
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns about forking a process that has threads; that is the point.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            load_model(WhisperOptions())
            message = b"loaded"
        except ModelLoadError as exc:
            message = str(exc).encode()
        os.write(write_end, message)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    assert "before this process was forked" in message


def _segment(index: int, start: float, end: float, text: str) -> Segment:
    return Segment(index=index, start=start, end=end, text=text, words=())


CONSTRUCTED = Transcript(
    language="en",
    duration=3725.0,
    segments=(
        _segment(0, 0.0, 2.5, "Eyes on me, please."),
        _segment(1, 59.9996, 61.25, "Is 3 < 5 & 7 > 2? Yes --> so now we can move on."),
        _segment(
            2,
            3661.042,
            3668.5,
            "Turn to your partner and explain why the angles in a triangle add up to one "
            "hundred and eighty degrees.",
        ),
    ),
)


def test_webvtt_exact():
    assert to_webvtt(CONSTRUCTED) == (
        "WEBVTT\n"
        "\n"
        "0\n"
        "00:00:00.000 --> 00:00:02.500\n"
        "Eyes on me, please.\n"
        "\n"
        "1\n"
        "00:01:00.000 --> 00:01:01.250\n"
        # Wrapped at 42 characters as a viewer sees them, before escaping.
        "Is 3 &lt; 5 &amp; 7 &gt; 2? Yes --&gt; so now we can\n"
        "move on.\n"
        "\n"
        "2\n"
        "01:01:01.042 --> 01:01:08.500\n"
        "Turn to your partner and explain why the\n"
        "angles in a triangle add up to one hundred\n"
        "and eighty degrees.\n"
    )


def test_text_exact():
    assert to_text(CONSTRUCTED) == (
        "[00:00] Eyes on me, please.\n"
        "[00:59] Is 3 < 5 & 7 > 2? Yes --> so now we can move on.\n"
        "[1:01:01] Turn to your partner and explain why the angles in a triangle add up to "
        "one hundred and eighty degrees.\n"
    )


def test_empty_transcript_captions():
    empty = Transcript(language="en", duration=10.0, segments=())
    assert to_webvtt(empty) == "WEBVTT\n"
    assert to_text(empty) == ""


def test_transcript_text_and_words_are_values():
    word = Word(start=0.0, end=0.4, text="Eyes", probability=0.9)
    segment = Segment(index=0, start=0.0, end=2.5, text="Eyes on me.", words=(word,))
    assert Transcript("en", 3.0, (segment, _segment(1, 2.6, 3.0, "Thanks."))).text == (
        "Eyes on me. Thanks."
    )
    with pytest.raises(AttributeError):
        segment.text = "changed"  # type: ignore[misc]
