"""Pull the sound out of a clip as the 16 kHz mono WAV that speech recognition reads."""

import contextlib
import errno
import os
import subprocess
import tempfile
import wave
from dataclasses import dataclass

import numpy as np

from .audio_only import probe_sound
from .errors import MediaError
from .ffmpeg import ffmpeg_binary, file_url, input_options
from .probe import MediaInfo

# Whisper models are trained on 16 kHz mono; giving them exactly that skips any resampling
# inside faster-whisper.
SAMPLE_RATE = 16_000

_STDERR_TAIL = 4000


class DamagedAudio(MediaError):
    """A sound track ffmpeg cannot decode at all: an unknown codec, a corrupt setup."""

    # The clip itself has already been made playable by the time we get here, so say so.
    default_reason = (
        "The sound in this video could not be read, so no transcript could be made. "
        "The video itself can still be watched."
    )


@dataclass(frozen=True)
class AudioTrack:
    """A 16 kHz mono 16-bit PCM WAV written by extract_audio."""

    path: str
    duration: float  # seconds of audio actually decoded, which damage can make shorter
    samples: int  # 0 when nothing could be decoded: treat it as "no speech found"


def extract_audio(
    src: str | os.PathLike[str],
    dst_wav: str | os.PathLike[str],
    *,
    ffmpeg: str | None = None,
    info: MediaInfo | None = None,
) -> AudioTrack | None:
    """Write the first audio stream of `src` to `dst_wav`; return None if it has no sound."""
    src, dst = os.fspath(src), os.fspath(dst_wav)
    if info is None:
        info = probe_sound(src)  # a sound-only clip's .m4a has no picture
    if info.audio is None:
        return None
    out_dir = os.path.dirname(os.path.abspath(dst))
    if not os.path.isdir(out_dir):
        # Our caller's mistake, not the teacher's: do not dress it up as damaged sound.
        raise FileNotFoundError(errno.ENOENT, "output folder does not exist", out_dir)

    # Why extract at all, when faster-whisper decodes files itself: its PyAV decoder skips
    # every frame it cannot decode without a word, so a damaged track silently becomes
    # "nobody spoke". ffmpeg tells us, and hands the model exactly the 16 kHz mono it wants.
    # Written next to dst and renamed into place, so dst only ever exists complete.
    part = dst + ".part.wav"
    try:
        run_extraction(src, part, info, ffmpeg=ffmpeg)
        samples = _count_samples(part)
        os.replace(part, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(part)
        raise
    return AudioTrack(path=dst, duration=samples / SAMPLE_RATE, samples=samples)


def build_command(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    info: MediaInfo,
    *,
    ffmpeg: str | None = None,
    drop_changed: bool = False,
    channels: int = 1,
) -> list[str]:
    """Return the full ffmpeg argument list that extract_audio runs.

    `channels=2` keeps the first two channels by number, as they are, instead of the mono
    downmix (speakers.extract_channels): no downmix mixes the room into a lapel channel, and
    a layout ffmpeg does not know by name still works.
    """
    if channels == 1:
        layout = ["-ac", "1"]
    elif channels == 2:
        layout = ["-af", "pan=stereo|c0=c0|c1=c1"]
    else:
        raise ValueError(f"extract 1 or 2 channels, not {channels}")
    return [
        ffmpeg_binary(ffmpeg),
        "-hide_banner",
        "-nostdin",  # never read (and steal) the worker's terminal
        "-y",
        "-loglevel",
        "error",
        # Force the demuxer the probe found and confine the input to the one local file:
        # see ffmpeg.input_options and transcode.build_command.
        "-f",
        info.demuxer,
        *(arg for key, value in input_options().items() for arg in (f"-{key}", value)),
        *(
            ["-drop_changed", "1"] if drop_changed else []
        ),  # goes before -i: ffmpeg 9 refuses it as an output option
        "-i",
        file_url(src),
        # The probe describes streams.audio[0]; take the same one, and only it.
        "-map",
        "0:a:0",
        "-vn",
        "-sn",
        "-dn",
        *layout,
        "-ar",
        str(SAMPLE_RATE),
        "-c:a",
        "pcm_s16le",
        # No LIST/INFO chunk: the file holds nothing but the header and the samples.
        "-map_metadata",
        "-1",
        "-bitexact",
        "-f",
        "wav",
        file_url(dst),
    ]


def run_extraction(
    src: str, part: str, info: MediaInfo, *, ffmpeg: str | None, channels: int = 1
) -> None:
    """Run build_command's ffmpeg into `part`, once more dropping changed frames if it fails."""
    try:
        _run(build_command(src, part, info, ffmpeg=ffmpeg, channels=channels))
    except DamagedAudio:
        # A corrupt AAC packet can decode "successfully" into a frame of, say, 37
        # channels (garbage read as a channel configuration). ffmpeg then rebuilds its
        # filter graph for the new layout, cannot downmix an unknown 37-channel layout to
        # mono, and fails the whole extraction over one bad packet. A second pass that
        # drops frames whose layout or rate changed keeps the sound that did decode.
        # Not the default: a stream that really changes layout part-way (broadcast TS)
        # would lose everything after the change.
        _run(build_command(src, part, info, ffmpeg=ffmpeg, drop_changed=True, channels=channels))


def _run(args: list[str]) -> None:
    # On damaged packets ffmpeg logs the error, drops the frame and carries on, exiting 0 with
    # whatever it could decode (possibly nothing at all): that is the behaviour we want, as
    # most of a lesson's sound beats none of it. It exits non-zero only when it cannot start:
    # no decoder for the codec, a decoder that refuses the stream's setup, an unreadable file.
    # stderr goes to a temporary file, not a pipe, so a chatty failure cannot fill a pipe.
    with tempfile.TemporaryFile() as stderr:
        # subprocess.run kills ffmpeg if we are interrupted (an RQ job timeout, a cancel).
        proc = subprocess.run(
            args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=stderr
        )
        if proc.returncode != 0:
            stderr.seek(0, os.SEEK_END)
            stderr.seek(max(0, stderr.tell() - _STDERR_TAIL))
            tail = stderr.read().decode("utf-8", "replace").strip()
            if "No space left on device" in tail:
                # A full disk is the server's problem and worth a retry, not the teacher's.
                raise OSError(errno.ENOSPC, "No space left on device while writing", tail)
            raise DamagedAudio(detail=f"ffmpeg exited with {proc.returncode}: {tail}")


def _count_samples(path: str) -> int:
    try:
        with wave.open(path, "rb") as wav:
            return wav.getnframes()
    except (wave.Error, EOFError) as exc:
        raise DamagedAudio(detail=f"ffmpeg wrote an unreadable WAV: {exc}") from exc


def pcm16_to_float(frames: bytes, channels: int = 1) -> np.ndarray:
    """Return 16-bit PCM bytes as float32 samples in [-1, 1), shape (n,) or (n, channels).

    Scaled in place: a 15-minute lesson is 58 MB of float32 per channel, so no second copy.
    """
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32)
    samples *= 1 / 32768.0  # the same scaling faster-whisper's own decoder uses
    return samples if channels == 1 else samples.reshape(-1, channels)


def frame_power(audio: np.ndarray, size: int) -> np.ndarray:
    """Return the mean square of each whole frame of `size` samples (float64, no copy made)."""
    count = len(audio) // size
    frames = audio[: count * size].reshape(count, size)  # a view
    return np.einsum("ij,ij->i", frames, frames, dtype=np.float64) / size


def wav_frame_power(path: str | os.PathLike[str], size: int, channels: int = 1) -> np.ndarray:
    """Return frame_power of each channel of a 16 kHz 16-bit WAV, reading it a minute at a time.

    Shape (frames,) for one channel, (frames, channels) for more. The loudness measures of the
    talk stage need only this, so a lesson's sound is never held whole in memory. A file that
    is not such a WAV is decoded whole (one channel only).
    """
    path = os.fspath(path)
    try:
        with wave.open(path, "rb") as wav:
            shape = (wav.getnchannels(), wav.getsampwidth(), wav.getframerate())
            if shape == (channels, 2, SAMPLE_RATE):
                parts = []
                while data := wav.readframes(size * 3000):  # whole frames, bar the last chunk
                    samples = pcm16_to_float(data, channels)
                    if channels == 1:
                        parts.append(frame_power(samples, size))
                    else:
                        each = [frame_power(samples[:, c], size) for c in range(channels)]
                        parts.append(np.stack(each, axis=1))
                empty = np.zeros((0,) if channels == 1 else (0, channels))
                return np.concatenate(parts) if parts else empty
    except (wave.Error, EOFError):
        pass
    if channels != 1:
        raise ValueError(f"{path} is not a 16 kHz 16-bit WAV of {channels} channels")
    # PyAV, for anything else
    return frame_power(read_audio(path), size)


def read_audio(path: str) -> np.ndarray:
    """Return the samples of `path` as float32 at 16 kHz mono."""
    try:
        with wave.open(path, "rb") as wav:
            if (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE):
                return pcm16_to_float(wav.readframes(wav.getnframes()))
    except (wave.Error, EOFError):
        pass  # not a plain PCM WAV (or not a WAV at all): let PyAV decode it below
    from faster_whisper.audio import decode_audio

    audio = decode_audio(path, sampling_rate=SAMPLE_RATE)
    # decode_audio returns float64 when it decoded nothing (np.frombuffer with no dtype).
    return np.asarray(audio, dtype=np.float32)
