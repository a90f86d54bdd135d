"""Per-frame helpers for telling speakers apart: a percentile over a moving window that keeps
to each stretch of speech, and short runs of a flag joined to their neighbours."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def windowed_percentile(
    values: np.ndarray,
    ranges: Sequence[tuple[int, int]],
    window: float,
    percentile: float,
    frame: float,
) -> np.ndarray:
    """Return a percentile of the values over the `window` seconds around each speech frame
    (frames of `frame` seconds; `ranges` are the speech stretches as frame numbers).

    The window stays inside the frame's own stretch of speech, so the silence around it
    does not pull its edges down. Frames outside the speech keep their own value.
    """
    half = max(round(window / frame / 2), 0)
    smooth = values.copy()
    for first, last in ranges:
        if last <= first:
            continue
        # Windows padded with NaN past the stretch's ends; sorting puts the NaNs last, so
        # each row's percentile is read, as np.percentile would, from its first `count`.
        padded = np.pad(values[first:last], half, constant_values=np.nan)
        ordered = np.sort(np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1))
        at = np.arange(last - first)
        count = np.minimum(at + half + 1, last - first) - np.maximum(at - half, 0)
        position = (count - 1) * percentile / 100
        low = np.floor(position).astype(int)
        high = np.minimum(low + 1, count - 1)
        below, above = ordered[at, low], ordered[at, high]
        smooth[first:last] = below + (above - below) * (position - low)
    return smooth


def smooth_runs(flags: list[bool], min_frames: int) -> list[tuple[bool, int]]:
    """Return runs (flag, frames), each short run joined to its longer neighbour."""
    runs: list[list] = []
    for flag in flags:
        if runs and runs[-1][0] == flag:
            runs[-1][1] += 1
        else:
            runs.append([flag, 1])
    while len(runs) > 1:
        n = min(range(len(runs)), key=lambda i: runs[i][1])
        if runs[n][1] >= min_frames:
            break
        before = runs[n - 1][1] if n > 0 else -1
        after = runs[n + 1][1] if n + 1 < len(runs) else -1
        into = n - 1 if before >= after else n + 1
        runs[into][1] += runs[n][1]
        del runs[n]
        # Neighbours of the same kind now touch: join them.
        joined: list[list] = []
        for run in runs:
            if joined and joined[-1][0] == run[0]:
                joined[-1][1] += run[1]
            else:
                joined.append(run)
        runs = joined
    return [(bool(flag), length) for flag, length in runs]
