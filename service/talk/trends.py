"""Talk trends: an ECT's talk figures across their clips over the weeks, with their steps.

The same figures as each clip's talk panel, one point per transcribed lesson or rehearsal in
which speech was found (a silent clip has no figures to chart), in the order they were
recorded; the dates the ECT's action steps were set mark the charts, and each step gets a
before/after summary ("did wait time move after the step on wait time?").
Only the ECT and a mentor they shared their figures with see them (service.policy.talk).

Everything returned is plain dataclasses, so the chart layout (web.talk.charts) never touches
the database.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service import policy
from service.errors import NotFound
from service.induction.terms import SchoolCalendar
from service.models import ActionStep, Clip, ClipKind, ClipStatus, ClipTalk, School, User
from service.talk.figures import CHARTED_KINDS, NOT_SHARED


def _seconds(value: float) -> str:
    return f"{value:.1f} s"


def _minutes(value: float) -> str:
    total = int(round(value))
    return f"{total // 60}:{total % 60:02d}"


def _percent(value: float) -> str:
    return f"{value:.0f}%"


def _one_place(value: float) -> str:
    return f"{value:.1f}"


def _whole(value: float) -> str:
    return f"{value:.0f}"


@dataclass(frozen=True)
class Figure:
    """One charted figure: its key in a point's values, its name, and how to write a value."""

    key: str
    label: str
    unit: str  # words after the value in the table's heading
    fmt: Callable[[float], str]
    percent: bool = False  # 0..100: the chart's scale stops at 100

    def format(self, value: float | None) -> str:
        return "–" if value is None else self.fmt(value)


FIGURES = (
    Figure("talk_share", "Talk share", "% of the clip", _percent, percent=True),
    Figure("longest_stretch", "Longest talk stretch", "m:ss", _minutes),
    Figure("questions_per_10", "Questions per 10 minutes", "per 10 min", _one_place),
    Figure("median_wait", "Wait after questions", "median, in seconds", _seconds),
    Figure("words_per_minute", "Words per minute", "while speaking", _whole),
    Figure("teacher_share", "Teacher's share of the speech", "% of the speech", _percent, True),
)


@dataclass(frozen=True)
class TrendPoint:
    """One clip's figures (None where the clip has no value for a figure)."""

    clip_id: int
    title: str
    kind: str  # "lesson" or "rehearsal"
    recorded_on: date
    values: dict[str, float | None]

    def value(self, key: str) -> float | None:
        return self.values.get(key)


@dataclass(frozen=True)
class StepMark:
    """The date an action step was set, numbered in order for the key under the charts."""

    step_id: int
    number: int
    title: str
    set_on: date


@dataclass(frozen=True)
class Comparison:
    """One figure's median over the clips before a step and over those since it was set."""

    figure: Figure
    before: float | None
    before_count: int
    since: float | None
    since_count: int

    @property
    def text(self) -> str:
        def part(value: float | None, count: int, when: str) -> str:
            clips = f"{count} clip{'' if count == 1 else 's'}"
            if value is None:
                return f"no figure {when} ({clips})"
            return f"{self.figure.format(value)} {when} ({clips})"

        before = part(self.before, self.before_count, "before")
        since = part(self.since, self.since_count, "since")
        return f"{self.figure.label}: {before} → {since}"


@dataclass(frozen=True)
class StepSummary:
    mark: StepMark
    until: date | None  # the date the next step was set; None for the latest
    comparisons: tuple[Comparison, ...]


@dataclass(frozen=True)
class TalkTrends:
    ect_id: int
    ect_name: str
    viewer_is_ect: bool
    figures: tuple[Figure, ...]
    points: tuple[TrendPoint, ...]
    steps: tuple[StepMark, ...]
    summaries: tuple[StepSummary, ...]
    silent: int = 0  # transcribed clips left out because no speech was found in them

    @property
    def empty(self) -> bool:
        return not self.points


def point_values(talk: ClipTalk) -> dict[str, float | None]:
    """A clip's charted figures from its stored row (shares as %, questions per 10 min); None
    for each figure the clip does not have."""

    def scaled(value: float | None, by: float = 1.0) -> float | None:
        return None if value is None else float(value) * by

    return {
        "talk_share": scaled(talk.speech_share, 100),
        "longest_stretch": scaled(talk.longest_stretch),
        "questions_per_10": talk.questions_per_10_minutes,
        "median_wait": scaled(talk.median_wait),
        "words_per_minute": scaled(talk.words_per_minute),
        "teacher_share": scaled(talk.teacher_share, 100),
    }


def _median(values: Sequence[float | None]) -> tuple[float | None, int]:
    present = [v for v in values if v is not None]
    return (statistics.median(present) if present else None), len(present)


def compare(
    points: Sequence[TrendPoint], steps: Sequence[StepMark], figures: Sequence[Figure]
) -> tuple[StepSummary, ...]:
    """For each step: each figure's median over the clips recorded before the step was set,
    and over the clips from its date until the next step was set."""
    summaries = []
    for n, mark in enumerate(steps):
        until = steps[n + 1].set_on if n + 1 < len(steps) else None
        before = [p for p in points if p.recorded_on < mark.set_on]
        since = [p for p in points if p.recorded_on >= mark.set_on]
        if until is not None:
            since = [p for p in since if p.recorded_on < until]
        comparisons = []
        for figure in figures:
            b, b_count = _median([p.value(figure.key) for p in before])
            s, s_count = _median([p.value(figure.key) for p in since])
            comparisons.append(Comparison(figure, b, b_count, s, s_count))
        summaries.append(StepSummary(mark, until, tuple(comparisons)))
    return tuple(summaries)


def trends_for(session: Session, viewer: User, ect_id: int) -> TalkTrends:
    """Return an ECT's talk trends for a viewer allowed to see them; NotFound otherwise."""
    if not policy.can_view_talk_trends(session, viewer, ect_id):
        raise NotFound(NOT_SHARED)
    ect = session.get(User, ect_id)
    if ect is None:
        raise NotFound(NOT_SHARED)
    measured = session.execute(
        select(Clip, ClipTalk)
        .join(ClipTalk, ClipTalk.clip_id == Clip.id)
        .where(
            Clip.owner_id == ect_id,
            Clip.kind.in_(CHARTED_KINDS),
            Clip.status == ClipStatus.READY,
        )
        .order_by(Clip.recorded_on, Clip.id)
    ).all()
    # A clip without speech has no figures: charting it as 0 would drag every trend down.
    rows = [(clip, talk) for clip, talk in measured if talk.speech_found]
    points = tuple(
        TrendPoint(
            clip_id=clip.id,
            title=clip.title,
            kind=ClipKind(clip.kind).value,
            recorded_on=clip.recorded_on,
            values=point_values(talk),
        )
        for clip, talk in rows
    )
    figures = tuple(
        f
        for f in FIGURES
        if f.key != "teacher_share" or any(p.value(f.key) is not None for p in points)
    )
    steps = session.scalars(
        select(ActionStep)
        .where(ActionStep.ect_id == ect_id)
        .order_by(ActionStep.created_at, ActionStep.id)
    ).all()
    # The day a step was set is the day in its school's time zone.
    zones = dict(session.execute(select(School.id, School.timezone)).all()) if steps else {}
    marks = tuple(
        StepMark(
            step_id=s.id,
            number=n,
            title=s.title,
            set_on=SchoolCalendar(zones.get(s.school_id) or "Europe/London").local_date(
                s.created_at
            ),
        )
        for n, s in enumerate(steps, start=1)
    )
    return TalkTrends(
        ect_id=ect.id,
        ect_name=ect.name,
        viewer_is_ect=viewer.id == ect.id,
        figures=figures,
        points=points,
        steps=marks,
        summaries=compare(points, marks, figures) if points else (),
        silent=len(measured) - len(rows),
    )
