"""Cut a part out of a playable clip: a highlight, or a model moment from a real lesson.

By default the cut copies the streams without re-encoding and so starts on the keyframe at or
before the chosen in point (a stream's keyframes are a few seconds apart); ``exact`` re-encodes
the part so that it starts and ends on the chosen frames. Either way the result says where in
the source it really starts, so comments and transcript lines can be moved to match.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import ffmpeg

from .errors import DamagedVideo
from .ffmpeg import decoder_options, ffmpeg_binary, file_url, input_options
from .files import check_out_dir, complete_or_nothing
from .probe import MediaInfo, open_input, probe, to_seconds
from .transcode import GLOBAL_ARGS, KEYFRAMES, run_with_progress

SHORTEST = 0.5  # seconds: a cut shorter than this is not a clip anyone can watch


@dataclass(frozen=True)
class CutResult:
    path: str
    start: float  # where in the source the cut really starts (a keyframe, unless exact)
    duration: float
    exact: bool


def keyframe_at_or_before(path: str | os.PathLike[str], seconds: float) -> float:
    """Return the time of the last video keyframe at or before ``seconds`` (0 without video)."""
    return _keyframes_around(path, seconds)[0]


def _keyframes_around(path: str | os.PathLike[str], seconds: float) -> tuple[float, float | None]:
    """Return the keyframes at or before ``seconds`` and after it (None: none after)."""
    with open_input(path) as container:
        if not container.streams.video:
            return seconds, None  # sound alone: every packet starts cleanly
        stream = container.streams.video[0]
        best = 0.0
        for packet in container.demux(stream):
            when = to_seconds(packet.pts, packet.time_base)
            if when is None or not packet.is_keyframe:
                continue
            if when > seconds + 1e-3:
                return best, when
            best = when
        return best, None


def cut(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    start: float,
    end: float,
    *,
    exact: bool = False,
    binary: str | None = None,
    on_progress: Callable[[float], None] | None = None,
    info: MediaInfo | None = None,
) -> CutResult:
    """Write the part of ``src`` from ``start`` to ``end`` seconds to ``dst`` (an MP4)."""
    src, dst = os.fspath(src), os.fspath(dst)
    info = info or probe(src)
    end = min(end, info.duration) if info.duration > 0 else end
    if end - start < SHORTEST:
        raise DamagedVideo(
            reason="The part to cut lies outside the clip or is too short to watch.",
            detail=f"cut {start:.2f}-{end:.2f}s of a {info.duration:.2f}s source",
        )
    if exact or info.video is None:  # sound alone: every packet starts cleanly
        begin = seek = start
    else:
        # Seek between the keyframe and the next: the demuxer seeks by decoding time, a few
        # frames before the keyframe's presentation time, so seeking to the keyframe's own
        # time can land on the keyframe before it.
        begin, after = _keyframes_around(src, start)
        seek = begin + min(0.5, (after - begin) / 2 if after is not None else 0.5)
        seek = min(seek, max(begin, end - SHORTEST))
    source = ffmpeg.input(
        file_url(src), f=info.demuxer, ss=f"{seek:.3f}", **input_options(), **decoder_options()
    )
    streams = [
        source[f"{kind}:0"] for kind, there in (("v", info.video), ("a", info.audio)) if there
    ]
    common = {"f": "mp4", "movflags": "+faststart", "map_metadata": "-1", "t": f"{end - seek:.3f}"}
    if exact:
        codecs = {"c:v": "libx264", "preset": "veryfast", "crf": 18, "pix_fmt": "yuv420p"}
        codecs["force_key_frames"] = KEYFRAMES  # its stream is cut into even segments
        codecs.update({"c:a": "aac", "b:a": "128k"} if info.audio else {})
    else:
        codecs = {"c": "copy", "avoid_negative_ts": "make_zero"}
    check_out_dir(dst)
    with complete_or_nothing(dst, ".part.mp4") as part:
        out = ffmpeg.output(*streams, file_url(part), **codecs, **common)
        run_with_progress(
            [ffmpeg_binary(binary), *GLOBAL_ARGS, *ffmpeg.get_args(out)], end - begin, on_progress
        )
        written = probe(part) if info.video else None
        duration = written.duration if written else end - begin
    return CutResult(path=dst, start=begin, duration=duration, exact=exact)
