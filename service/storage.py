"""Where media bytes live: a narrow interface with a local-folder backend (S3 in storage_s3).

Keys are relative, slash-separated names such as ``clips/12/video.mp4``. Writes are atomic:
an object appears under its key only once it is complete, so a crash mid-write leaves nothing
half written for a reader to find.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

from service.errors import TooLarge

if TYPE_CHECKING:
    from config import Settings

CHUNK = 1024 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*$")


class Storage(Protocol):
    """What every storage backend offers."""

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> int:
        """Copy a stream to ``key`` in chunks, returning its size; raise TooLarge past max_bytes."""
        ...

    def put_file(self, key: str, path: str | os.PathLike[str]) -> int:
        """Copy a local file to ``key``, returning its size."""
        ...

    def open(self, key: str) -> BinaryIO:
        """Open ``key`` for reading, seekable so Range requests can be served."""
        ...

    def download(self, key: str, path: str | os.PathLike[str]) -> None:
        """Copy ``key`` to a local file."""
        ...

    def size(self, key: str) -> int:
        """Return the object's size in bytes."""
        ...

    def exists(self, key: str) -> bool:
        """Say whether ``key`` holds a complete object."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key``; removing a missing key is not an error."""
        ...

    def keys(self, prefix: str = "") -> list[str]:
        """List the keys under ``prefix``."""
        ...

    def remove_incomplete(self, older_than: timedelta) -> int:
        """Remove what writes cut off by a crash left (older than ``older_than``); count them."""
        ...

    def url_for(
        self, key: str, *, mimetype: str, expires: int, filename: str | None = None
    ) -> str | None:
        """Return a URL a browser may fetch ``key`` from for ``expires`` seconds, or None.

        None means the backend has no such URL and the app must stream the bytes itself.
        """
        ...


def check_key(key: str) -> str:
    """Refuse keys that could escape the storage root."""
    if not _KEY.match(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"invalid storage key {key!r}")
    return key


class LocalStorage:
    """Objects as files under one folder."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _write(self, key: str, copy) -> int:  # noqa: ANN001
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Temporary names start with "." so keys() never lists them.
        fd, tmp_name = tempfile.mkstemp(prefix=".part-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                size = copy(out)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return size

    def put_stream(self, key: str, stream: BinaryIO, max_bytes: int | None = None) -> int:
        def copy(out: BinaryIO) -> int:
            total = 0
            while chunk := stream.read(CHUNK):
                total += len(chunk)
                if max_bytes is not None and total > max_bytes:
                    raise TooLarge("This file is larger than the upload limit.")
                out.write(chunk)
            return total

        return self._write(key, copy)

    def put_file(self, key: str, path: str | os.PathLike[str]) -> int:
        with open(path, "rb") as source:
            return self.put_stream(key, source)

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def download(self, key: str, path: str | os.PathLike[str]) -> None:
        with self.open(key) as source, open(path, "wb") as out:
            shutil.copyfileobj(source, out, CHUNK)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, prefix: str = "") -> list[str]:
        base = self.root
        found = []
        for path in base.rglob("*"):
            if path.is_file() and not path.name.startswith("."):
                key = path.relative_to(base).as_posix()
                if key.startswith(prefix):
                    found.append(key)
        return sorted(found)

    def remove_incomplete(self, older_than: timedelta) -> int:
        cutoff = time.time() - older_than.total_seconds()
        removed = 0
        for path in self.root.rglob(".part-*"):
            try:
                if path.is_file() and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                continue  # its write finished (renamed) or another sweeper took it
        return removed

    def url_for(
        self, key: str, *, mimetype: str, expires: int, filename: str | None = None
    ) -> str | None:
        return None  # files on this machine are only ever served through the app


def make_storage(settings: Settings) -> Storage:
    """Build the configured storage backend: S3 when STORAGE_URL is set, else the media folder."""
    if settings.storage_url:
        from service.storage_s3 import S3Storage  # boto3 is loaded only where S3 is used

        return S3Storage.from_url(settings.storage_url, public_endpoint=settings.storage_public_url)
    return LocalStorage(settings.media_dir)
