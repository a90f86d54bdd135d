"""Make synthetic clips with ffmpeg's own test sources, for tests, the demo and benchmarks."""

import os
import subprocess

from .ffmpeg import ffmpeg_binary, file_url

# Container families whose muxer understands -movflags.
_MOV_EXTENSIONS = frozenset({".mp4", ".mov", ".m4v", ".m4a", ".3gp"})

# Fast settings per encoder: the clips only need to be valid, not pretty.
_VIDEO_ARGS: dict[str, list[str]] = {
    "libx264": ["-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "libx265": ["-preset", "ultrafast", "-pix_fmt", "yuv420p"],
    "mpeg4": ["-q:v", "5"],
    "libxvid": ["-q:v", "5"],
    "libvpx": ["-deadline", "realtime", "-cpu-used", "8", "-b:v", "1M"],
    # VP9 is slow unless told to be quick; row-mt lets it use more than one core.
    "libvpx-vp9": ["-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1", "-b:v", "1M"],
    "mjpeg": ["-q:v", "5", "-pix_fmt", "yuvj420p"],
}


def make_test_clip(
    dst: str | os.PathLike[str],
    *,
    duration: float = 3.0,
    width: int = 320,
    height: int = 240,
    fps: int = 25,
    vcodec: str = "libx264",
    acodec: str | None = "aac",
    container: str | None = None,
    faststart: bool = True,
    tone_hz: int = 440,
    ffmpeg: str | None = None,
    video_source: str = "testsrc2",
    rotation: int = 0,
) -> str:
    """Write a synthetic clip (a moving test pattern and a tone) to `dst` and return its path."""
    dst = os.fspath(dst)
    ext = os.path.splitext(dst)[1].lower()
    # lavfi source options are "name=k=v:k=v"; append ours to whatever the caller gave,
    # so "color=c=black" works as well as "testsrc2".
    sep = ":" if "=" in video_source else "="
    video = f"{video_source}{sep}size={width}x{height}:rate={fps}:duration={duration}"
    args = [ffmpeg_binary(ffmpeg), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
    if rotation:
        # A display-matrix rotation on the input, kept (not applied) by -noautorotate, is
        # exactly how phones mark portrait video.
        args += ["-display_rotation", str(rotation), "-noautorotate"]
    args += ["-f", "lavfi", "-i", video]
    if acodec:
        audio = f"sine=frequency={tone_hz}:sample_rate=48000:duration={duration}"
        args += ["-f", "lavfi", "-i", audio]
    args += ["-map", "0:v"] + (["-map", "1:a"] if acodec else [])
    args += ["-c:v", vcodec, *_VIDEO_ARGS.get(vcodec, [])]
    if acodec:
        args += ["-c:a", acodec, "-ac", "2"]
    if faststart and (
        container in ("mp4", "mov") or (container is None and ext in _MOV_EXTENSIONS)
    ):
        args += ["-movflags", "+faststart"]
    if container:
        args += ["-f", container]
    args += ["-t", str(duration), file_url(dst)]
    subprocess.run(args, check=True, capture_output=True)
    return dst
