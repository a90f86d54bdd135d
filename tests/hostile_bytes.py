"""Byte-level builders for the crafted-upload corpus (tests/hostile_files.py): MP4 boxes
edited in place, AVI files assembled chunk by chunk, and small PNG, PDF and zip files.
Nothing here is downloaded."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib


def _find_box(data: bytes | bytearray, kind: bytes, start: int = 0) -> int:
    """Return the offset of the first box of ``kind`` (its size field), searching from start."""
    at = data.find(kind, start + 4)
    if at < 0:
        raise ValueError(f"no {kind!r} box")
    return at - 4


def _all_boxes(data: bytes | bytearray, kind: bytes) -> list[int]:
    found, at = [], 0
    while (at := data.find(kind, at)) >= 0:
        found.append(at - 4)
        at += 4
    return found


def ten_hours(mp4: bytes, timeline: bool) -> bytes:
    """Declare ten hours in the movie, track and media headers; with ``timeline``, also time
    the video's frames (sample table and edit list) to last that long.

    FFmpeg believes only the sample tables: the headers alone do not lengthen a clip."""
    data = bytearray(mp4)
    for kind, scale_at, duration_at in ((b"mvhd", 20, 24), (b"mdhd", 20, 24)):
        for box in _all_boxes(data, kind):
            assert data[box + 8] == 0, "version 0 headers only"
            scale = struct.unpack_from(">I", data, box + scale_at)[0]
            struct.pack_into(">I", data, box + duration_at, scale * 36_000)
    for box in _all_boxes(data, b"tkhd"):
        mvhd = _find_box(data, b"mvhd")
        scale = struct.unpack_from(">I", data, mvhd + 20)[0]
        struct.pack_into(">I", data, box + 28, scale * 36_000)
    if timeline:
        mvhd = _find_box(data, b"mvhd")
        scale = struct.unpack_from(">I", data, mvhd + 20)[0]
        for box in _all_boxes(data, b"elst"):
            struct.pack_into(">I", data, box + 16, scale * 36_000)
        stts = _find_box(data, b"stts")  # the video track's: it comes first
        delta = struct.unpack_from(">I", data, stts + 20)[0]
        struct.pack_into(">I", data, stts + 20, delta * 36_000)
    return bytes(data)


def huge_header_dimensions(mp4: bytes, side: int = 65535) -> bytes:
    """Declare side x side pixels in the track header and the video sample entry."""
    data = bytearray(mp4)
    for box in _all_boxes(data, b"tkhd"):
        if struct.unpack_from(">I", data, box + 84)[0]:  # the video track has a size
            struct.pack_into(">II", data, box + 84, side << 16, side << 16)
    entry = _find_box(data, b"avc1")
    struct.pack_into(">HH", data, entry + 8 + 24, side, side)
    return bytes(data)


def corrupt_mdat(mp4: bytes, rng: random.Random) -> bytes:
    """Overwrite a stretch in the middle of the media data with noise."""
    data = bytearray(mp4)
    mdat = _find_box(data, b"mdat")
    size = struct.unpack_from(">I", data, mdat)[0]
    middle = mdat + size // 2
    data[middle : middle + 3000] = rng.randbytes(3000)
    return bytes(data)


def brand(mp4: bytes, brand: bytes) -> bytes:
    data = bytearray(mp4)
    ftyp = _find_box(data, b"ftyp")
    data[ftyp + 8 : ftyp + 12] = brand
    # The compatible brands too, so nothing familiar is left.
    size = struct.unpack_from(">I", data, ftyp)[0]
    for at in range(ftyp + 16, ftyp + size, 4):
        data[at : at + 4] = brand
    return bytes(data)


# ---- RIFF (AVI) writing ----


def _chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\0" if len(payload) % 2 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def _list(kind: bytes, payload: bytes) -> bytes:
    return _chunk(b"LIST", kind + payload)


def _strh(kind: bytes, handler: bytes, rate: int, length: int) -> bytes:
    # fccType, fccHandler, flags, priority, language, initial frames, scale, rate, start,
    # length, suggested buffer size, quality (-1: default), sample size, rcFrame.
    fields = (kind, handler, 0, 0, 0, 0, 1, rate, 0, length, 0, 0xFFFFFFFF, 0, 0, 0, 0, 0)
    return _chunk(b"strh", struct.pack("<4s4sIHHIIIIIIIIhhhh", *fields))


def avi(
    frames: list[bytes],
    width: int,
    height: int,
    extra: list[tuple[bytes, bytes]],
    fourcc: bytes = b"MJPG",
) -> bytes:
    """An AVI at 10 fps; ``extra`` adds (strl payload, movi chunk) for a second stream."""
    streams = 1 + len(extra)
    avih = struct.pack(
        "<IIIIIIIIII16x", 100_000, 0, 0, 0x10, len(frames), 0, streams, 0, width, height
    )
    bmih = struct.pack("<IiiHH4sIiiII", 40, width, height, 1, 24, fourcc, 0, 0, 0, 0, 0)
    video = _list(b"strl", _strh(b"vids", fourcc, 10, len(frames)) + _chunk(b"strf", bmih))
    header = _list(b"hdrl", _chunk(b"avih", avih) + video + b"".join(s for s, _ in extra))
    chunks = [(b"00dc", f) for f in frames] + [(c[:4], c[4:]) for _, c in extra]
    movi, index, offset = b"movi", b"", 4
    for fourcc, payload in chunks:
        index += struct.pack("<4sIII", fourcc, 0x10, offset, len(payload))
        movi += _chunk(fourcc, payload)
        offset = len(movi)
    body = b"AVI " + header + _chunk(b"LIST", movi) + _chunk(b"idx1", index)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _gab2(playlist: str) -> bytes:
    """A GAB2 subtitle packet (as DivX writes) whose payload is an HLS playlist.

    The shape of CVE-2017-9993: FFmpeg's AVI demuxer probed the payload with every demuxer, so
    an HLS playlist there made it read local files into the "subtitles"."""
    name = "English".encode("utf-16-le") + b"\0\0"
    payload = playlist.encode()
    return (
        b"GAB2\0"
        + struct.pack("<H", 2)
        + struct.pack("<I", len(name))
        + name
        + struct.pack("<H", 4)
        + struct.pack("<I", len(payload))
        + payload
    )


def sof_dimensions(jpeg: bytes, width: int, height: int) -> bytes:
    data = bytearray(jpeg)
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def _png(width: int, height: int) -> bytes:
    """A grey PNG of width x height, all zeros: a few hundred KB that decode to width*height."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    deflate, row = zlib.compressobj(9), bytes(width + 1)  # a filter byte, then the pixels
    idat = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def png_bomb_avi(side: int = 12000, frames: int = 3, declared: int | None = None) -> bytes:
    """An AVI of PNG frames of side x side pixels (the header may declare another size)."""
    picture = _png(side, side)
    size = side if declared is None else declared
    return avi([picture] * frames, size, size, [], fourcc=b"MPNG")


def hls_playlist(target: str) -> str:
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n"


def pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def zip_archive(inner: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("lesson.mp4", inner)
    return buffer.getvalue()


def gab2_stream(playlist: str) -> tuple[bytes, bytes]:
    strl = _list(b"strl", _strh(b"txts", b"\0\0\0\0", 10, 1) + _chunk(b"strf", b""))
    return strl, b"01tx" + _gab2(playlist)


def corrupt_mdat_avi(avi: bytes, rng: random.Random) -> bytes:
    data = bytearray(avi)
    movi = data.find(b"movi")
    middle = movi + (len(data) - movi) // 2
    data[middle : middle + 2000] = rng.randbytes(2000)
    return bytes(data)
