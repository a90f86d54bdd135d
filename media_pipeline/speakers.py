"""An optional speaker split, teacher against pupils, from how the school mikes its teachers.

Nothing here recognises voices. A lapel microphone on the teacher is what makes the split
possible: on its own channel of a stereo recording the teacher is clearly louder there than
on the room's (camera's) microphone, and on a single track the teacher's voice is much louder
than the pupils'. Where neither holds we say that speakers cannot be told apart rather than
guess.
"""

from __future__ import annotations

import enum
import os
import wave
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .audio import SAMPLE_RATE, DamagedAudio, run_extraction, wav_frame_power
from .audio_only import probe_sound
from .files import check_out_dir, complete_or_nothing
from .frames import smooth_runs, windowed_percentile
from .probe import MediaInfo

TEACHER = "teacher"
PUPILS = "pupils"


class Microphone(enum.StrEnum):
    """How a school records its teachers."""

    NONE = "none"  # the camera's microphone alone: speakers cannot be told apart
    LAPEL = "lapel"  # the teacher wears a lapel microphone that records the whole track
    LAPEL_LEFT = "lapel_left"  # lapel on the left channel, the room (camera) microphone right
    LAPEL_RIGHT = "lapel_right"  # lapel on the right channel, the room microphone left


@dataclass(frozen=True)
class SpeakerOptions:
    """Thresholds for telling the teacher's talk from the pupils'. Levels are in dB."""

    frame: float = 0.02  # seconds of sound per loudness measurement, as find_voice
    # By channel: each frame counts the median difference between the channels over this
    # many seconds around it, so a knock on one microphone does not decide who spoke.
    channel_window: float = 0.3
    # By loudness: each frame's level is the 90th percentile of the frame levels over this
    # many seconds around it: syllables rise and fall by 20 dB or more, a speaker much less,
    # and a voice dying away at the end of a sentence is still that speaker's.
    loudness_window: float = 0.8
    # By channel: a frame is the teacher's when the lapel channel is at least this much
    # louder than the room channel.
    channel_margin_db: float = 6.0
    # Both channels within this much of each other for 90% of the speech: the "stereo" is a
    # single microphone copied twice, and the channels say nothing about who spoke.
    same_channels_db: float = 1.5
    # By loudness: two groups of levels count as two kinds of speaker only when their
    # typical (median) levels are at least this far apart ...
    groups_apart_db: float = 10.0
    # ... and each holds at least this share of the voiced frames (a cough is no speaker).
    least_group_share: float = 0.05
    # One group only: speech at least this far above the clip's noise floor is a voice close
    # to a lapel microphone, all the teacher's; anything quieter could be anyone.
    lapel_above_floor_db: float = 25.0
    # Frames this far above the noise floor are voiced; only they shape the two groups.
    voiced_db: float = 12.0
    lowest_floor_db: float = -70.0  # digital silence counts as a floor this loud
    # A run of teacher or pupil frames shorter than this joins its neighbours.
    min_run: float = 0.3


@dataclass(frozen=True)
class SpeakerSplit:
    """Who spoke when: the teacher or the pupils, or why that cannot be told."""

    method: str | None  # "channel", "loudness", or None when speakers cannot be told apart
    reason: str  # one sentence for the page: how the split was made, or why it was not
    teacher_seconds: float  # 0.0 when method is None
    pupil_seconds: float
    # (start, end, "teacher" | "pupils") over the speech only, in order, without overlaps,
    # touching runs of the same kind merged; () when method is None.
    spans: tuple[tuple[float, float, str], ...]

    @property
    def teacher_share(self) -> float | None:
        """Return the teacher's share of the talk; None when unsplit or nothing was said."""
        total = self.teacher_seconds + self.pupil_seconds
        if self.method is None or total <= 0:
            return None
        return self.teacher_seconds / total


# --- reasons, for teachers -----------------------------------------------------------------

_CAMERA_ONLY = (
    "This clip was recorded with the camera's microphone alone, so teacher and pupils "
    "cannot be told apart."
)
_NOTHING_SAID = (
    "No talk was heard in this clip, so there is nothing to split between teacher and pupils."
)
_BY_CHANNEL = (
    "The teacher's lapel microphone is on the {side} channel, so talk that is clearly louder "
    "there than on the camera's microphone is counted as the teacher's."
)
# The loudness results, each as a whole sentence and as the end of one that begins with why
# the channels could not be used.
_BY_LOUDNESS = (
    "The teacher's lapel microphone makes the teacher's voice much louder than the pupils', "
    "so the louder talk is counted as the teacher's.",
    "so the louder talk, the voice close to the teacher's lapel microphone, is counted as "
    "the teacher's.",
)
_ALL_TEACHER = (
    "All the talk in this clip is as loud as a voice right at the lapel microphone, so it "
    "is all counted as the teacher's.",
    "and all its talk is as loud as a voice right at the lapel microphone, so it is all "
    "counted as the teacher's.",
)
_ALL_ALIKE = (
    "The voices in this clip are all about as loud, so teacher and pupils cannot be told apart.",
    "and the voices in it are all about as loud, so teacher and pupils cannot be told apart.",
)
_ONE_CHANNEL = "This clip's sound has only one channel"
_SAME_CHANNELS = "Both channels of this clip carry the same sound"


def _say(sentence: tuple[str, str], why: str) -> str:
    return f"{why}, {sentence[1]}" if why else sentence[0]


# --- extracting the channels ---------------------------------------------------------------


def extract_channels(
    src: str | os.PathLike[str],
    dst_wav: str | os.PathLike[str],
    *,
    ffmpeg: str | None = None,
    info: MediaInfo | None = None,
) -> str | None:
    """Write the first audio stream of `src` as a 16 kHz two-channel 16-bit WAV.

    Returns the path written, or None when the stream is not stereo (one channel, or no
    sound at all). Of more channels the first two are kept: front left and right in every
    standard layout. As audio.extract_audio, the WAV is written beside `dst_wav` and renamed
    into place, and sound ffmpeg cannot decode raises DamagedAudio, leaving nothing behind.
    """
    src, dst = os.fspath(src), os.fspath(dst_wav)
    if info is None:
        info = probe_sound(src)
    if info.audio is None or info.audio.channels < 2:
        return None
    check_out_dir(dst)
    with complete_or_nothing(dst, ".part.wav") as part:
        run_extraction(src, part, info, ffmpeg=ffmpeg, channels=2)
        _check_stereo(part)
    return dst


def _check_stereo(path: str) -> None:
    try:
        with wave.open(path, "rb") as wav:
            channels = wav.getnchannels()
    except (wave.Error, EOFError) as exc:
        raise DamagedAudio(detail=f"ffmpeg wrote an unreadable WAV: {exc}") from exc
    if channels != 2:
        raise DamagedAudio(detail=f"ffmpeg wrote {channels} channels, not 2")


def split_speakers(
    speech: Sequence[tuple[float, float]],
    microphone: Microphone,
    *,
    mono_wav: str | os.PathLike[str] | None,
    stereo_wav: str | os.PathLike[str] | None = None,
    options: SpeakerOptions = SpeakerOptions(),
) -> SpeakerSplit:
    """Split the `speech` intervals (seconds) between teacher and pupils, or say why not.

    `mono_wav` is the clip's 16 kHz mono WAV (None: the clip has no sound) and `stereo_wav`
    the two channels from extract_channels (None: the sound has one channel). When nothing
    was said the split is not made: method None, with a reason saying so.
    """
    microphone = Microphone(microphone)
    if microphone is Microphone.NONE:
        return _unsplit(_CAMERA_ONLY)
    speech = [(float(s), float(e)) for s, e in speech if e > s]
    if mono_wav is None or not speech:
        return _unsplit(_NOTHING_SAID)

    why = ""  # why the channels were not used, when the school said they could be
    if microphone in (Microphone.LAPEL_LEFT, Microphone.LAPEL_RIGHT):
        if stereo_wav is None:
            why = _ONE_CHANNEL
        else:
            power = wav_frame_power(stereo_wav, _frame_size(options), channels=2)
            lapel = 0 if microphone is Microphone.LAPEL_LEFT else 1
            split = _by_channel(speech, power[:, lapel], power[:, 1 - lapel], options)
            if split is not None:
                side = "left" if lapel == 0 else "right"
                return _split(split, "channel", _BY_CHANNEL.format(side=side))
            why = _SAME_CHANNELS
    power = wav_frame_power(mono_wav, _frame_size(options))
    return _by_loudness(speech, power, why, options)


def _unsplit(reason: str) -> SpeakerSplit:
    return SpeakerSplit(None, reason, 0.0, 0.0, ())


def _split(spans: list[tuple[float, float, str]], method: str, reason: str) -> SpeakerSplit:
    teacher = sum(end - start for start, end, kind in spans if kind == TEACHER)
    pupils = sum(end - start for start, end, kind in spans if kind == PUPILS)
    return SpeakerSplit(method, reason, teacher, pupils, tuple(spans))


def _by_channel(
    speech: Sequence[tuple[float, float]],
    lapel: np.ndarray,
    room: np.ndarray,
    options: SpeakerOptions,
) -> list[tuple[float, float, str]] | None:
    """Return the split by channel (from each channel's frame power), or None when both
    channels carry the same sound."""
    size = _frame_size(options)
    ranges = _frame_ranges(speech, len(lapel), size)
    inside = _inside(ranges, len(lapel))
    if not inside.any():
        return None
    # The median over the window, not the mean: a door's slam or a knock on the
    # microphone a few frames long must not decide who was speaking around it.
    difference = _db(lapel) - _db(room)
    difference = windowed_percentile(difference, ranges, options.channel_window, 50, options.frame)
    if np.percentile(np.abs(difference[inside]), 90) < options.same_channels_db:
        return None
    return _spans(speech, ranges, difference >= options.channel_margin_db, size, options)


def _by_loudness(
    speech: Sequence[tuple[float, float]],
    power: np.ndarray,
    why: str,
    options: SpeakerOptions,
) -> SpeakerSplit:
    size = _frame_size(options)
    ranges = _frame_ranges(speech, len(power), size)
    inside = _inside(ranges, len(power))
    if not inside.any():
        return _unsplit(_NOTHING_SAID)
    floor = max(float(np.percentile(_db(power), 5)), options.lowest_floor_db)
    level = windowed_percentile(_db(power), ranges, options.loudness_window, 90, options.frame)
    voiced = level[inside & (level > floor + options.voiced_db)]
    if len(voiced) == 0:
        return _unsplit(_say(_ALL_ALIKE, why))

    threshold = _two_groups(voiced, options)
    if threshold is not None:
        spans = _spans(speech, ranges, level >= threshold, size, options)
        return _split(spans, "loudness", _say(_BY_LOUDNESS, why))
    if float(np.median(voiced)) - floor >= options.lapel_above_floor_db:
        spans = _spans(speech, ranges, np.ones(len(level), dtype=bool), size, options)
        return _split(spans, "loudness", _say(_ALL_TEACHER, why))
    return _unsplit(_say(_ALL_ALIKE, why))


def _two_groups(levels: np.ndarray, options: SpeakerOptions) -> float | None:
    """Return Otsu's threshold between two clearly apart groups of levels, else None."""
    ordered = np.sort(levels)
    count = len(ordered)
    if count < 2 or ordered[-1] - ordered[0] < options.groups_apart_db:
        return None
    # Otsu: the cut between sorted values that maximises the between-group variance.
    sums = np.cumsum(ordered)
    low_n = np.arange(1, count)
    high_n = count - low_n
    low_mean = sums[:-1] / low_n
    high_mean = (sums[-1] - sums[:-1]) / high_n
    between = low_n * high_n * (high_mean - low_mean) ** 2
    cut = int(np.argmax(between)) + 1  # the low group is ordered[:cut]
    low, high = ordered[:cut], ordered[cut:]
    if min(len(low), len(high)) < options.least_group_share * count:
        return None
    if float(np.median(high)) - float(np.median(low)) < options.groups_apart_db:
        return None
    return float((ordered[cut - 1] + ordered[cut]) / 2)


# --- frames --------------------------------------------------------------------------------


def _frame_size(options: SpeakerOptions) -> int:
    return max(round(SAMPLE_RATE * options.frame), 1)


def _frame_ranges(
    speech: Sequence[tuple[float, float]], count: int, size: int
) -> list[tuple[int, int]]:
    """Return each speech interval as frame numbers (first, last + 1), within the sound."""
    seconds = size / SAMPLE_RATE
    ranges = []
    for start, end in speech:
        first = min(round(start / seconds), count)
        last = min(max(round(end / seconds), first + 1), count)
        ranges.append((first, last))
    return ranges


def _inside(ranges: Sequence[tuple[int, int]], count: int) -> np.ndarray:
    mask = np.zeros(count, dtype=bool)
    for first, last in ranges:
        mask[first:last] = True
    return mask


def _db(power: np.ndarray) -> np.ndarray:
    return 10 * np.log10(power + 1e-12)


def _spans(
    speech: Sequence[tuple[float, float]],
    ranges: Sequence[tuple[int, int]],
    teacher: np.ndarray,
    size: int,
    options: SpeakerOptions,
) -> list[tuple[float, float, str]]:
    """Turn per-frame teacher flags into smoothed, merged spans over the speech."""
    seconds = size / SAMPLE_RATE
    min_frames = max(round(options.min_run / options.frame), 1)
    spans: list[tuple[float, float, str]] = []
    for (start, end), (first, last) in zip(speech, ranges, strict=True):
        if last <= first:
            continue  # the interval lies past the end of the sound
        at, frame = start, first
        runs = smooth_runs(teacher[first:last].tolist(), min_frames)
        for n, (flag, length) in enumerate(runs):
            frame += length
            stop = end if n == len(runs) - 1 else min(max(at, frame * seconds), end)
            kind = TEACHER if flag else PUPILS
            if stop <= at:
                continue
            if spans and spans[-1][2] == kind and spans[-1][1] >= at:
                spans[-1] = (spans[-1][0], stop, kind)
            else:
                spans.append((at, stop, kind))
            at = stop
    return spans
