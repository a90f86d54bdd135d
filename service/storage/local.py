"""The local-folder storage backend."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from service.errors import TooLarge

if TYPE_CHECKING:
    pass
from service.storage.base import CHUNK, check_key


class LocalStorage:
    """Objects as files under one folder."""

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _write(self, key: str, copy) -> int:
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
        # A hard link where the folders share a disk: a 2 GB lesson is in the worker's folder
        # at once instead of after a copy. Objects are only ever replaced whole (a new file
        # renamed over the key), never written in place, so the link keeps what was read.
        source = self._path(key)
        Path(path).unlink(missing_ok=True)
        try:
            os.link(source, path)
            return
        except FileNotFoundError:
            raise
        except OSError:
            pass  # another disk, or links not allowed: copy
        with self.open(key) as stream, open(path, "wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)

    def size(self, key: str) -> int:
        return self._path(key).stat().st_size

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_many(self, keys: Sequence[str]) -> None:
        for key in keys:
            self.delete(key)

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
