"""Talk analytics from a transcript: speech and silence, talk stretches, questions, wait time.

Pure arithmetic on the word timings that `transcribe` returns; nothing here hears the audio,
so "speech" means "a word was transcribed" and cannot tell the teacher from the pupils.
"""

from __future__ import annotations

import os
import re
import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .audio import SAMPLE_RATE, wav_frame_power
from .transcribe import Segment, Transcript


@dataclass(frozen=True)
class TalkOptions:
    """Thresholds, in seconds, for what counts as a pause and what ends a talk stretch."""

    pause: float = 0.5  # gaps between words shorter than this are part of the speech
    break_after: float = 2.0  # a silence at least this long ends an uninterrupted stretch


@dataclass(frozen=True)
class VoiceOptions:
    """How find_voice tells voice from room noise in the clip's sound."""

    frame: float = 0.02  # seconds of sound per loudness measurement
    margin_db: float = 12.0  # voice is this much louder than the noise floor
    lowest_floor_db: float = -70.0  # digital silence counts as a floor this loud
    min_silence: float = 0.2  # quieter gaps shorter than this are within a word or phrase


@dataclass(frozen=True)
class Sentence:
    """One sentence of the transcript, timed from its first word's start to its last's end."""

    text: str
    start: float
    end: float


@dataclass(frozen=True)
class Question:
    """A question asked, and the silence after it before anyone spoke (None: nothing did)."""

    start: float
    end: float
    text: str
    wait: float | None


@dataclass(frozen=True)
class Stretch:
    """The longest run of talk with no silence of `break_after` seconds or more in it."""

    start: float
    end: float
    seconds: float


@dataclass(frozen=True)
class Span:
    """A piece of the timeline strip: "speech" or "silence"."""

    start: float
    end: float
    kind: str


@dataclass(frozen=True)
class TalkStats:
    """The talk figures for one clip."""

    duration: float
    speech_seconds: float
    silence_seconds: float
    speech_share: float  # speech_seconds / duration; 0.0 for an empty clip
    longest_stretch: Stretch | None  # None when nothing was said
    questions: tuple[Question, ...]
    median_wait: float | None  # None when no question was followed by speech
    words: int
    words_per_minute_speaking: float  # words over speech_seconds
    words_per_minute_overall: float  # words over the whole clip, silences included
    timeline: tuple[Span, ...]  # covers 0..duration exactly, in order, without overlaps
    question_marks: tuple[float, ...]  # start times of the questions, for the strip


# --- question detection ------------------------------------------------------------------
#
# Whisper usually punctuates, so a final "?" is the strongest signal and settles it. The
# stems below catch questions it left unpunctuated, and the exceptions keep out the
# statements that share those stems in a classroom: exclamations ("What a great answer",
# "How lovely") and subordinate clauses leading into an instruction ("When you have
# finished, put your pens down", "What I want you to do is..."). A question inverts, so a
# wh-word directly followed by a subject pronoun is a clause, not a question.
#
# "I wonder why/whether/what..." counts as a question: in a classroom it is an invitation
# to answer, said to the class, and it is followed by the same wait as a direct question.

_LEAD_INS = {
    "so", "and", "right", "okay", "ok", "now", "well", "but", "then", "alright", "um",
    "uh", "erm", "er", "oh", "yes", "no", "good", "great", "hmm",
}  # fmt: skip
_WH = {"who", "what", "when", "where", "why", "which", "how", "whose", "whom"}
_AUX = {
    "can", "could", "would", "will", "should", "shall", "may", "might", "do", "does", "did",
    "is", "are", "was", "were", "have", "has", "had", "am", "isn't", "aren't", "don't",
    "doesn't", "didn't", "can't", "won't", "wouldn't", "couldn't", "haven't", "hasn't",
}  # fmt: skip
_PEOPLE = {
    "you", "we", "i", "they", "he", "she", "it", "someone", "somebody", "anyone", "anybody",
    "everyone", "everybody", "people",
}  # fmt: skip
# Who an auxiliary-first sentence may be asking about; "Do the first three" is an order.
_SUBJECTS = _PEOPLE | {
    "this", "that", "these", "those", "there", "the",
    "a", "an", "your", "our", "my", "his", "her", "their", "its", "all",
}  # fmt: skip
# Subject pronouns: a wh-word straight before one opens a clause ("when you have finished").
_CLAUSE_SUBJECTS = {"you", "we", "i", "they", "he", "she", "it", "everyone", "everybody"}
# Words after "how" that make a question; any other ("how lovely") is an exclamation unless
# an auxiliary follows it ("how important is this").
_HOW_NEXT = _AUX | {"many", "much", "long", "often", "far", "old", "come", "about", "else"}
_ASK_VERBS = {"tell", "explain", "show"}  # "tell me why..." prompts an answer
_WONDER = {"if", "whether"} | _WH


def is_question(sentence: str) -> bool:
    """Say whether a transcribed sentence asks something (see the rules above)."""
    text = sentence.strip().rstrip("\"'”’ )")
    if text.endswith("?"):
        return True
    words = re.findall(r"[a-z']+", text.lower().replace("’", "'"))
    while words and words[0] in _LEAD_INS:
        words = words[1:]
    if words[:2] == ["all", "right"]:
        words = words[2:]
    if not words:
        return False
    first, rest = words[0], words[1:]
    second = rest[0] if rest else ""
    if first in _WH:
        if first == "what" and second in {"a", "an"}:
            return False
        if second in _CLAUSE_SUBJECTS:
            return False
        if first == "how" and second not in _HOW_NEXT:
            return len(rest) > 1 and rest[1] in _AUX
        return True
    if first in {"do", "have"}:
        # Also orders ("Do the first three", "Have a go"): ask only of a person.
        return second in _PEOPLE
    if first in _AUX:
        return second in _SUBJECTS
    if first in _ASK_VERBS:
        # "tell me why...", "explain how...", "show us where...": who is told may be left out.
        asked = [w for w in rest[:3] if w not in {"me", "us", "to", "all"}]
        return bool(asked) and asked[0] in _WONDER
    if first == "i" and second == "wonder":
        return len(rest) > 1 and rest[1] in _WONDER
    return False


# --- sentences -----------------------------------------------------------------------------

_TERMINAL = re.compile(r"[.?!…][\"'”’)]*$")
# A segment ends a sentence unless the next one carries straight on: starts in lower case
# within this many seconds.
_CARRY_ON_GAP = 1.0


@dataclass(frozen=True)
class _Word:
    start: float
    end: float
    text: str
    ends_segment: bool  # the last word of its segment


def split_sentences(segments: Iterable[Segment], duration: float | None = None) -> list[Sentence]:
    """Split segments into sentences at ., ? and !, timed by their words.

    Whisper's segments may hold several sentences or cut one in two; punctuation on the
    words decides, and a segment boundary ends a sentence too unless the next segment
    carries straight on in lower case. Segments without words are taken whole.
    """
    return [sentence for sentence, _ in _sentences(_clean_words(segments, duration))]


def _clean_words(segments: Iterable[Segment], duration: float | None) -> list[_Word]:
    limit = float("inf") if duration is None else max(duration, 0.0)
    words: list[_Word] = []
    for segment in segments:
        given = [w for w in segment.words if w.text.strip()]
        if not given and segment.text.strip():
            pieces = [(segment.start, segment.end, segment.text.strip())]
        else:
            pieces = [(w.start, w.end, w.text.strip()) for w in given]
        for n, (start, end, text) in enumerate(pieces):
            start = min(max(float(start), 0.0), limit)
            end = min(max(float(end), start), limit)
            words.append(_Word(start, end, text, n == len(pieces) - 1))
    # Stable, so words with equal starts keep the order they were said in.
    words.sort(key=lambda w: w.start)
    return words


def _sentences(words: Sequence[_Word]) -> list[tuple[Sentence, int]]:
    """Return each sentence with the index of its last word in `words`."""
    found: list[tuple[Sentence, int]] = []
    first = 0
    for n, word in enumerate(words):
        following = words[n + 1] if n + 1 < len(words) else None
        ends = following is None or bool(_TERMINAL.search(word.text))
        if not ends and word.ends_segment:
            carries_on = following.text[:1].islower() and following.start - word.end < _CARRY_ON_GAP
            ends = not carries_on
        if ends:
            part = words[first : n + 1]
            text = " ".join(w.text for w in part)
            end = max(w.end for w in part)
            found.append((Sentence(text=text, start=part[0].start, end=end), n))
            first = n + 1
    return found


# --- analysis ------------------------------------------------------------------------------


def find_voice(
    wav_path: str | os.PathLike[str],
    options: VoiceOptions = VoiceOptions(),
) -> tuple[tuple[float, float], ...]:
    """Return the (start, end) seconds where the sound is louder than the room's noise.

    The noise floor is the 5th percentile of the frame levels, so it follows the room and
    the recording's gain rather than a fixed level; a clip of almost nothing but talk
    gets a floor inside its speech, and then trims more of the quiet word edges.
    """
    size = max(round(SAMPLE_RATE * options.frame), 1)
    power = wav_frame_power(wav_path, size)
    count = len(power)
    if count == 0:
        return ()
    level = 10 * np.log10(power + 1e-12)
    floor = max(float(np.percentile(level, 5)), options.lowest_floor_db)
    loud = np.flatnonzero(level > floor + options.margin_db)
    if len(loud) == 0:
        return ()
    # Runs of consecutive loud frames, as (first, last + 1) frame numbers.
    breaks = np.flatnonzero(np.diff(loud) > 1)
    starts = np.concatenate(([loud[0]], loud[breaks + 1]))
    ends = np.concatenate((loud[breaks], [loud[-1]])) + 1
    runs = [
        (float(a) * size / SAMPLE_RATE, float(b) * size / SAMPLE_RATE)
        for a, b in zip(starts, ends, strict=True)
    ]
    return tuple(_merge(runs, options.min_silence))


def analyse_talk(
    transcript: Transcript,
    options: TalkOptions = TalkOptions(),
    voice: Sequence[tuple[float, float]] | None = None,
) -> TalkStats:
    """Measure speech, silence, the longest talk stretch, questions and wait times.

    `voice`, from find_voice on the same sound, sharpens the word timings: Whisper's word
    times (tiny.en's especially) stretch across pauses, a word before a silence ending a
    second or more late and the next starting early, which hides exactly the wait times
    we measure. Each word is cut to the voiced sound inside it; a word with none keeps
    its own times, since the transcript is then the only evidence of where it was.
    """
    duration = max(float(transcript.duration), 0.0)
    words = _clean_words(transcript.segments, duration)
    pieces = [(w.start, w.end) for w in words]
    if voice is not None:
        words, pieces = _fit_to_voice(words, voice)
    speech = _merge(pieces, options.pause)
    speech_seconds = sum(end - start for start, end in speech)
    silence_seconds = max(duration - speech_seconds, 0.0)

    stretches = _merge(speech, options.break_after)
    longest = None
    if stretches:
        start, end = max(stretches, key=lambda s: s[1] - s[0])  # max keeps the earliest tie
        longest = Stretch(start=start, end=end, seconds=end - start)

    questions = []
    for sentence, last in _sentences(words):
        if not is_question(sentence.text):
            continue
        # The wait is the silence before the next word anyone said; a word that overlaps
        # the question's end gives no wait at all.
        wait = max(words[last + 1].start - sentence.end, 0.0) if last + 1 < len(words) else None
        questions.append(Question(sentence.start, sentence.end, sentence.text, wait))
    waits = [q.wait for q in questions if q.wait is not None]

    count = len(words)
    return TalkStats(
        duration=duration,
        speech_seconds=speech_seconds,
        silence_seconds=silence_seconds,
        speech_share=speech_seconds / duration if duration > 0 else 0.0,
        longest_stretch=longest,
        questions=tuple(questions),
        median_wait=statistics.median(waits) if waits else None,
        words=count,
        words_per_minute_speaking=count * 60 / speech_seconds if speech_seconds > 0 else 0.0,
        words_per_minute_overall=count * 60 / duration if duration > 0 else 0.0,
        timeline=_timeline(speech, duration),
        question_marks=tuple(q.start for q in questions),
    )


def _fit_to_voice(
    words: Sequence[_Word], voice: Sequence[tuple[float, float]]
) -> tuple[list[_Word], list[tuple[float, float]]]:
    fitted: list[_Word] = []
    pieces: list[tuple[float, float]] = []
    for word in words:
        inside = [
            (max(word.start, start), min(word.end, end))
            for start, end in voice
            if start < word.end and end > word.start
        ]
        if not inside:
            inside = [(word.start, word.end)]
        pieces.extend(inside)
        fitted.append(_Word(inside[0][0], inside[-1][1], word.text, word.ends_segment))
    return fitted, pieces


def _merge(intervals: Iterable[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Union sorted-or-not intervals, joining those separated by less than `gap` seconds."""
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start - merged[-1][1] < gap:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged if end > start]


def _timeline(speech: Sequence[tuple[float, float]], duration: float) -> tuple[Span, ...]:
    spans: list[Span] = []
    at = 0.0
    for start, end in speech:
        if start > at:
            spans.append(Span(at, start, "silence"))
        spans.append(Span(start, end, "speech"))
        at = end
    if duration > at:
        spans.append(Span(at, duration, "silence"))
    return tuple(spans)
