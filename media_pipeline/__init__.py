"""Pure media functions: paths in, frozen dataclasses out; nothing of databases or the web."""

from .audio import AudioTrack, DamagedAudio, extract_audio
from .audio_only import AudioOnlyOptions, AudioOnlyResult, NoSound, make_audio_only, probe_sound
from .blur import BlurOptions, BlurRegion, BlurResult, FaceMap, KeepPoint, blur_faces, find_faces
from .captions import to_text, to_webvtt
from .errors import (
    DamagedVideo,
    EmptyVideo,
    MediaError,
    NotAVideo,
    NoVideoStream,
    PictureTooLarge,
    PictureTooSmall,
    TooLong,
)
from .face_detectors import DetectorMissing, detector_weights
from .ffmpeg import ffmpeg_binary
from .generate import make_test_clip
from .probe import AudioStreamInfo, MediaInfo, VideoStreamInfo, probe
from .speakers import (
    Microphone,
    SpeakerOptions,
    SpeakerSplit,
    extract_channels,
    split_speakers,
)
from .talk import (
    Question,
    Sentence,
    Span,
    Stretch,
    TalkOptions,
    TalkStats,
    VoiceOptions,
    analyse_talk,
    find_voice,
    is_question,
    split_sentences,
)
from .thumbnails import PosterOptions, PosterResult, make_poster
from .transcode import (
    TranscodeOptions,
    TranscodeResult,
    build_command,
    choose_method,
    make_playable,
)
from .transcribe import (
    ModelLoadError,
    Segment,
    Transcript,
    WhisperOptions,
    Word,
    load_model,
    transcribe,
)

__all__ = [
    "AudioOnlyOptions",
    "AudioOnlyResult",
    "NoSound",
    "make_audio_only",
    "probe_sound",
    "AudioStreamInfo",
    "AudioTrack",
    "BlurOptions",
    "DetectorMissing",
    "BlurRegion",
    "BlurResult",
    "FaceMap",
    "DamagedAudio",
    "DamagedVideo",
    "EmptyVideo",
    "KeepPoint",
    "MediaError",
    "MediaInfo",
    "Microphone",
    "ModelLoadError",
    "NoVideoStream",
    "NotAVideo",
    "PictureTooLarge",
    "PictureTooSmall",
    "PosterOptions",
    "PosterResult",
    "Question",
    "Sentence",
    "Span",
    "Stretch",
    "TalkOptions",
    "TalkStats",
    "Segment",
    "SpeakerOptions",
    "SpeakerSplit",
    "TooLong",
    "TranscodeOptions",
    "TranscodeResult",
    "Transcript",
    "VideoStreamInfo",
    "VoiceOptions",
    "WhisperOptions",
    "Word",
    "analyse_talk",
    "blur_faces",
    "detector_weights",
    "find_faces",
    "build_command",
    "choose_method",
    "extract_audio",
    "extract_channels",
    "is_question",
    "ffmpeg_binary",
    "find_voice",
    "load_model",
    "make_playable",
    "make_poster",
    "make_test_clip",
    "probe",
    "split_sentences",
    "split_speakers",
    "to_text",
    "to_webvtt",
    "transcribe",
]
