"""make_stream: one ffmpeg run writes the HLS ladder as it goes; its top rung is the MP4."""

import threading
import time

import pytest

from media_pipeline import DamagedVideo, TooLong, probe, probe_sound
from media_pipeline.hls import (
    NAME,
    StreamOptions,
    copy_stream,
    join_rendition,
    make_stream,
    parse_playlist,
    plan,
    read_playlist,
)
from service.storage.keys import STREAM_NAME

LADDER = StreamOptions(ladder=(180, 240))


def _renditions(folder):
    master = (folder / "master.m3u8").read_text()
    return [line.split("/")[0] for line in master.splitlines() if line.endswith("index.m3u8")]


def test_hevc_is_encoded_into_a_ladder_whose_top_rung_is_the_mp4(clip, out_dir):
    src = clip("phone_hevc.mp4", vcodec="libx265", duration=9)
    folder, mp4 = out_dir / "hls", out_dir / "video.mp4"

    result = make_stream(src, folder, mp4, LADDER)

    assert result.method == "transcode"
    assert _renditions(folder) == ["180", "240"]  # the low rung first
    for name in ("180", "240"):
        playlist = read_playlist(folder / name / "index.m3u8")
        assert playlist.ended  # an EVENT playlist that ended: plays as VOD
        # A second each for the first four seconds (it plays once one is encoded), then four.
        lengths = [round(seconds, 1) for _, seconds in playlist.segments]
        assert lengths == [1.0, 1.0, 1.0, 1.0, 4.0, 1.0]
        assert playlist.seconds == pytest.approx(9, abs=0.1)
        for part in (playlist.init, *(s for s, _ in playlist.segments)):
            assert NAME.match(f"{name}/{part}") and STREAM_NAME.match(f"{name}/{part}")
    out = probe(mp4)
    assert out.faststart and out.browser_playable
    assert (result.width, result.height) == (320, 240)
    assert out.duration == pytest.approx(9, abs=0.1)
    assert out.audio is not None and out.audio.codec == "aac"


def test_h264_is_copied_into_segments_not_encoded(clip, out_dir):
    src = clip("phone_h264.mp4", duration=4)
    result = make_stream(src, out_dir / "hls", out_dir / "video.mp4", LADDER)
    assert result.method == "remux"
    assert _renditions(out_dir / "hls") == ["240"]  # a copy alone: no low rung by default
    assert probe(out_dir / "video.mp4").duration == pytest.approx(4, abs=0.1)


def test_the_ladder_never_scales_up_and_one_height_is_no_ladder(clip):
    info = probe(clip("small_vp9.webm", vcodec="libvpx-vp9", acodec=None))
    assert [r.height for r in plan(info, StreamOptions(ladder=(360, 720)))[1]] == [240]
    assert [r.height for r in plan(info, StreamOptions(ladder=(120, 720)))[1]] == [120, 240]
    h264 = probe(clip("phone_h264.mp4", duration=4))
    method, renditions = plan(h264, StreamOptions(ladder=(120, 720), ladder_for_copies=True))
    assert method == "remux" and [(r.height, r.copy) for r in renditions] == [
        (120, False),
        (240, True),
    ]


def test_segments_appear_while_ffmpeg_still_runs(clip, out_dir):
    src = clip("long_hevc.mp4", vcodec="libx265", duration=16)
    folder = out_dir / "hls"
    seen: list[float] = []
    done = threading.Event()

    def watch():
        while not done.is_set():
            seconds = read_playlist(folder / "240" / "index.m3u8").seconds
            if seconds and (not seen or seconds > seen[-1]):
                seen.append(seconds)
            time.sleep(0.01)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        # A slow preset, so the run lasts long enough to watch it grow.
        make_stream(src, folder, out_dir / "v.mp4", StreamOptions(ladder=(240,), preset="slow"))
    finally:
        done.set()
        watcher.join()
    assert len(seen) >= 2 and seen[0] < 16


def test_no_video_and_too_long_are_refused(clip, out_dir, run_ffmpeg):
    memo = out_dir / "memo.m4a"
    run_ffmpeg("-f", "lavfi", "-i", "sine=duration=2", memo)
    with pytest.raises(DamagedVideo):
        make_stream(memo, out_dir / "a", out_dir / "a.mp4", info=probe_sound(memo))
    with pytest.raises(TooLong):
        make_stream(
            clip("phone_h264.mp4", duration=4),
            out_dir / "b",
            out_dir / "b.mp4",
            StreamOptions(max_duration=1.0),
        )


def test_a_playlist_is_read_as_far_as_it_goes():
    text = (
        '#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXT-X-MAP:URI="init_1.mp4"\n'
        "#EXTINF:4.000000,\nseg-00000.m4s\n#EXTINF:2.5,\nseg-00001.m4s\n"
    )
    playlist = parse_playlist(text)
    assert playlist.init == "init_1.mp4" and not playlist.ended
    assert playlist.segments == (("seg-00000.m4s", 4.0), ("seg-00001.m4s", 2.5))
    assert parse_playlist(text + "#EXT-X-ENDLIST\n").ended
    for bad in ("../master.m3u8", "240/../../x", "240/seg-1.m4s", "a/index.m3u8", "240/x.mp4"):
        assert not NAME.match(bad) and not STREAM_NAME.match(bad)


def test_a_web_mp4_is_copied_into_one_rendition_at_its_own_height(clip, out_dir, run_ffmpeg):
    # As the face blur writes them: H.264/AAC, key frames where x264 chose (here every 2 s).
    src = out_dir / "blurred.mp4"
    run_ffmpeg(
        "-i", clip("to_blur.mp4", duration=9), "-c:v", "libx264", "-g", "50",
        "-c:a", "copy", "-movflags", "+faststart", src,
    )  # fmt: skip
    seen: list[float] = []
    renditions = copy_stream(src, out_dir / "hls", on_progress=seen.append)

    assert [(r.name, r.copy) for r in renditions] == [("240", True)]
    assert _renditions(out_dir / "hls") == ["240"]
    playlist = read_playlist(out_dir / "hls" / "240" / "index.m3u8")
    assert playlist.ended and playlist.seconds == pytest.approx(9, abs=0.1)
    assert [round(s) for _, s in playlist.segments] == [4, 4, 1]  # cut at key frames
    join_rendition(out_dir / "hls" / "240", out_dir / "joined.mp4")
    joined, original = probe(out_dir / "joined.mp4"), probe(src)
    assert joined.duration == pytest.approx(original.duration, abs=0.05)
    assert joined.video.codec == "h264" and joined.audio.codec == "aac"
    assert seen and seen[-1] == pytest.approx(1.0, abs=0.1)


def test_only_a_browser_playable_video_is_copied_into_a_stream(clip, out_dir):
    with pytest.raises(DamagedVideo):
        copy_stream(clip("small_vp9.webm", vcodec="libvpx-vp9", acodec=None), out_dir / "hls")
