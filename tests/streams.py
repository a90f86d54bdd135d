"""Read a clip's stream back from storage, as a player would, to check it is whole."""

from __future__ import annotations

from media_pipeline.hls import parse_playlist
from service.storage import keys
from service.storage.base import Storage


def read_text(storage: Storage, key: str) -> str:
    with storage.open(key) as handle:
        return handle.read().decode()


def finished_stream_keys(storage: Storage, clip_id: int, video: str | None = None) -> set[str]:
    """Return every key a finished stream names (master, playlists, headers, segments),
    checking each rendition's playlist has ended and names only files that are there; the
    stream of the clip's ``video`` (by default its processed one)."""
    master = keys.stream_master_key(clip_id, video)
    found = {master}
    renditions = [
        line.split("/")[0]
        for line in read_text(storage, master).splitlines()
        if line.endswith("/index.m3u8")
    ]
    assert renditions, "the master playlist names no rendition"
    for name in renditions:
        index = keys.stream_key(clip_id, f"{name}/index.m3u8", video)
        playlist = parse_playlist(read_text(storage, index))
        assert playlist.ended and playlist.init and playlist.segments
        found.add(index)
        found.add(keys.stream_key(clip_id, f"{name}/{playlist.init}", video))
        found |= {keys.stream_key(clip_id, f"{name}/{s}", video) for s, _ in playlist.segments}
    for key in found:
        assert storage.exists(key), key
    return found
