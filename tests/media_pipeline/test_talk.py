"""Talk analytics: constructed transcripts, classroom questions, and real speech with gaps."""

import wave
from pathlib import Path

import numpy as np
import pytest

from media_pipeline import (
    Span,
    TalkOptions,
    Transcript,
    VoiceOptions,
    analyse_talk,
    ffmpeg_binary,
    find_voice,
    is_question,
    split_sentences,
    transcribe,
)
from tests.talk_transcripts import make

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def assert_covers(timeline: tuple[Span, ...], duration: float) -> None:
    """The strip starts at 0, ends at duration, and each span starts where the last ended."""
    assert timeline[0].start == 0.0
    assert timeline[-1].end == duration
    for before, after in zip(timeline, timeline[1:], strict=False):
        assert before.end == after.start
        assert before.kind != after.kind
    assert all(span.end > span.start for span in timeline)


# 0-1.0 "Why do you think that?" (gaps of 0.2 s inside), 4.0 s wait, 5.0-6.0 answer,
# 1.0 s gap, 7.0-8.0 a statement, 2.5 s silence to the end at 10.5.
LESSON = make(
    10.5,
    [(0.0, 0.2, "Why"), (0.3, 0.5, "do"), (0.6, 0.7, "you"), (0.8, 0.9, "think"),
     (0.9, 1.0, "that?")],
    [(5.0, 5.4, "Because"), (5.5, 6.0, "it's dark.")],
    [(7.0, 7.3, "Good,"), (7.4, 8.0, "thanks.")],
)  # fmt: skip


def test_speech_and_silence_shares():
    stats = analyse_talk(LESSON)
    assert stats.duration == 10.5
    assert stats.speech_seconds == pytest.approx(3.0)
    assert stats.silence_seconds == pytest.approx(7.5)
    assert stats.speech_share == pytest.approx(3.0 / 10.5)


def test_short_pause_is_a_setting():
    # With pause=0.05 the 0.1 s gaps between words are silence too.
    stats = analyse_talk(LESSON, TalkOptions(pause=0.05))
    assert stats.speech_seconds == pytest.approx(0.2 + 0.2 + 0.1 + 0.2 + 0.4 + 0.5 + 0.3 + 0.6)


def test_longest_stretch_ends_at_a_long_silence():
    stats = analyse_talk(LESSON)
    # 5.0-6.0 and 7.0-8.0 are 1.0 s apart, under break_after, so they are one stretch.
    stretch = stats.longest_stretch
    assert (stretch.start, stretch.end, stretch.seconds) == (5.0, 8.0, pytest.approx(3.0))
    # With a lower threshold the 1.0 s gap breaks it; the first 1.0 s stretch wins the tie.
    stretch = analyse_talk(LESSON, TalkOptions(break_after=1.0)).longest_stretch
    assert (stretch.start, stretch.end) == (0.0, 1.0)


def test_questions_and_waits():
    transcript = make(
        20.0,
        [(0.0, 0.5, "What"), (0.5, 1.0, "happens"), (1.0, 1.5, "next?")],
        [(4.5, 5.0, "The"), (5.0, 5.5, "wolf.")],
        [(6.0, 6.5, "Can"), (6.5, 6.8, "you"), (6.8, 7.0, "say"), (7.0, 7.5, "more")],
        [(8.5, 9.0, "It"), (9.0, 9.5, "runs.")],
        [(10.0, 10.5, "How"), (10.5, 11.0, "lovely.")],
        [(12.0, 12.5, "Who"), (12.5, 13.0, "agrees?")],
    )
    stats = analyse_talk(transcript)
    assert [q.text for q in stats.questions] == [
        "What happens next?",
        "Can you say more",
        "Who agrees?",
    ]
    assert [q.wait for q in stats.questions] == [pytest.approx(3.0), pytest.approx(1.0), None]
    assert stats.median_wait == pytest.approx(2.0)
    assert stats.question_marks == (0.0, 6.0, 12.0)
    assert (stats.questions[1].start, stats.questions[1].end) == (6.0, 7.5)


def test_words_per_minute():
    stats = analyse_talk(LESSON)
    assert stats.words == 9
    assert stats.words_per_minute_speaking == pytest.approx(9 * 60 / 3.0)
    assert stats.words_per_minute_overall == pytest.approx(9 * 60 / 10.5)


def test_timeline_covers_the_clip():
    stats = analyse_talk(LESSON)
    assert_covers(stats.timeline, 10.5)
    assert [(s.start, s.end, s.kind) for s in stats.timeline] == [
        (0.0, 1.0, "speech"),
        (1.0, 5.0, "silence"),
        (5.0, 6.0, "speech"),
        (6.0, 7.0, "silence"),
        (7.0, 8.0, "speech"),
        (8.0, 10.5, "silence"),
    ]


def test_no_speech():
    for transcript in (make(0.0), make(12.0), Transcript("", 12.0, ())):
        stats = analyse_talk(transcript)
        assert stats.speech_seconds == 0.0
        assert stats.speech_share == 0.0
        assert stats.questions == ()
        assert stats.median_wait is None
        assert stats.longest_stretch is None
        assert stats.words_per_minute_speaking == 0.0
        if transcript.duration:
            assert stats.silence_seconds == transcript.duration
            assert stats.timeline == (Span(0.0, transcript.duration, "silence"),)
        else:
            assert stats.timeline == ()


def test_overlapping_unsorted_empty_and_stray_words():
    transcript = make(
        6.0,
        [(3.0, 4.0, "later."), (1.0, 2.5, "Is"), (2.0, 2.6, "it"), (2.6, 2.6, " "),
         (2.4, 2.9, "ready?")],
        [(-1.0, 0.5, "Before."), (5.5, 9.0, "after")],
    )  # fmt: skip
    stats = analyse_talk(transcript)
    assert stats.words == 6  # the blank word is ignored
    # Clamped into 0..6: 0-0.5, 1.0-2.9 and 3.0-4.0 join (0.1 s gap), 5.5-6.0.
    assert stats.speech_seconds == pytest.approx(0.5 + 3.0 + 0.5)
    assert_covers(stats.timeline, 6.0)
    question = stats.questions[0]
    assert (question.text, question.start, question.end) == ("Is it ready?", 1.0, 2.9)
    assert question.wait == pytest.approx(0.1)


def test_overlapping_answer_gives_no_wait():
    transcript = make(3.0, [(0.0, 1.0, "Why?")], [(0.8, 1.5, "Because.")])
    assert analyse_talk(transcript).questions[0].wait == 0.0


def test_sentences_split_and_join_across_segments():
    transcript = make(
        10.0,
        [(0.0, 0.5, "Pens"), (0.5, 1.0, "down."), (1.2, 1.5, "Who"), (1.5, 2.0, "can")],
        [(2.1, 2.5, "tell"), (2.5, 3.0, "me?")],
        [(5.0, 5.5, "Right")],
        [(5.6, 6.0, "Let's"), (6.0, 6.5, "go")],
    )
    sentences = split_sentences(transcript.segments)
    assert [(s.text, s.start, s.end) for s in sentences] == [
        ("Pens down.", 0.0, 1.0),
        ("Who can tell me?", 1.2, 3.0),
        ("Right", 5.0, 5.5),
        ("Let's go", 5.6, 6.5),
    ]


QUESTIONS = [
    "why do you think the author chose that word",
    "can someone tell me what a noun is",
    "what happens next",
    "What do you think?",
    "what do you think the character feels here",
    "how do you know",
    "how many sides does a hexagon have",
    "Who can tell me the answer?",
    "who knows what photosynthesis means",
    "which word is the verb",
    "where does the water go",
    "when did the war end",
    "why",
    "could you explain that again",
    "would you like to add anything",
    "will you read the next paragraph for us",
    "do you agree with Sam",
    "does anyone have a different idea",
    "did you get the same answer",
    "is that right",
    "are these two fractions equal",
    "was the giant really the villain",
    "have you finished",
    "tell me why you chose that",
    "tell me how you worked it out",
    "so what did you notice",
    "and why might that be",
    "right, who can give me an example",
    "okay what would happen if we doubled it",
    "Now, is there another way?",
    "You got eleven?",
    "how important is the setting",
    "I wonder why he did that",
    "what if the wolf had been kind",
    "explain how you know",
    "Isn't that interesting?",
    "whose turn is it",
]

NOT_QUESTIONS = [
    "what a brilliant answer",
    "What a great answer.",
    "when you have finished put your pens down",
    "When you have finished, put your pens down.",
    "how lovely",
    "How lovely.",
    "right, pens down",
    "I want you to think about this",
    "where you see a verb underline it",
    "what I want you to do is underline the nouns",
    "Do the first three questions.",
    "have a go at number two",
    "okay, eyes on me",
    "Well done, everyone.",
    "how interesting",
    "Is.",
    "so",
    "",
    "Turn to your partner and discuss.",
    "if you finish early, try the challenge",
    "great, thank you",
]


@pytest.mark.parametrize("sentence", QUESTIONS)
def test_questions_are_questions(sentence: str):
    assert is_question(sentence)


@pytest.mark.parametrize("sentence", NOT_QUESTIONS)
def test_statements_are_not_questions(sentence: str):
    assert not is_question(sentence)


# Three short LibriVox sentences, with silences of known length put between them.
_UTTERANCES = ("0880", "0930", "0890")
_GAPS = (3.0, 1.5)
_RATE = 16000


@pytest.fixture(scope="module")
def spaced_speech(tmp_path_factory: pytest.TempPathFactory, run_ffmpeg) -> tuple[Path, list[float]]:
    """Return a 16 kHz mono WAV of A, 3.0 s of silence, B, 1.5 s, C, and where A and B end.

    Each recording has a few hundred milliseconds of room noise before and after the voice
    (about -38 dB; silencedetect finds 0.2-0.4 s at each end), which would add to the gap we
    insert. So each is first trimmed at both ends with silenceremove (-35 dB, reversed for
    the tail; start_duration skips the short clicks some have before the voice), and the
    silences are written as digital zeros, sample-exact, so the gap between the voices is
    what we say it is.
    """
    if not (LIBRIVOX / "fileids").is_file():
        pytest.skip("needs Debian's pocketsphinx-testdata (real speech with a transcription)")
    folder = tmp_path_factory.mktemp("spaced")
    trim = "silenceremove=start_periods=1:start_duration=0.05:start_threshold=-35dB"
    frames = []
    for file_id in _UTTERANCES:
        trimmed = folder / f"{file_id}.wav"
        run_ffmpeg(
            *("-i", LIBRIVOX / f"sense_and_sensibility_01_austen_64kb-{file_id}.wav"),
            *("-af", f"{trim},areverse,{trim},areverse"),
            *("-ac", "1", "-ar", str(_RATE), "-c:a", "pcm_s16le", trimmed),
        )
        with wave.open(str(trimmed), "rb") as reader:
            frames.append(reader.readframes(reader.getnframes()))
    path = folder / "spaced.wav"
    boundaries = []
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(_RATE)
        written = 0
        for n, data in enumerate(frames):
            writer.writeframes(data)
            written += len(data) // 2
            if n < len(_GAPS):
                boundaries.append(written / _RATE)
                silence = round(_GAPS[n] * _RATE)
                writer.writeframes(b"\0\0" * silence)
                written += silence
    return path, boundaries


def test_inserted_silences_measured_within_0_3_seconds(spaced_speech):
    assert ffmpeg_binary()  # the clip above was made with the bundled ffmpeg
    path, boundaries = spaced_speech
    transcript = transcribe(path)
    assert len([w for segment in transcript.segments for w in segment.words]) > 15
    stats = analyse_talk(transcript, voice=find_voice(path))
    silences = [span for span in stats.timeline if span.kind == "silence"]
    for boundary, inserted in zip(boundaries, _GAPS, strict=True):
        # The silence that follows the last word before the boundary.
        silence = min(silences, key=lambda span: abs(span.start - boundary))
        assert silence.start == pytest.approx(boundary, abs=0.3), stats.timeline
        assert silence.end - silence.start == pytest.approx(inserted, abs=0.3), stats.timeline
    # Only the 3.0 s silence reaches break_after, so the longest stretch is B and C together.
    assert stats.longest_stretch is not None
    assert stats.longest_stretch.start == pytest.approx(boundaries[0] + _GAPS[0], abs=0.3)
    assert 0 < stats.speech_share < 1


def test_voice_trims_words_that_run_over_a_pause(tmp_path):
    # One second of tone, two of digital silence, one of tone, quieter noise at the end.
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(_RATE) / _RATE)
    noise = np.random.default_rng(1).normal(0, 0.0005, _RATE)
    audio = np.concatenate((tone, np.zeros(2 * _RATE), tone, noise))
    path = tmp_path / "tones.wav"
    with wave.open(str(path), "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(_RATE)
        writer.writeframes((audio * 32767).astype("<i2").tobytes())
    voice = find_voice(path)
    assert voice == (pytest.approx((0.0, 1.0)), pytest.approx((3.0, 4.0)))
    # Whisper-like timings: "that?" runs on to 2.2 and "Yes" starts early at 2.6.
    transcript = make(
        5.0, [(0.0, 0.5, "Why"), (0.5, 2.2, "that?")], [(2.6, 3.5, "Yes"), (3.5, 4.6, "miss.")]
    )
    stats = analyse_talk(transcript, voice=voice)
    assert stats.questions[0].end == pytest.approx(1.0)
    assert stats.questions[0].wait == pytest.approx(2.0)
    assert stats.speech_seconds == pytest.approx(2.0)
    assert_covers(stats.timeline, 5.0)
    # Without the sound the same transcript shows a 0.4 s wait.
    assert analyse_talk(transcript).questions[0].wait == pytest.approx(0.4)
    assert find_voice(tmp_path / "tones.wav", VoiceOptions(margin_db=200)) == ()
