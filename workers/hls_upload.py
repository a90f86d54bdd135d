"""Upload a clip's stream while ffmpeg writes it, so the clip plays before it is finished.

A thread looks at the work folder every half second. Each rendition's playlist is the truth:
ffmpeg lists a segment only once it has closed it, and renames each playlist into place, so
every segment a playlist names is complete. The segments (and the fMP4 header) go up first,
then the playlist that names them, then, once every rendition has a segment, the master
playlist: a reader of storage never finds a name whose file is not there yet. The seconds
every rendition has ready are reported for the page's timeline.
"""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from media_pipeline.hls import MASTER, PLAYLIST, Rendition, parse_playlist
from service.clips.stream import delete_stream
from service.storage import keys
from service.storage.base import Storage

log = logging.getLogger(__name__)


def clear_stream(storage: Storage, clip_id: int, video: str | None = None) -> int:
    """Delete every file of the stream of a clip's ``video`` (by default its processed one):
    a failed or restarted run's; count them."""
    return delete_stream(storage, keys.stream_prefix(clip_id, video))


class StreamUploader:
    """Copy the finished parts of a stream from ``folder`` to the stream keys of the clip's
    ``video`` (by default its processed one)."""

    def __init__(
        self,
        storage: Storage,
        clip_id: int,
        folder: Path,
        on_seconds: Callable[[float], None] | None = None,
        interval: float = 0.5,
        video: str | None = None,
    ):
        self.storage, self.clip_id, self.folder = storage, clip_id, folder
        self.video = video
        self.on_seconds, self.interval = on_seconds, interval
        self.names: list[str] = []
        self.uploaded: set[str] = set()  # names in the stream folder already in storage
        self.playlists: dict[str, str] = {}  # the text of each rendition's playlist uploaded
        self.seconds = 0.0
        self.master_uploaded = False
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.error: BaseException | None = None

    def plan(self, renditions: Sequence[Rendition]) -> None:
        """Learn the renditions ffmpeg is about to write."""
        with self._lock:
            self.names = [r.name for r in renditions]

    def __enter__(self) -> StreamUploader:
        self._thread = threading.Thread(
            target=self._run, name=f"stream-{self.clip_id}", daemon=True
        )
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        if kind is not None:
            return  # ffmpeg failed: the stage records it and clears the stream
        if self.error is not None:
            raise self.error
        self.sync()  # the last segments, and every playlist with its end

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sync()
            except Exception as exc:  # e.g. storage unreachable: fail the stage when it ends
                log.warning("clip %s: uploading the stream failed: %s", self.clip_id, exc)
                self.error = exc
                return

    def sync(self) -> None:
        """Upload whatever ffmpeg has finished since the last look."""
        with self._lock:
            names = list(self.names)
            if not names:
                return
            seconds = [self._sync_rendition(name) for name in names]
            if not self.master_uploaded and all(s > 0 for s in seconds):
                master = self.folder / MASTER
                if master.is_file():
                    self._put(MASTER, master)
                    self.master_uploaded = True
            ready = min(seconds)
            if self.master_uploaded and ready > self.seconds:
                self.seconds = ready
                if self.on_seconds is not None:
                    self.on_seconds(ready)

    def _sync_rendition(self, name: str) -> float:
        """Upload one rendition's new segments, then its playlist; return its seconds."""
        path = self.folder / name / PLAYLIST
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return 0.0
        playlist = parse_playlist(text)
        if not playlist.segments:
            return 0.0
        parts = [playlist.init] if playlist.init else []
        for part in (*parts, *(segment for segment, _ in playlist.segments)):
            if f"{name}/{part}" not in self.uploaded:
                self._put(f"{name}/{part}", self.folder / name / part)
        if self.playlists.get(name) != text:
            self._put_text(f"{name}/{PLAYLIST}", text)
            self.playlists[name] = text
        return playlist.seconds

    def _put(self, name: str, path: Path) -> None:
        self.storage.put_file(keys.stream_key(self.clip_id, name, self.video), path)
        self.uploaded.add(name)

    def _put_text(self, name: str, text: str) -> None:
        # The text we parsed, not the file again: ffmpeg may have replaced it meanwhile, and
        # its newer segments are not uploaded yet.
        key = keys.stream_key(self.clip_id, name, self.video)
        self.storage.put_stream(key, io.BytesIO(text.encode()))
