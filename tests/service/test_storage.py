"""The storage contract, run against the local folder and against S3 (moto's server).

S3-only behaviour (presigned URLs, multipart uploads, prefixes) is in test_storage_s3.py.
"""

import io
from datetime import timedelta

import pytest

from service.errors import TooLarge
from service.storage import make_storage
from service.storage.base import Storage
from service.storage.local import LocalStorage
from service.storage.s3 import S3Storage


class Breaks(io.RawIOBase):
    """A stream that fails part-way, like a dropped upload."""

    def __init__(self, chunk: int = 1000, good_reads: int = 2):
        self.calls, self.chunk, self.good_reads = 0, chunk, good_reads

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.calls += 1
        if self.calls > self.good_reads:
            raise ConnectionResetError("client went away")
        return b"x" * self.chunk


@pytest.fixture(params=["local", "s3"])
def backend_name(request) -> str:
    return request.param


@pytest.fixture
def store(backend_name, tmp_path, request) -> Storage:
    if backend_name == "local":
        return LocalStorage(tmp_path)
    return S3Storage.from_url(request.getfixturevalue("s3_url"))


def leftovers(store: Storage, tmp_path, s3_client=None) -> list[str]:
    """Whatever a failed write left behind: stray files, or unfinished multipart uploads."""
    if isinstance(store, LocalStorage):
        return [p.name for p in tmp_path.rglob("*") if p.is_file()]
    uploads = s3_client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    return [u["Key"] for u in uploads.get("Uploads", [])]


@pytest.fixture
def s3_client(backend_name, request):
    return request.getfixturevalue("s3_server").client if backend_name == "s3" else None


def test_put_open_size_delete(store):
    assert store.put_stream("clips/1/original", io.BytesIO(b"hello")) == 5
    assert store.exists("clips/1/original") and store.size("clips/1/original") == 5
    with store.open("clips/1/original") as f:
        f.seek(1)
        assert f.read(3) == b"ell"
    store.delete("clips/1/original")
    store.delete("clips/1/original")  # deleting twice is fine
    assert not store.exists("clips/1/original")


def test_round_trip_through_files(store, tmp_path):
    source = tmp_path / "in.bin"
    source.write_bytes(bytes(range(256)) * 100)
    assert store.put_file("clips/4/video.mp4", source) == 25600
    target = tmp_path / "out.bin"
    store.download("clips/4/video.mp4", target)
    assert target.read_bytes() == source.read_bytes()
    with store.open("clips/4/video.mp4") as f:
        assert f.read() == source.read_bytes()


def test_empty_object(store):
    assert store.put_stream("clips/5/captions.vtt", io.BytesIO(b"")) == 0
    assert store.exists("clips/5/captions.vtt") and store.size("clips/5/captions.vtt") == 0
    with store.open("clips/5/captions.vtt") as f:
        assert f.read() == b""


def test_open_is_seekable_like_a_file(store):
    data = bytes(range(256)) * 8192  # 2 MiB: more than one buffer's worth
    store.put_stream("clips/6/video.mp4", io.BytesIO(data))
    with store.open("clips/6/video.mp4") as f:
        assert f.seekable()
        assert f.seek(0, io.SEEK_END) == len(data)
        f.seek(len(data) - 10)
        assert f.read() == data[-10:]
        f.seek(1_500_000)
        assert f.read(100) == data[1_500_000:1_500_100]
        assert f.tell() == 1_500_100
        f.seek(-5, io.SEEK_CUR)
        assert f.read(5) == data[1_500_095:1_500_100]
        f.seek(100)
        assert f.read(2_000_000) == data[100:2_000_100]


def test_missing_objects(store, tmp_path):
    assert not store.exists("clips/9/video.mp4")
    with pytest.raises(FileNotFoundError):
        store.open("clips/9/video.mp4")
    with pytest.raises(FileNotFoundError):
        store.size("clips/9/video.mp4")
    with pytest.raises(FileNotFoundError):
        store.download("clips/9/video.mp4", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_failed_write_leaves_nothing(store, tmp_path, s3_client):
    with pytest.raises(ConnectionResetError):
        store.put_stream("clips/2/original", Breaks())
    with pytest.raises(TooLarge):
        store.put_stream("clips/3/original", io.BytesIO(b"z" * 5000), max_bytes=4096)
    assert store.keys() == []
    assert leftovers(store, tmp_path, s3_client) == []


def test_an_overwrite_is_atomic(store):
    store.put_stream("clips/1/video.mp4", io.BytesIO(b"first"))
    with pytest.raises(ConnectionResetError):
        store.put_stream("clips/1/video.mp4", Breaks())
    with store.open("clips/1/video.mp4") as f:
        assert f.read() == b"first"


def test_exactly_the_limit_is_allowed(store):
    assert store.put_stream("clips/7/original", io.BytesIO(b"a" * 4096), max_bytes=4096) == 4096
    assert store.size("clips/7/original") == 4096


def test_keys_lists_under_a_prefix(store):
    for key in ("clips/1/original", "clips/1/video.mp4", "clips/12/original", "other/x"):
        store.put_stream(key, io.BytesIO(b"x"))
    assert store.keys("clips/1/") == ["clips/1/original", "clips/1/video.mp4"]
    assert store.keys() == [
        "clips/1/original",
        "clips/1/video.mp4",
        "clips/12/original",
        "other/x",
    ]


def test_only_s3_offers_urls(store):
    store.put_stream("clips/8/poster.jpg", io.BytesIO(b"jpeg"))
    url = store.url_for("clips/8/poster.jpg", mimetype="image/jpeg", expires=60)
    assert (url is None) == isinstance(store, LocalStorage)


@pytest.mark.parametrize(
    "key",
    ["../etc/passwd", "/etc/passwd", "clips//1", "clips/./1", "clips/1/..", "", "clips/1/a b"],
)
def test_keys_cannot_escape_the_root(store, key):
    with pytest.raises(ValueError):
        store.put_stream(key, io.BytesIO(b"x"))
    with pytest.raises(ValueError):
        store.exists(key)


def test_make_storage_follows_the_settings(settings, s3_url):
    assert isinstance(make_storage(settings.with_overrides(storage_url=None)), LocalStorage)
    s3 = make_storage(settings.with_overrides(storage_url=s3_url))
    assert isinstance(s3, S3Storage)
    assert s3.prefix == s3_url.rsplit("/", 1)[1] + "/"
    s3.put_stream("clips/1/original", io.BytesIO(b"x"))
    assert s3.keys() == ["clips/1/original"]


def test_writes_cut_off_by_a_crash_are_removed_once_old(store, tmp_path, s3_client):
    store.put_stream("clips/3/video.mp4", io.BytesIO(b"complete"))
    # What a killed writer leaves: a hidden part file, or a multipart upload never completed.
    if isinstance(store, LocalStorage):
        (tmp_path / "clips" / "3" / ".part-killed").write_bytes(b"half")
    else:
        s3_client.create_multipart_upload(Bucket=store.bucket, Key=store.prefix + "clips/3/x")
    complete = [] if s3_client else ["video.mp4"]  # local leftovers() lists every file
    assert len(leftovers(store, tmp_path, s3_client)) == len(complete) + 1
    if s3_client is None:  # moto dates every multipart upload 2010-11-10, so only here:
        assert store.remove_incomplete(timedelta(hours=1)) == 0  # it may still be writing
    assert store.remove_incomplete(timedelta(0)) == 1
    assert leftovers(store, tmp_path, s3_client) == complete
    assert store.keys() == ["clips/3/video.mp4"]
    assert store.remove_incomplete(timedelta(0)) == 0


def test_delete_many_removes_every_key_past_one_request(store):
    # More keys than one DeleteObjects request takes, and one that is not there.
    doomed = [f"clips/9/hls/360/seg-{n:05d}.m4s" for n in range(1003)]
    for key in doomed:
        store.put_stream(key, io.BytesIO(b"s"))
    store.put_stream("clips/9/video.mp4", io.BytesIO(b"stays"))
    store.delete_many([*doomed, "clips/9/never-there.m4s"])
    assert store.keys("clips/9/") == ["clips/9/video.mp4"]
    store.delete_many([])  # nothing to do is not an error


def test_a_download_keeps_what_was_read_when_the_object_is_replaced(store, tmp_path):
    store.put_stream("clips/5/original", io.BytesIO(b"first version"))
    got = tmp_path / "work" / "original"
    got.parent.mkdir()
    store.download("clips/5/original", got)
    store.put_stream("clips/5/original", io.BytesIO(b"second"))  # replaced whole
    assert got.read_bytes() == b"first version"
    store.download("clips/5/original", got)  # again, over the older one
    assert got.read_bytes() == b"second"
    store.delete("clips/5/original")
    assert got.read_bytes() == b"second"  # the worker's copy outlives a deletion
