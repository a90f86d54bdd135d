"""Read what an uploaded file contains, touching nothing but that file."""

import os
import stat
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

import av
import av.error
from av.container import InputContainer
from av.stream import Disposition

from .errors import (
    DamagedVideo,
    EmptyVideo,
    NotAVideo,
    NoVideoStream,
    PictureTooLarge,
    PictureTooSmall,
)
from .ffmpeg import MAX_PIXELS, MAX_SIDE, MIN_SIDE, decoder_options, file_url, input_options

# Pixel formats browsers decode from H.264: 8-bit 4:2:0, limited or full ("j") range.
_BROWSER_PIX_FMTS = frozenset({"yuv420p", "yuvj420p"})

# How many packets to read looking for the first decodable picture. Streams cut mid-GOP
# (MPEG-TS from camcorders) may need up to a GOP before a keyframe; 600 is ~20 s at 30 fps.
_FIRST_FRAME_PACKETS = 600

# Top-level atom types that mark a file as ISO-BMFF (MP4/MOV/3GP) for the atom walk.
_MP4_ATOMS = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot", b"uuid"})


@dataclass(frozen=True)
class VideoStreamInfo:
    """The first video stream of a file."""

    codec: str
    width: int
    height: int
    fps: float
    pix_fmt: str | None
    profile: str | None
    rotation: int  # 0/90/180/270, from the display matrix (phones record portrait this way)

    @property
    def display_width(self) -> int:
        """Width as a viewer sees it, after rotation."""
        return self.height if self.rotation in (90, 270) else self.width

    @property
    def display_height(self) -> int:
        """Height as a viewer sees it, after rotation."""
        return self.width if self.rotation in (90, 270) else self.height


@dataclass(frozen=True)
class AudioStreamInfo:
    """The first audio stream of a file."""

    codec: str
    sample_rate: int
    channels: int


@dataclass(frozen=True)
class MediaInfo:
    """What a media file holds, as plain Python values."""

    format_name: str  # the demuxer PyAV used, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    duration: float  # seconds
    size_bytes: int
    video: VideoStreamInfo | None
    audio: AudioStreamInfo | None
    faststart: bool  # MP4/MOV only: the moov index comes before the media data

    @property
    def demuxer(self) -> str:
        """Return the single ffmpeg `-f` name for this file's format."""
        # FFmpeg looks a forced format up by any one of the comma-separated names.
        return self.format_name.split(",")[0]

    @property
    def browser_playable(self) -> bool:
        """Say whether browsers play this file as it is (after a faststart remux)."""
        video, audio = self.video, self.audio
        return (
            self.demuxer == "mov"
            and video is not None
            and video.codec == "h264"
            and video.pix_fmt in _BROWSER_PIX_FMTS
            and (audio is None or audio.codec == "aac")
        )


@dataclass(frozen=True)
class _Atoms:
    is_mp4: bool
    faststart: bool
    truncated: bool


def probe(path: str | os.PathLike[str]) -> MediaInfo:
    """Describe the media file at `path`, or raise a MediaError saying why it is unusable."""
    path = os.fspath(path)
    st = os.stat(path)
    # A FIFO or device would block or read something other than an upload.
    if not stat.S_ISREG(st.st_mode):
        raise NotAVideo(detail=f"{path} is not a regular file")
    if st.st_size == 0:
        raise NotAVideo(detail="empty file")
    atoms = _walk_atoms(path, st.st_size)

    with _open(path, atoms) as container:
        format_name = container.format.name
        vstream = _first_video_stream(container)
        astream = container.streams.audio[0] if container.streams.audio else None
        duration = to_seconds(container.duration, Fraction(1, av.time_base))
        audio = audio_info(astream) if astream is not None else None
        if vstream is None:
            if audio is not None:
                raise NoVideoStream(detail=f"{format_name}: audio {audio.codec} only")
            raise EmptyVideo(detail=f"{format_name}: no audio or video streams")
        if duration is None:
            duration = to_seconds(vstream.duration, vstream.time_base)
        if vstream.codec_context is None or vstream.codec_context.codec is None:
            raise NotAVideo(detail=f"{format_name}: no decoder for the video codec")
        _check_size(vstream.codec_context.width, vstream.codec_context.height)
        frame = _first_frame(container, vstream)
        if frame is None:
            if not (vstream.codec_context.width or vstream.codec_context.height):
                # The decoder never learnt a picture size: with decoder_options' max_pixels,
                # that is what a picture over the limit looks like (FFmpeg refuses to set the
                # size, and says so only in its log).
                raise PictureTooLarge(detail=f"{format_name}: decoder refused the picture size")
            if not duration:
                raise EmptyVideo(detail=f"{format_name}: no duration and no decodable frame")
            raise DamagedVideo(detail=f"{format_name}: no decodable frame in {duration:.2f}s")
        _check_size(frame.width, frame.height)
        video = _video_info(vstream, frame)
        # Judged on the decoded picture: a header may leave the size out, or claim another.
        if min(frame.width, frame.height) < MIN_SIDE:
            raise PictureTooSmall.for_size(frame.width, frame.height, MIN_SIDE)

    if atoms.truncated:
        # The index parsed, so the start plays, but the media data stops short of what the
        # index promises: a cut-short upload. Failing here beats quietly publishing a
        # 9-minute clip of a 15-minute lesson.
        raise DamagedVideo(detail="MP4 atom runs past the end of the file (truncated)")
    if not duration:
        # Live WebM from browser MediaRecorder carries no duration: measure the packets.
        duration = _scan_duration(path, atoms)
        if not duration:
            raise EmptyVideo(detail=f"{format_name}: zero duration")

    return MediaInfo(
        format_name=format_name,
        duration=duration,
        size_bytes=int(st.st_size),
        video=video,
        audio=audio,
        faststart=atoms.faststart,
    )


def open_input(path: str | os.PathLike[str]) -> InputContainer:
    """Open `path` with PyAV confined to that one local file and ordinary video demuxers."""
    return av.open(
        file_url(path),
        container_options=input_options(),
        # Given to every stream too, so the decoder FFmpeg runs to learn a stream's parameters
        # refuses a bomb's picture size before allocating it.
        options=decoder_options(),
        # Hostile files carry invalid UTF-8 in their metadata; that must not crash the probe.
        metadata_errors="replace",
    )


def _open(path: str, atoms: _Atoms) -> InputContainer:
    try:
        return open_input(path)
    except av.error.EOFError as exc:
        # The format was recognised but its header ends early.
        raise DamagedVideo(detail=f"header cut short: {exc}") from exc
    except (av.error.FFmpegError, UnicodeDecodeError) as exc:
        if atoms.truncated:
            # An MP4 whose index was never written (recorded with moov at the end, then cut
            # short): FFmpeg says only "moov atom not found", but the teacher should hear
            # "incomplete", not "not a video".
            raise DamagedVideo(detail=f"truncated MP4 without an index: {exc}") from exc
        # A disallowed demuxer (hls, concat, ...) fails as EINVAL "Invalid argument"; text and
        # random bytes fail as "Invalid data found". Either way it is not a video we read.
        raise NotAVideo(detail=f"{type(exc).__name__}: {exc}") from exc


def _first_video_stream(container: InputContainer) -> av.VideoStream | None:
    for stream in container.streams.video:
        # Cover art in M4A/MP3 is a one-picture "video" stream; it is not a picture to watch.
        if not stream.disposition & Disposition.attached_pic:
            return stream
    return None


def _check_size(width: int | None, height: int | None) -> None:
    width, height = int(width or 0), int(height or 0)
    if width > MAX_SIDE or height > MAX_SIDE or width * height > MAX_PIXELS:
        raise PictureTooLarge.for_size(width, height)


def _first_frame(container: InputContainer, stream: av.VideoStream) -> av.VideoFrame | None:
    # The same limit for our own decode: a header may declare a small picture, the data a bomb.
    stream.codec_context.options = decoder_options()
    try:
        for count, packet in enumerate(container.demux(stream)):
            if count > _FIRST_FRAME_PACKETS:
                return None
            try:
                # PyAV ends demux() with an empty packet whose decode() flushes the decoder.
                for frame in packet.decode():
                    return frame
            except av.error.FFmpegError:
                continue  # a corrupt packet; a later keyframe may still decode
    except av.error.FFmpegError:
        return None  # demuxing itself failed: the data is cut short or corrupt
    return None


def _video_info(stream: av.VideoStream, frame: av.VideoFrame) -> VideoStreamInfo:
    ctx = stream.codec_context
    rate = stream.average_rate or stream.guessed_rate or stream.base_rate
    return VideoStreamInfo(
        codec=str(ctx.codec.canonical_name),
        width=int(ctx.width or frame.width),
        height=int(ctx.height or frame.height),
        fps=float(rate) if rate else 0.0,
        pix_fmt=str(ctx.pix_fmt) if ctx.pix_fmt else None,
        profile=str(ctx.profile) if ctx.profile else None,
        rotation=_right_angle(frame.rotation),
    )


def audio_info(stream: av.AudioStream) -> AudioStreamInfo:
    """Describe an audio stream: codec, channels, sample rate."""
    ctx = stream.codec_context
    codec = ctx.codec.canonical_name if ctx.codec is not None else "unknown"
    return AudioStreamInfo(
        codec=str(codec),
        sample_rate=int(ctx.sample_rate or 0),
        channels=int(ctx.layout.nb_channels if ctx.layout is not None else 0),
    )


def _right_angle(degrees: float | None) -> int:
    # The display matrix may hold e.g. -90.0 or 89.99; browsers and ffmpeg only honour
    # quarter turns, so snap to the nearest one in 0..270.
    if not degrees:
        return 0
    return int(round(float(degrees) / 90.0)) % 4 * 90


def to_seconds(value: int | None, time_base: Fraction | None) -> float | None:
    """Convert a PyAV timestamp in `time_base` units to seconds (None if unknown)."""
    if value is None or time_base is None:
        return None
    return float(value * time_base)


def _scan_duration(path: str, atoms: _Atoms) -> float:
    """Measure a duration by reading every packet's timestamps (no decoding)."""
    start: float | None = None
    end = 0.0
    with _open(path, atoms) as container:
        streams = [s for s in container.streams if s.type in ("video", "audio")]
        try:
            for packet in container.demux(streams):
                if packet.pts is None or packet.time_base is None:
                    continue
                t0 = float(packet.pts * packet.time_base)
                t1 = t0 + float((packet.duration or 0) * packet.time_base)
                start = t0 if start is None else min(start, t0)
                end = max(end, t1)
        except av.error.FFmpegError:
            pass  # keep what was read before the damage; the transcode check judges it
    return max(0.0, end - (start or 0.0))


def _walk_atoms(path: str, size: int) -> _Atoms:
    """Walk the top-level ISO-BMFF atoms: where moov sits, and whether the file is cut short."""
    seen: list[bytes] = []
    truncated = False
    with open(path, "rb") as f:
        for kind, end in _atoms(f, size):
            if not seen and kind not in _MP4_ATOMS:
                return _Atoms(is_mp4=False, faststart=False, truncated=False)
            seen.append(kind)
            # Only a known atom running past the end means "cut short"; unknown bytes after
            # the last atom are padding some cameras write, not a promise of more data.
            if end > size and kind in _MP4_ATOMS:
                truncated = True
                break
    if not seen:
        return _Atoms(is_mp4=False, faststart=False, truncated=False)
    faststart = b"moov" in seen and (
        b"mdat" not in seen or seen.index(b"moov") < seen.index(b"mdat")
    )
    return _Atoms(is_mp4=True, faststart=faststart, truncated=truncated)


def _atoms(f, size: int) -> Iterator[tuple[bytes, int]]:
    offset = 0
    # A hostile file can hold millions of tiny atoms; real files have a handful at top level.
    for _ in range(10_000):
        if offset + 8 > size:
            return
        f.seek(offset)
        header = f.read(16)
        if len(header) < 8:
            return
        atom_size, kind = struct.unpack(">I4s", header[:8])
        if atom_size == 1:  # 64-bit size follows the type
            if len(header) < 16:
                yield kind, size + 1
                return
            atom_size = struct.unpack(">Q", header[8:16])[0]
        elif atom_size == 0:  # "extends to the end of the file", as live recorders write mdat
            atom_size = size - offset
        if atom_size < 8:
            return  # not a real atom: not an MP4, or garbage after the end
        yield kind, offset + atom_size
        offset += atom_size
