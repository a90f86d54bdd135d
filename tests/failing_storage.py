"""A real storage backend that refuses to delete one key, as a refused S3 call would."""

from __future__ import annotations

from collections.abc import Sequence


class FailingStorage:
    """The real backend, except that deleting one key fails; a batch deletes the others (as
    S3's DeleteObjects does) and then fails."""

    def __init__(self, storage, failing_key: str):
        self._storage, self.failing_key = storage, failing_key

    def delete(self, key: str) -> None:
        if key == self.failing_key:
            raise OSError(f"storage refused to delete {key}")
        self._storage.delete(key)

    def delete_many(self, keys: Sequence[str]) -> None:
        self._storage.delete_many([key for key in keys if key != self.failing_key])
        if self.failing_key in keys:
            raise OSError(f"storage refused to delete {self.failing_key}")

    def __getattr__(self, name: str):
        return getattr(self._storage, name)
