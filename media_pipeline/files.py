"""Output files that only ever exist complete."""

from __future__ import annotations

import contextlib
import errno
import os
from collections.abc import Iterator


def check_out_dir(dst: str) -> None:
    """Refuse an output path whose folder does not exist.

    Our caller's mistake, not the teacher's: raised as FileNotFoundError, never dressed up as
    a damaged video.
    """
    out_dir = os.path.dirname(os.path.abspath(dst))
    if not os.path.isdir(out_dir):
        raise FileNotFoundError(errno.ENOENT, "output folder does not exist", out_dir)


@contextlib.contextmanager
def complete_or_nothing(dst: str, suffix: str) -> Iterator[str]:
    """Yield a path beside ``dst`` to write; rename it into place when the block ends, or
    remove it when the block raises, so ``dst`` only ever exists complete."""
    part = dst + suffix
    try:
        yield part
        os.replace(part, dst)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(part)
        raise
