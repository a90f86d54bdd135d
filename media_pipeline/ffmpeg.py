"""Find the ffmpeg binary and the input options that keep it reading only the upload."""

import functools
import os
import shutil

# Demuxers for ordinary camera, phone and screen-recorder files. Anything else (hls, dash,
# concat, image2, *_pipe, lavfi, devices, subtitle formats, ...) is refused: several of those
# read *other* files or URLs named inside the upload, which a hostile upload would use to pull
# /etc/passwd or another teacher's video into its output. The audio-only formats are here only
# so that a voice memo gets the helpful "sound but no picture" answer rather than "not a video".
# FFmpeg matches this list against any name in a demuxer's comma-separated name, so "mov" alone
# would cover "mov,mp4,m4a,3gp,3g2,mj2"; the family is spelled out for readers.
DEMUXER_WHITELIST: tuple[str, ...] = (
    "mov",
    "mp4",
    "m4a",
    "3gp",
    "3g2",
    "mj2",
    "matroska",
    "webm",
    "avi",
    "mpegts",
    "mpeg",
    "flv",
    "asf",
    "ogg",
    "dv",
    "mp3",
    "aac",
    "wav",
    "flac",
)


# The largest picture we decode: 8K (DCI, 8192x4320). A crafted file can declare 16000x16000
# (or 16-bit RGBA, 8 bytes a pixel) in a few hundred bytes, and every decoder would then allocate
# up to 2 GB per frame, per thread: a decompression bomb. FFmpeg's own limit is far higher.
MAX_SIDE = 8192
MAX_PIXELS = 8192 * 4320
# The smallest picture worth watching, on its short side: below this (a 2x2 "video") it shows
# one colour, not a classroom. Old phones' QCIF is 176x144; 96 leaves room for any real camera.
MIN_SIDE = 96


def decoder_options() -> dict[str, str]:
    """Return the AVCodecContext options that stop a decoder allocating a bomb's pictures."""
    # max_pixels makes the decoder refuse (EINVAL) a picture over the limit before allocating it.
    return {"max_pixels": str(MAX_PIXELS)}


def input_options() -> dict[str, str]:
    """Return the AVFormatContext options that confine a demuxer to the one local file."""
    # Both are needed, and neither is enough alone: with protocol_whitelist=file only, the hls
    # and concat demuxers still happily open other *local* files named in the playlist; the
    # format whitelist is what refuses those demuxers. The same names work for PyAV's
    # av.open(options=...) and as ffmpeg CLI input options.
    return {
        "protocol_whitelist": "file",
        "format_whitelist": ",".join(DEMUXER_WHITELIST),
    }


def file_url(path: str | os.PathLike[str]) -> str:
    """Return an unambiguous FFmpeg URL for a local path."""
    # FFmpeg reads "name:rest" as protocol "name", and a leading "-" as an option on the CLI;
    # "file:" plus an absolute path is always the plain local file.
    return "file:" + os.path.abspath(os.fspath(path))


def ffmpeg_binary(configured: str | None = None) -> str:
    """Return the ffmpeg executable to run: the configured one, else the bundled one."""
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise ValueError(f"ffmpeg binary {configured!r} does not exist or is not executable")
        return os.path.abspath(found)
    return _bundled()


@functools.cache
def _bundled() -> str:
    # imageio-ffmpeg ships a static build with libx264, so the embedded default needs
    # nothing installed on the machine. Imported lazily: nothing happens at import time.
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()
