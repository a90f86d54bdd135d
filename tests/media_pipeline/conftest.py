"""Small generated clips, made once per session: real ffmpeg, no fixtures on disk."""

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from media_pipeline import ffmpeg_binary, make_test_clip

ClipFactory = Callable[..., Path]


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> ClipFactory:
    """Return a factory that makes a named test clip once and hands back its path."""
    folder = tmp_path_factory.mktemp("clips")
    made: dict[str, Path] = {}

    def make(name: str, **kwargs: object) -> Path:
        if name not in made:
            kwargs.setdefault("duration", 2.0)
            made[name] = Path(make_test_clip(folder / name, **kwargs))
        return made[name]

    return make


@pytest.fixture(scope="session")
def run_ffmpeg() -> Callable[..., None]:
    """Return a helper running the bundled ffmpeg with the given arguments."""

    def run(*args: str | Path) -> None:
        cmd = [ffmpeg_binary(), "-hide_banner", "-nostdin", "-loglevel", "error", "-y"]
        subprocess.run([*cmd, *map(str, args)], check=True, capture_output=True)

    return run


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Return an empty folder for outputs, so leftovers are easy to spot."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder
