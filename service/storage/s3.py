"""The S3 storage backend (AWS S3, MinIO or any S3-compatible store), through boto3.

The endpoint, region and credentials come from boto3's usual environment variables
(``AWS_ENDPOINT_URL_S3`` or ``AWS_ENDPOINT_URL``, ``AWS_DEFAULT_REGION``,
``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``). The bucket stays private: objects are
written without ACLs and read back either through the app or through short-lived presigned
URLs.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

from service.errors import TooLarge
from service.storage.base import CHUNK, check_key

PART_SIZE = 8 * 1024 * 1024
CONCURRENCY = 4
MAX_PRESIGN_SECONDS = 3600
# Served media keeps the same caching rule as media streamed through the app.
CACHE_CONTROL = "private, max-age=0, must-revalidate"
_URL = re.compile(r"s3://([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:/(.*))?")
_FILENAME = re.compile(r"[A-Za-z0-9_. -]+")
_session: boto3.session.Session | None = None
_session_lock = threading.Lock()


DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes


def endpoint_url() -> str | None:
    """Return the S3 endpoint named in the environment, if any (MinIO, a test server)."""
    return os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None


def make_client(bucket: str = "", endpoint: str | None = None) -> Any:
    """Build an S3 client from boto3's environment variables (``endpoint`` overrides theirs)."""
    # MinIO and other self-hosted endpoints serve buckets by path, as AWS must for a bucket
    # with dots in its name (no certificate covers it as a host name). Otherwise the bucket's
    # regional host: left to itself botocore presigns on the global one, which fails for a
    # bucket outside us-east-1.
    style = "path" if endpoint or endpoint_url() or "." in bucket else "virtual"
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": style},
        retries={"mode": "standard", "max_attempts": 4},
        max_pool_connections=CONCURRENCY * 4,
    )
    global _session
    # boto3 sessions are not thread-safe, but building a client from a shared one under a lock
    # is; sharing it saves re-reading the S3 service model (a tenth of a second) per client.
    with _session_lock:
        if _session is None:
            _session = boto3.session.Session()
        return _session.client("s3", config=config, endpoint_url=endpoint)


def _is_missing(exc: ClientError) -> bool:
    """Say whether S3 answered that the key does not exist (a missing bucket is an error)."""
    error = exc.response.get("Error", {})
    if error.get("Code") == "NoSuchBucket":
        return False
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return status == 404 or error.get("Code") in {"404", "NoSuchKey", "NotFound"}


class _Limited:
    """Read a stream in whole parts, counting, and refuse to go past ``limit`` bytes.

    It offers only ``read``, so the transfer manager treats it as a plain stream and reads it
    one part at a time instead of seeking around in it. Each read returns all it was asked
    for unless the stream has ended: the transfer manager takes a short read for the end of
    the data (a short first read would make it read all the rest into memory, a short later
    one would make a part smaller than S3 accepts), and request bodies arrive in pieces.
    """

    def __init__(self, stream: BinaryIO, limit: int | None):
        self.stream, self.limit, self.total = stream, limit, 0

    def read(self, size: int = -1) -> bytes:
        wanted = size if size is not None and size >= 0 else None
        pieces: list[bytes] = []
        got = 0
        while wanted is None or got < wanted:
            piece = self.stream.read(CHUNK if wanted is None else min(CHUNK, wanted - got))
            if not piece:
                break
            got += len(piece)
            self.total += len(piece)
            if self.limit is not None and self.total > self.limit:
                raise TooLarge("This file is larger than the upload limit.")
            pieces.append(piece)
        return b"".join(pieces)


class S3Object(io.RawIOBase):
    """A seekable, read-only view of one object: each read is a ranged GET.

    ``If-Match`` pins the version that was opened, so an object replaced mid-read fails
    loudly instead of mixing the bytes of two versions.
    """

    def __init__(self, client: Any, bucket: str, key: str, size: int, etag: str):
        super().__init__()
        self._client, self._bucket, self._key = client, bucket, key
        self._size, self._etag, self._pos = size, etag, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._pos = base + offset
        return self._pos

    def _get(self, start: int, end: int) -> bytes:
        response = self._client.get_object(
            Bucket=self._bucket, Key=self._key, Range=f"bytes={start}-{end}", IfMatch=self._etag
        )
        with response["Body"] as body:
            data = body.read()
        if len(data) != end - start + 1:
            raise OSError(f"short read from S3 object {self._key!r}")
        return data

    def readinto(self, buffer: Any) -> int:
        if self.closed:
            raise ValueError("read from a closed object")
        count = min(len(buffer), self._size - self._pos)
        if count <= 0:
            return 0
        data = self._get(self._pos, self._pos + count - 1)
        memoryview(buffer).cast("B")[:count] = data
        self._pos += count
        return count

    def readall(self) -> bytes:
        # RawIOBase would read the rest in 8 KiB requests; one GET is enough.
        if self._pos >= self._size:
            return b""
        data = self._get(self._pos, self._size - 1)
        self._pos = self._size
        return data


class S3Storage:
    """Objects in one bucket, under an optional prefix that is prepended to every key."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        part_size: int = PART_SIZE,
        client: Any = None,
        public_endpoint: str | None = None,
    ):
        self.bucket = bucket
        # Browsers may reach the store under another name than the app does (MinIO is
        # http://minio:9000 inside the deployment, https://media.school.example outside):
        # presigned URLs are signed for that name.
        self.public_endpoint = public_endpoint
        self._presigner: Any = None
        prefix = prefix.strip("/")
        self.prefix = f"{check_key(prefix)}/" if prefix else ""
        self.transfer = TransferConfig(
            multipart_threshold=part_size,
            multipart_chunksize=part_size,
            max_concurrency=CONCURRENCY,
            preferred_transfer_client="classic",
        )
        # Parts read from a plain stream wait in memory: bound how many may wait at once.
        self.transfer.max_in_memory_upload_chunks = CONCURRENCY
        self._client = client if client is not None else make_client(bucket)
        self._pid = os.getpid()

    @classmethod
    def from_url(
        cls, url: str, *, part_size: int = PART_SIZE, public_endpoint: str | None = None
    ) -> S3Storage:
        """Build the storage named by ``s3://bucket`` or ``s3://bucket/prefix``."""
        match = _URL.fullmatch(url.strip())
        if not match:
            raise ValueError(f"not an s3://bucket/prefix URL: {url!r}")
        return cls(
            match.group(1),
            match.group(2) or "",
            part_size=part_size,
            public_endpoint=public_endpoint,
        )

    @property
    def client(self) -> Any:
        # RQ forks a work horse per job: a forked child must not share the parent's pooled
        # connections, so it opens its own client.
        if self._pid != os.getpid():
            self._client, self._pid = make_client(self.bucket), os.getpid()
        return self._client

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def _head(self, key: str) -> dict[str, Any]:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if _is_missing(exc):
                raise FileNotFoundError(f"no stored object {key!r}") from exc
            raise

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> int:
        # Multipart past one part: the object appears only once complete, and a failed or
        # refused upload is aborted by the transfer manager, leaving no parts behind.
        limited = _Limited(stream, max_bytes)
        self.client.upload_fileobj(limited, self.bucket, self._key(key), Config=self.transfer)
        return limited.total

    def put_file(self, key: str, path: str | os.PathLike[str]) -> int:
        size = os.path.getsize(path)
        # Given a file name, the transfer manager reads each part from disk as it sends it.
        self.client.upload_file(os.fspath(path), self.bucket, self._key(key), Config=self.transfer)
        return size

    def open(self, key: str) -> BinaryIO:
        head = self._head(key)
        size, etag = head["ContentLength"], head["ETag"]
        raw = S3Object(self.client, self.bucket, self._key(key), size, etag)
        return io.BufferedReader(raw, buffer_size=CHUNK)  # type: ignore[return-value]

    def download(self, key: str, path: str | os.PathLike[str]) -> None:
        try:
            # Written to a temporary name beside ``path`` and renamed once complete.
            self.client.download_file(
                self.bucket, self._key(key), os.fspath(path), Config=self.transfer
            )
        except ClientError as exc:
            if _is_missing(exc):
                raise FileNotFoundError(f"no stored object {key!r}") from exc
            raise

    def size(self, key: str) -> int:
        return self._head(key)["ContentLength"]

    def exists(self, key: str) -> bool:
        try:
            self._head(key)
        except FileNotFoundError:
            return False
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_many(self, keys: Sequence[str]) -> None:
        # DeleteObjects takes up to 1,000 keys a request: a long lesson's stream is a few
        # hundred segments, gone in one request instead of one each.
        for start in range(0, len(keys), DELETE_BATCH):
            batch = [{"Key": self._key(key)} for key in keys[start : start + DELETE_BATCH]]
            answer = self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch, "Quiet": True}
            )
            if errors := answer.get("Errors"):
                first = errors[0]
                raise OSError(
                    f"could not delete {len(errors)} object(s), first {first.get('Key')}: "
                    f"{first.get('Code')} {first.get('Message')}"
                )

    def keys(self, prefix: str = "") -> list[str]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix + prefix
        )
        start = len(self.prefix)
        return sorted(item["Key"][start:] for page in pages for item in page.get("Contents", []))

    def remove_incomplete(self, older_than: timedelta) -> int:
        # A worker killed mid-upload leaves its multipart upload open: its parts are stored
        # (and billed) until aborted, though no object ever appears.
        cutoff = datetime.now(UTC) - older_than
        pages = self.client.get_paginator("list_multipart_uploads").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        removed = 0
        for page in pages:
            for upload in page.get("Uploads", []):
                if upload["Initiated"] <= cutoff:
                    self.client.abort_multipart_upload(
                        Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    removed += 1
        return removed

    def _signer(self) -> Any:
        if self.public_endpoint is None:
            return self.client
        if self._presigner is None:
            self._presigner = make_client(self.bucket, endpoint=self.public_endpoint)
        return self._presigner

    def url_for(
        self, key: str, *, mimetype: str, expires: int, filename: str | None = None
    ) -> str | None:
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"a presigned URL lives 1 to {MAX_PRESIGN_SECONDS} seconds")
        params = {
            "Bucket": self.bucket,
            "Key": self._key(key),
            "ResponseContentType": mimetype,
            "ResponseCacheControl": CACHE_CONTROL,
        }
        if filename is not None:
            if not _FILENAME.fullmatch(filename):
                raise ValueError(f"unsafe download name {filename!r}")
            params["ResponseContentDisposition"] = f'attachment; filename="{filename}"'
        return self._signer().generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
