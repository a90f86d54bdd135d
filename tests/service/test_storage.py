import io

import pytest

from service.errors import TooLarge
from service.storage import LocalStorage


class Breaks(io.RawIOBase):
    """A stream that fails part-way, like a dropped upload."""

    def __init__(self):
        self.calls = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > 2:
            raise ConnectionResetError("client went away")
        return b"x" * 1000


def test_put_open_size_delete(tmp_path):
    store = LocalStorage(tmp_path)
    assert store.put_stream("clips/1/original", io.BytesIO(b"hello")) == 5
    assert store.exists("clips/1/original") and store.size("clips/1/original") == 5
    with store.open("clips/1/original") as f:
        f.seek(1)
        assert f.read(3) == b"ell"
    store.delete("clips/1/original")
    store.delete("clips/1/original")  # deleting twice is fine
    assert not store.exists("clips/1/original")


def test_a_failed_write_leaves_nothing(tmp_path):
    store = LocalStorage(tmp_path)
    with pytest.raises(ConnectionResetError):
        store.put_stream("clips/2/original", Breaks())
    with pytest.raises(TooLarge):
        store.put_stream("clips/3/original", io.BytesIO(b"z" * 5000), max_bytes=4096)
    assert store.keys() == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == []


def test_an_overwrite_is_atomic(tmp_path):
    store = LocalStorage(tmp_path)
    store.put_stream("clips/1/video.mp4", io.BytesIO(b"first"))
    with pytest.raises(ConnectionResetError):
        store.put_stream("clips/1/video.mp4", Breaks())
    with store.open("clips/1/video.mp4") as f:
        assert f.read() == b"first"


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "/etc/passwd", "clips//1", "clips/./1", "clips/1/..", "", "clips/1/a b"],
)
def test_keys_cannot_escape_the_root(tmp_path, key):
    with pytest.raises(ValueError):
        LocalStorage(tmp_path).put_stream(key, io.BytesIO(b"x"))
