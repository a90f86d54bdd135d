"""What only the S3 backend does: prefixes, multipart uploads, presigned URLs.

Everything runs against moto's server over real HTTP (tests/s3.py); the common contract is
in test_storage.py.
"""

from __future__ import annotations

import hashlib
import io
import tracemalloc
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from service.errors import TooLarge
from service.storage.s3 import CONCURRENCY, PART_SIZE, S3Storage
from tests.service.test_storage import Breaks

MIB = 1024 * 1024
MIN_PART = 5 * MIB  # the smallest part S3 accepts


class Trickle(io.RawIOBase):
    """A long stream that arrives in small pieces, as a request body does; never all in memory."""

    def __init__(self, total: int, piece: int = 64 * 1024):
        self.total, self.piece, self.sent = total, piece, 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        count = min(self.piece, self.total - self.sent, size if size >= 0 else self.piece)
        data = bytes([self.sent // self.piece % 251]) * count
        self.sent += count
        self.digest.update(data)
        return data


def uploads_in_progress(s3_server, store: S3Storage) -> list[str]:
    found = s3_server.client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    return [upload["Key"] for upload in found.get("Uploads", [])]


def etag(s3_server, store: S3Storage, key: str) -> str:
    head = s3_server.client.head_object(Bucket=store.bucket, Key=store.prefix + key)
    return head["ETag"].strip('"')


def sha256_of(store: S3Storage, key: str) -> str:
    digest = hashlib.sha256()
    with store.open(key) as f:
        while chunk := f.read(MIB):
            digest.update(chunk)
    return digest.hexdigest()


def test_prefixes_keep_storages_apart(s3_server):
    first = S3Storage.from_url(s3_server.url())
    second = S3Storage.from_url(s3_server.url())
    first.put_stream("clips/1/original", io.BytesIO(b"first"))
    second.put_stream("clips/1/original", io.BytesIO(b"second"))
    second.put_stream("clips/2/original", io.BytesIO(b"more"))
    assert first.keys() == ["clips/1/original"]
    assert second.keys() == ["clips/1/original", "clips/2/original"]
    with first.open("clips/1/original") as f:
        assert f.read() == b"first"
    first.delete("clips/1/original")
    assert second.exists("clips/1/original") and not first.exists("clips/1/original")
    listed = s3_server.client.list_objects_v2(Bucket=s3_server.bucket, Prefix=second.prefix)
    assert sorted(o["Key"] for o in listed["Contents"]) == [
        second.prefix + "clips/1/original",
        second.prefix + "clips/2/original",
    ]


def test_a_url_without_a_prefix_uses_the_bucket_root(s3_server):
    store = S3Storage.from_url(f"s3://{s3_server.bucket}")
    assert store.prefix == ""
    with pytest.raises(ValueError):
        S3Storage.from_url(f"s3://{s3_server.bucket}/../elsewhere")


def test_a_failed_multipart_upload_is_aborted(s3_server):
    store = S3Storage.from_url(s3_server.url(), part_size=MIN_PART)
    store.put_stream("clips/1/video.mp4", io.BytesIO(b"kept"))
    # Seven good mebibytes: the first part is sent before the stream breaks.
    with pytest.raises(ConnectionResetError):
        store.put_stream("clips/1/video.mp4", Breaks(chunk=MIB, good_reads=7))
    with pytest.raises(TooLarge):
        store.put_stream("clips/2/original", Trickle(12 * MIB), max_bytes=11 * MIB)
    assert store.keys() == ["clips/1/video.mp4"]
    with store.open("clips/1/video.mp4") as f:
        assert f.read() == b"kept"  # the old object stands until a new one is complete
    assert uploads_in_progress(s3_server, store) == []


def test_a_stream_is_uploaded_in_whole_parts_with_bounded_memory(s3_server):
    store = S3Storage.from_url(s3_server.url(), part_size=MIN_PART)
    size = 64 * MIB
    stream = Trickle(size)
    tracemalloc.start()
    try:
        assert store.put_stream("clips/1/original", stream, max_bytes=size) == size
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # S3 refuses parts under 5 MiB but the last: small reads must not make small parts.
    assert etag(s3_server, store, "clips/1/original").endswith(f"-{size // MIN_PART + 1}")
    # In memory at most: a part per upload thread, one read and waiting for a thread, and the
    # one being read (twice, while its pieces are joined).
    assert peak < MIN_PART * (CONCURRENCY + 4) < size * 2 // 3
    assert sha256_of(store, "clips/1/original") == stream.digest.hexdigest()
    store.delete("clips/1/original")


def test_a_big_file_goes_up_in_parts_without_being_read_into_memory(s3_server, tmp_path):
    store = S3Storage.from_url(s3_server.url())
    source = tmp_path / "video.mp4"
    with open(source, "wb") as out:
        for i in range(24):
            out.write(bytes([i]) * MIB)
    tracemalloc.start()
    try:
        assert store.put_file("clips/1/video.mp4", source) == 24 * MIB
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert etag(s3_server, store, "clips/1/video.mp4").endswith(f"-{24 * MIB // PART_SIZE}")
    assert peak < 12 * MIB
    target = tmp_path / "back.mp4"
    store.download("clips/1/video.mp4", target)
    assert target.read_bytes() == source.read_bytes()
    assert uploads_in_progress(s3_server, store) == []
    store.delete("clips/1/video.mp4")


def test_a_presigned_url_serves_ranges(s3_server):
    store = S3Storage.from_url(s3_server.url())
    data = bytes(range(256)) * 40
    store.put_stream("clips/1/video.mp4", io.BytesIO(data))
    url = store.url_for("clips/1/video.mp4", mimetype="video/mp4", expires=600)
    assert url is not None and url.startswith(s3_server.endpoint + "/")
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Expires"] == ["600"]
    request = urllib.request.Request(url, headers={"Range": "bytes=100-199"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 100-199/{len(data)}"
        assert response.headers["Content-Type"] == "video/mp4"
        assert "private" in response.headers["Cache-Control"]
        assert response.read() == data[100:200]


def test_objects_are_private(s3_server, tmp_path):
    # moto does not check signatures, so what it can show is that we grant nobody anything.
    store = S3Storage.from_url(s3_server.url())
    store.put_stream("clips/1/original", io.BytesIO(b"stream"))
    source = tmp_path / "video.mp4"
    source.write_bytes(b"file")
    store.put_file("clips/1/video.mp4", source)
    for key in store.keys():
        acl = s3_server.client.get_object_acl(Bucket=store.bucket, Key=store.prefix + key)
        assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]
        assert acl["Grants"][0]["Grantee"]["Type"] == "CanonicalUser"  # the owner alone


def test_a_presigned_download_names_the_file(s3_server):
    store = S3Storage.from_url(s3_server.url())
    store.put_stream("clips/1/captions.vtt", io.BytesIO(b"WEBVTT\n"))
    url = store.url_for(
        "clips/1/captions.vtt", mimetype="text/vtt", expires=60, filename="Plenary transcript.vtt"
    )
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"] == "text/vtt"
        disposition = response.headers["Content-Disposition"]
        assert disposition == 'attachment; filename="Plenary transcript.vtt"'
        assert response.read() == b"WEBVTT\n"
    with pytest.raises(ValueError):
        store.url_for("clips/1/captions.vtt", mimetype="text/vtt", expires=60, filename='a"b')


@pytest.mark.parametrize("expires", [0, 3601, 7 * 24 * 3600])
def test_url_lifetimes_are_at_most_an_hour(s3_server, expires):
    store = S3Storage.from_url(s3_server.url())
    with pytest.raises(ValueError):
        store.url_for("clips/1/video.mp4", mimetype="video/mp4", expires=expires)
    url = store.url_for("clips/1/video.mp4", mimetype="video/mp4", expires=3600)
    assert int(parse_qs(urlsplit(url).query)["X-Amz-Expires"][0]) <= 3600


@pytest.mark.parametrize(
    "bucket, host",
    [
        ("coachreel", "coachreel.s3.eu-west-2.amazonaws.com"),
        ("media.example.org", "s3.eu-west-2.amazonaws.com"),  # dots: by path
    ],
)
def test_aws_urls_name_the_buckets_region(monkeypatch, bucket, host):
    # No request is made: presigning is local.
    for name in ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "coachreel-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "coachreel-test-secret")
    store = S3Storage(bucket, "media")
    url = urlsplit(store.url_for("clips/1/video.mp4", mimetype="video/mp4", expires=60))
    assert url.scheme == "https" and url.hostname == host
    assert url.path.endswith("/media/clips/1/video.mp4")


def test_a_missing_bucket_is_an_error_not_an_empty_store(s3_server):
    from botocore.exceptions import ClientError

    store = S3Storage.from_url("s3://coachreel-no-such-bucket/media")
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.keys()
    with pytest.raises(ClientError, match="NoSuchBucket"):
        store.put_stream("clips/1/original", io.BytesIO(b"x"))


def test_presigned_urls_name_the_public_endpoint(s3_server, s3_url):
    """Inside a deployment the app reaches MinIO as http://minio:9000; browsers need its
    public name, so URLs are signed for STORAGE_PUBLIC_URL while the app keeps its own."""
    public = s3_server.endpoint.replace("127.0.0.1", "localhost")
    store = S3Storage.from_url(s3_url, public_endpoint=public)
    store.put_stream("clips/5/poster.jpg", io.BytesIO(b"jpeg bytes"))
    url = store.url_for("clips/5/poster.jpg", mimetype="image/jpeg", expires=60)
    assert url.startswith(public + "/" + store.bucket + "/")
    with urllib.request.urlopen(url) as response:
        assert response.read() == b"jpeg bytes"
    assert store.client.meta.endpoint_url == s3_server.endpoint  # reads and writes unchanged
