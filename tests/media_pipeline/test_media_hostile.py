"""Hostile uploads: playlists and concat scripts that point ffmpeg at other files.

An HLS playlist or an ffconcat script is a text file naming other files to read. Renamed
.mp4 and uploaded, it would make an unconfined ffmpeg copy another local file (a secret,
another teacher's video) into the "transcoded" output. probe and make_playable must refuse
such files as NotAVideo without ever opening what they name.
"""

import dataclasses
import os
import shutil
import threading
from pathlib import Path

import av
import pytest

from media_pipeline import (
    DamagedVideo,
    EmptyVideo,
    MediaError,
    NotAVideo,
    NoVideoStream,
    make_playable,
    probe,
)


def _playlist(target: str) -> str:
    return f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:10,\n{target}\n#EXT-X-ENDLIST\n"


def _ffconcat(target: str) -> str:
    return f"ffconcat version 1.0\nfile '{target}'\n"


# (upload name, script builder); relative targets are the dangerous ones: concat only
# refuses absolute paths by default ("unsafe"), and hls only guesses .m3u8 names.
SCRIPTS = [
    ("playlist.m3u8", _playlist),
    ("playlist.mp4", _playlist),
    ("concat.ffconcat", _ffconcat),
    ("concat.mp4", _ffconcat),
]


class Tripwire:
    """A named pipe that records whether anyone opened it for reading."""

    def __init__(self, path: Path) -> None:
        self.path = path
        os.mkfifo(path)
        self.opened = threading.Event()
        # Opening a FIFO for writing blocks until a reader opens it: so this thread wakes up
        # exactly when something reads the file.
        self._thread = threading.Thread(target=self._wait_for_reader, daemon=True)
        self._thread.start()

    def _wait_for_reader(self) -> None:
        with open(self.path, "wb") as pipe:
            self.opened.set()
            try:
                pipe.write(b"SECRET " * 1000)
            except BrokenPipeError:
                pass

    def was_read(self) -> bool:
        return self.opened.wait(0.3)

    def disarm(self) -> None:
        # Open the read end ourselves so the writer thread can finish.
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        self._thread.join(5)
        os.close(fd)


@pytest.fixture
def tripwire(tmp_path):
    wire = Tripwire(tmp_path / "secret.ts")
    yield wire
    wire.disarm()


@pytest.mark.parametrize(("name", "script"), [s for s in SCRIPTS if s[0] != "playlist.mp4"])
def test_the_attack_is_real_without_our_options(clip, tmp_path, name, script):
    # The control: plain PyAV follows the script to the clip it names. Even FFmpeg's
    # protocol whitelist alone does not stop it, since the named file is a local one.
    # (A playlist renamed .mp4 is the exception: FFmpeg only guesses HLS from an .m3u8 name.)
    shutil.copy(clip("h264.mp4"), tmp_path / "other_teacher.mp4")
    upload = tmp_path / name
    upload.write_text(script("other_teacher.mp4"))

    with av.open(str(upload), options={"protocol_whitelist": "file"}) as container:
        assert container.format.name in ("hls", "concat")
        assert container.streams.video

    with pytest.raises(NotAVideo):
        probe(upload)


@pytest.mark.parametrize(("name", "script"), SCRIPTS)
@pytest.mark.parametrize("absolute", [False, True])
def test_probe_never_opens_the_named_file(tmp_path, tripwire, name, script, absolute):
    upload = tmp_path / name
    upload.write_text(script(str(tripwire.path) if absolute else tripwire.path.name))

    with pytest.raises(NotAVideo):
        probe(upload)

    assert not tripwire.was_read()


@pytest.mark.parametrize(("name", "script"), SCRIPTS)
def test_make_playable_never_opens_the_named_file(tmp_path, out_dir, tripwire, name, script):
    upload = tmp_path / name
    upload.write_text(script(tripwire.path.name))

    with pytest.raises(NotAVideo):
        make_playable(upload, out_dir / "video.mp4")

    assert not tripwire.was_read()
    assert os.listdir(out_dir) == []


@pytest.mark.parametrize("demuxer", ["hls", "concat"])
def test_ffmpeg_refuses_the_script_even_when_told_its_format(
    clip, tmp_path, out_dir, tripwire, demuxer
):
    # Even a caller passing a forged MediaInfo cannot make the ffmpeg command line read the
    # named file: the same format whitelist is given to ffmpeg as an input option.
    upload = tmp_path / "upload.mp4"
    script = _playlist if demuxer == "hls" else _ffconcat
    upload.write_text(script(tripwire.path.name))
    forged = dataclasses.replace(probe(clip("mpeg4.avi", vcodec="mpeg4")), format_name=demuxer)

    with pytest.raises(DamagedVideo) as caught:
        make_playable(upload, out_dir / "video.mp4", info=forged)

    assert "not on whitelist" in caught.value.detail
    assert not tripwire.was_read()
    assert os.listdir(out_dir) == []


def _cut(source: Path, fraction: float = 0.6) -> bytes:
    data = source.read_bytes()
    return data[: int(len(data) * fraction)]


VP9 = {"vcodec": "libvpx-vp9", "acodec": "libopus"}

# (upload name, how to write it given the clip factory, the error a teacher should see)
BAD_UPLOADS = [
    ("notes.mp4", lambda c: b"Observation notes\n" * 100, NotAVideo),
    ("empty.mov", lambda c: b"", NotAVideo),
    ("photo.mp4", lambda c: b"\xff\xd8\xff\xe0" + bytes(2000), NotAVideo),
    ("cut.mp4", lambda c: _cut(c("late.mp4", faststart=False)), DamagedVideo),
    ("cut_faststart.mp4", lambda c: _cut(c("h264.mp4")), DamagedVideo),
    (
        "cut.webm",
        lambda c: _cut(c("vp9.webm", vcodec="libvpx-vp9", acodec="libopus")),
        DamagedVideo,
    ),
]


@pytest.mark.parametrize(("name", "content", "error"), BAD_UPLOADS)
def test_bad_uploads_leave_no_output(clip, tmp_path, out_dir, name, content, error):
    upload = tmp_path / name
    upload.write_bytes(content(clip))

    with pytest.raises(error) as caught:
        make_playable(upload, out_dir / "video.mp4")

    assert isinstance(caught.value, MediaError)
    assert caught.value.reason
    assert os.listdir(out_dir) == []


def test_audio_only_upload_leaves_no_output(tmp_path, out_dir, run_ffmpeg):
    voice = tmp_path / "voice.m4a"
    run_ffmpeg("-f", "lavfi", "-i", "sine=duration=1", "-c:a", "aac", voice)

    with pytest.raises(NoVideoStream):
        make_playable(voice, out_dir / "video.mp4")

    assert os.listdir(out_dir) == []


def test_empty_recording_leaves_no_output(tmp_path, out_dir, run_ffmpeg):
    nothing = tmp_path / "nothing.mp4"
    run_ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "0", nothing)

    with pytest.raises(EmptyVideo):
        make_playable(nothing, out_dir / "video.mp4")

    assert os.listdir(out_dir) == []
