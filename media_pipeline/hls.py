"""Stream a video as it is made: HLS with fMP4 segments, a rendition ladder in one master
playlist, written by one ffmpeg run; then the top rendition's segments, joined, become the
single MP4 that is downloaded and played beside the model (the same encode, no second one).

Layout of the output folder (the names the web route accepts, see ``NAME``)::

    master.m3u8                 every rendition, best last
    <height>/index.m3u8         an EVENT playlist that grows, then ends (ENDLIST) as VOD
    <height>/init_<n>.mp4       the rendition's fMP4 header
    <height>/seg-00000.m4s      about ``segment_seconds`` each

A rendition's playlist is the truth about its segments: ffmpeg lists a segment only once it
has closed it, and with ``temp_file`` writes every playlist beside and renames it into place,
so a reader never sees half a playlist (``read_playlist``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ffmpeg

from .errors import DamagedVideo, TooLong
from .ffmpeg import decoder_options, ffmpeg_binary, file_url, input_options
from .files import complete_or_nothing
from .probe import MediaInfo, probe
from .transcode import (
    AAC_RATES,
    GLOBAL_ARGS,
    KEYFRAME_SECONDS,
    LIMIT_GRACE,
    TranscodeResult,
    result_of,
    run_with_progress,
    scale_to,
    verify_output,
)

MASTER = "master.m3u8"
PLAYLIST = "index.m3u8"
# Every name a stream folder may hold, and so the only names a route may serve.
NAME = re.compile(
    r"^(?:master\.m3u8|\d{2,4}/(?:index\.m3u8|init(?:_\d{1,2})?\.mp4|seg-\d{5}\.m4s))$"
)


# An encoded stream's first segments last a second each (then segment_seconds): the clip is
# playable once its first second is encoded.
FIRST_SEGMENT_SECONDS = 1


@dataclass(frozen=True)
class StreamOptions:
    """How to make the stream: its ladder of heights (the short side), best last."""

    ffmpeg: str | None = None
    ladder: tuple[int, ...] = (360, 720)  # one height: no ladder
    segment_seconds: int = KEYFRAME_SECONDS
    crf: int = 23
    preset: str = "veryfast"
    audio_bitrate: str = "128k"
    threads: int = 0
    max_duration: float | None = None
    # A browser-playable H.264/AAC source no taller than the top rung is copied into segments,
    # not encoded. Encoding a lower rung beside the copy would cost most of a transcode for a
    # file that plays as it is, so by default it is copied alone.
    ladder_for_copies: bool = False


@dataclass(frozen=True)
class Rendition:
    """One rung of the ladder: its folder name and height, or a copy of the source."""

    name: str
    height: int
    copy: bool = False


@dataclass(frozen=True)
class Playlist:
    """What a rendition's playlist says so far."""

    init: str | None
    segments: tuple[tuple[str, float], ...]  # (file name, seconds)
    ended: bool

    @property
    def seconds(self) -> float:
        return sum(duration for _name, duration in self.segments)


def plan(info: MediaInfo, options: StreamOptions) -> tuple[str, tuple[Rendition, ...]]:
    """Return the method ("remux" or "transcode") and the renditions to make, lowest first."""
    video = info.video
    if video is None:
        raise DamagedVideo(detail="no video stream to stream")
    short = min(video.display_width, video.display_height)
    top = max(options.ladder)
    if info.browser_playable and short <= top:
        copy = Rendition(str(short), short, copy=True)
        if not options.ladder_for_copies:
            return "remux", (copy,)
        lower = sorted({h for h in options.ladder if h < short})
        return "remux", (*(Rendition(str(h), h) for h in lower), copy)
    heights = sorted({min(h, short) for h in options.ladder})
    return "transcode", tuple(Rendition(str(h), h) for h in heights)


def build_stream_command(
    src: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    info: MediaInfo,
    options: StreamOptions,
) -> tuple[str, tuple[Rendition, ...], list[str]]:
    """Return the method, the renditions and the ffmpeg arguments that write the stream."""
    method, renditions = plan(info, options)
    return method, renditions, _command(src, folder, info, options, method, renditions)


def _command(
    src: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    info: MediaInfo,
    options: StreamOptions,
    method: str,
    renditions: tuple[Rendition, ...],
) -> list[str]:
    folder = os.fspath(folder)
    source = ffmpeg.input(file_url(src), f=info.demuxer, **input_options(), **decoder_options())
    streams: list = []
    kwargs: dict[str, str | int] = {}
    encoded = [r for r in renditions if not r.copy]
    for index, rendition in enumerate(renditions):
        if rendition.copy:
            streams.append(source["v:0"])
            kwargs[f"c:v:{index}"] = "copy"
        else:
            streams.append(scale_to(source["v:0"], info, rendition.height))
            kwargs[f"c:v:{index}"] = "libx264"
    if encoded:
        kwargs.update(
            {
                "preset": options.preset,
                "crf": options.crf,
                "pix_fmt": "yuv420p",
                "profile:v": "high",
                "fps_mode": "vfr",
                # The same key frames in every rung, every segment: segments line up, so a
                # player can switch rung at any segment, and each one starts cleanly. The
                # first seconds are cut into one-second segments: the clip plays as soon as
                # the first second is encoded, not the first four.
                "force_key_frames": _keyframes(options.segment_seconds),
            }
        )
    if method == "transcode":
        kwargs["hls_init_time"] = FIRST_SEGMENT_SECONDS
    if info.audio is not None:
        for index in range(len(renditions)):
            streams.append(source["a:0"])
            if method == "remux":
                kwargs[f"c:a:{index}"] = "copy"
            else:
                kwargs[f"c:a:{index}"] = "aac"
                kwargs[f"b:a:{index}"] = options.audio_bitrate
                kwargs[f"ac:a:{index}"] = 2
        if method != "remux" and info.audio.sample_rate not in AAC_RATES:
            kwargs["ar"] = 48000
    if options.threads:
        kwargs["threads"] = options.threads
    stream_map = " ".join(
        f"v:{i},a:{i},name:{r.name}" if info.audio is not None else f"v:{i},name:{r.name}"
        for i, r in enumerate(renditions)
    )
    out = ffmpeg.output(
        *streams,
        os.path.join(folder, "%v", PLAYLIST),
        f="hls",
        hls_time=options.segment_seconds,
        hls_playlist_type="event",
        hls_segment_type="fmp4",
        # temp_file: segments and playlists are written beside and renamed into place.
        hls_flags="temp_file+independent_segments",
        hls_fmp4_init_filename="init.mp4",  # ffmpeg names each rung's init_<n>.mp4
        hls_segment_filename=os.path.join(folder, "%v", "seg-%05d.m4s"),
        master_pl_name=MASTER,
        var_stream_map=stream_map,
        map_metadata="-1",  # no GPS position or device names in what mentors watch
        map_chapters="-1",
        **kwargs,
    )
    return [ffmpeg_binary(options.ffmpeg), *GLOBAL_ARGS, *ffmpeg.get_args(out)]


def _keyframes(every: int) -> str:
    """Key frames each second for the first ``every`` seconds, then every ``every`` seconds."""
    first = FIRST_SEGMENT_SECONDS
    return (
        f"expr:if(lt(t,{every}),gte(t,n_forced*{first}),"
        f"gte(t,{every}*(n_forced-{every // first}+1)))"
    )


def make_stream(
    src: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    mp4: str | os.PathLike[str],
    options: StreamOptions = StreamOptions(),
    on_progress: Callable[[float], None] | None = None,
    info: MediaInfo | None = None,
    on_plan: Callable[[tuple[Rendition, ...]], None] | None = None,
) -> TranscodeResult:
    """Write the stream of ``src`` into ``folder`` as it is made, then ``mp4`` from its top
    rendition; ``on_plan`` hears the renditions before ffmpeg starts."""
    src, mp4 = os.fspath(src), os.fspath(mp4)
    if info is None:
        info = probe(src)
    if options.max_duration is not None and info.duration > options.max_duration + LIMIT_GRACE:
        raise TooLong.for_limit(info.duration, options.max_duration)
    Path(folder).mkdir(parents=True, exist_ok=True)
    method, renditions, args = build_stream_command(src, folder, info, options)
    if on_plan is not None:
        on_plan(renditions)

    def encoding(fraction: float) -> None:
        if on_progress is not None:
            on_progress(0.97 * fraction)

    run_with_progress(args, info.duration, encoding)
    top = Path(folder) / renditions[-1].name
    with complete_or_nothing(mp4, ".part.mp4") as part:
        join_rendition(top, part, options.ffmpeg)
        out = verify_output(part, info, options.max_duration)
    if on_progress is not None:
        on_progress(1.0)
    return result_of(mp4, method, out)


def copy_stream(
    src: str | os.PathLike[str],
    folder: str | os.PathLike[str],
    options: StreamOptions = StreamOptions(),
    on_progress: Callable[[float], None] | None = None,
    info: MediaInfo | None = None,
) -> tuple[Rendition, ...]:
    """Write the stream of a browser-playable MP4 into ``folder`` by copying it into segments
    (nothing is encoded: one rendition at the MP4's own height); return its renditions.

    A rendition made for the web already (the face blur's) is cut where its key frames
    fall, so its segments last ``segment_seconds`` or up to the next key frame after that.
    """
    src = os.fspath(src)
    if info is None:
        info = probe(src)
    video = info.video
    if video is None or not info.browser_playable:
        raise DamagedVideo(detail=f"not a browser-playable video to copy into a stream: {video}")
    short = min(video.display_width, video.display_height)
    renditions = (Rendition(str(short), short, copy=True),)
    Path(folder).mkdir(parents=True, exist_ok=True)
    args = _command(src, folder, info, options, "remux", renditions)
    run_with_progress(args, info.duration, on_progress)
    return renditions


def join_rendition(
    rendition: str | os.PathLike[str], dst: str | os.PathLike[str], binary: str | None = None
) -> None:
    """Write one rendition's segments as a faststart MP4 (a copy: nothing is encoded again)."""
    rendition = Path(rendition)
    playlist = read_playlist(rendition / PLAYLIST)
    if playlist.init is None or not playlist.segments:
        raise DamagedVideo(detail=f"the stream in {rendition} has no segments")
    # An fMP4 stream's header followed by its segments is one fragmented MP4; remuxing it puts
    # the index first (faststart) for players that download the whole file.
    joined = Path(os.fspath(dst) + ".joined")
    with open(joined, "wb") as out:
        for name in (playlist.init, *(name for name, _ in playlist.segments)):
            with open(rendition / name, "rb") as part:
                while chunk := part.read(1024 * 1024):
                    out.write(chunk)
    try:
        args = [
            ffmpeg_binary(binary), "-hide_banner", "-nostdin", "-y", "-loglevel", "error",
            "-f", "mp4", "-protocol_whitelist", "file", "-i", file_url(joined),
            "-map", "0", "-c", "copy", "-movflags", "+faststart", "-f", "mp4", file_url(dst),
        ]  # fmt: skip
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, check=False)
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", "replace")[-2000:]
            raise DamagedVideo(detail=f"joining the stream failed: {detail}")
    finally:
        joined.unlink(missing_ok=True)


_EXTINF = re.compile(r"^#EXTINF:([0-9.]+)")
_MAP = re.compile(r'^#EXT-X-MAP:URI="([^"]+)"')


def read_playlist(path: str | os.PathLike[str]) -> Playlist:
    """Read a rendition's playlist as ffmpeg wrote it so far (empty if not there yet)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return Playlist(None, (), False)
    return parse_playlist(text)


def parse_playlist(text: str) -> Playlist:
    """Read a rendition's playlist text: its header, its segments so far, whether it ended."""
    init, segments, ended, duration = None, [], False, None
    for line in text.splitlines():
        line = line.strip()
        if match := _MAP.match(line):
            init = match.group(1)
        elif match := _EXTINF.match(line):
            duration = float(match.group(1))
        elif line == "#EXT-X-ENDLIST":
            ended = True
        elif line and not line.startswith("#") and duration is not None:
            segments.append((line, duration))
            duration = None
    return Playlist(init, tuple(segments), ended)
