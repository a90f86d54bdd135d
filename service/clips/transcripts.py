"""Use cases for transcripts: the transcription stage's state, reading, and search."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup
from sqlalchemy import column, delete, func, literal_column, select, table, text
from sqlalchemy.orm import Session

from service import policy
from service.clips.visibility import get_visible_clip
from service.errors import InvalidInput, NotFound
from service.models import Clip, ClipStatus, TranscriptSegment, TranscriptStatus, User, utcnow


@dataclass(frozen=True)
class SegmentData:
    """A segment as the transcriber produced it (plain values, no ORM)."""

    start: float
    end: float
    text: str
    words: Sequence[tuple[float, float, str]] = ()


def mark_transcribing(session: Session, clip_id: int) -> Clip | None:
    """Move a playable clip's transcript into ``processing``; None if there is nothing to do."""
    clip = session.get(Clip, clip_id)
    if clip is None or clip.status != ClipStatus.READY:
        return None
    clip.transcript_status = TranscriptStatus.PROCESSING
    clip.transcript_failure_reason = None
    clip.transcript_updated_at = utcnow()
    session.commit()
    return clip


def save_transcript(
    session: Session,
    clip_id: int,
    segments: Sequence[SegmentData],
    *,
    language: str | None,
    captions: str | None,
) -> Clip | None:
    """Replace a clip's transcript with ``segments`` (re-running gives the same result)."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    session.execute(delete(TranscriptSegment).where(TranscriptSegment.clip_id == clip_id))
    for position, seg in enumerate(segments):
        session.add(
            TranscriptSegment(
                clip_id=clip_id,
                position=position,
                start=float(seg.start),
                end=float(seg.end),
                text=seg.text,
                words=[[float(a), float(b), str(w)] for a, b, w in seg.words],
            )
        )
    clip.transcript_status = TranscriptStatus.READY
    clip.transcript_failure_reason = None
    clip.transcript_language = language
    clip.captions_key = captions
    clip.transcript_updated_at = utcnow()
    session.commit()
    return clip


def mark_transcript_failed(session: Session, clip_id: int, reason: str) -> Clip | None:
    """Record that the transcript could not be made; the clip itself stays playable."""
    clip = session.get(Clip, clip_id)
    if clip is None:
        return None
    clip.transcript_status = TranscriptStatus.FAILED
    clip.transcript_failure_reason = reason
    clip.transcript_updated_at = utcnow()
    session.commit()
    return clip


def unfinished_transcripts(session: Session, *, not_touched_since: datetime) -> list[Clip]:
    """List playable clips whose transcript is waiting and untouched for a while."""
    query = (
        select(Clip)
        .where(
            Clip.status == ClipStatus.READY,
            Clip.transcript_status.in_([TranscriptStatus.PENDING, TranscriptStatus.PROCESSING]),
            Clip.transcript_updated_at < not_touched_since,
        )
        .order_by(Clip.id)
    )
    return list(session.scalars(query))


def transcript(session: Session, user: User, clip_id: int) -> list[TranscriptSegment]:
    """Return a visible clip's transcript segments in order."""
    return clip_transcript(session, user, clip_id)[1]


def clip_transcript(
    session: Session, user: User, clip_id: int
) -> tuple[Clip, list[TranscriptSegment]]:
    """Return a visible clip and its last saved transcript's segments in order.

    A re-run replaces the segments in one commit, so until it saves, these are the previous
    transcript's: the same words the captions file and the text download give.
    """
    clip = get_visible_clip(session, user, clip_id)
    query = (
        select(TranscriptSegment)
        .where(TranscriptSegment.clip_id == clip.id)
        .order_by(TranscriptSegment.position)
    )
    return clip, list(session.scalars(query))


def stamp(seconds: float) -> str:
    """Format seconds as mm:ss (or h:mm:ss)."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def transcript_text(session: Session, user: User, clip_id: int) -> tuple[Clip, str]:
    """Return the clip and its transcript as plain text, one time-stamped line a segment.

    While a transcript is being redone (or after a re-run failed), this is the previous one,
    as in the panel's JSON and the captions; a clip never transcribed has none.
    """
    clip, segments = clip_transcript(session, user, clip_id)
    if clip.transcript_status != TranscriptStatus.READY and not segments:
        raise NotFound("This clip has no transcript yet.")
    lines = [f"{clip.title} ({clip.owner.name}, recorded {clip.recorded_on:%d %B %Y})", ""]
    lines += [f"[{stamp(s.start)}] {s.text}" for s in segments]
    return clip, "\n".join(lines) + "\n"


# --- search ---------------------------------------------------------------------------------

MAX_QUERY = 200
_WORD = re.compile(r"[\w']+", re.UNICODE)
# Markers around matched words; chosen because they never occur in transcript text, so the
# text can be HTML-escaped first and the markers turned into <mark> afterwards.
_START, _STOP = "\x02", "\x03"


@dataclass(frozen=True)
class SearchHit:
    clip_id: int
    clip_title: str
    recorded_on: date
    ect_name: str
    start: float
    snippet: Markup  # HTML with the matched words in <mark>
    rank: float


def _fts5_query(query: str) -> str:
    """Turn what a person typed into an FTS5 query: quoted phrases kept, other words ANDed."""
    parts = []
    for phrase, bare in re.findall(r'"([^"]*)"|(\S+)', query):
        words = _WORD.findall(phrase or bare)
        if words:
            parts.append('"' + " ".join(words) + '"')  # quoting disarms FTS5 operators
    return " ".join(parts)


def _highlight(fragment: str) -> Markup:
    escaped = html.escape(fragment)
    return Markup(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def search(session: Session, user: User, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Find transcript segments matching ``query`` in clips the user may see, best first."""
    query = query.strip()
    if not query:
        return []
    if len(query) > MAX_QUERY:
        raise InvalidInput(f"Please keep searches under {MAX_QUERY} characters.")
    dialect = session.get_bind().dialect.name
    seg = TranscriptSegment
    columns = [seg.id, seg.clip_id, seg.start, Clip.title, Clip.recorded_on, User.name]
    base = (
        select(*columns)
        .join(Clip, Clip.id == seg.clip_id)
        .join(User, User.id == Clip.owner_id)
        .where(policy.clip_visibility(user), Clip.status == ClipStatus.READY)
    )
    if dialect == "sqlite":
        match = _fts5_query(query)
        if not match:
            return []
        fts_table = table("transcript_fts", column("rowid"))
        fts = literal_column("transcript_fts")  # FTS5's auxiliary functions take the table
        rank = func.bm25(fts)  # lower is better
        snippet = func.highlight(fts, 0, _START, _STOP)
        stmt = (
            base.add_columns(rank.label("rank"), snippet.label("snippet"))
            .join(fts_table, fts_table.c.rowid == seg.id)
            .where(text("transcript_fts MATCH :match").bindparams(match=match))
            .order_by(rank, seg.clip_id, seg.start)
        )
        rows = session.execute(stmt.limit(limit)).all()
        return [_hit(row, -float(row.rank)) for row in rows]
    tsquery = func.websearch_to_tsquery("english", query)
    search_col = literal_column("transcript_segments.search")
    rank = func.ts_rank(search_col, tsquery)
    snippet = func.ts_headline(
        "english",
        seg.text,
        tsquery,
        f"StartSel={_START}, StopSel={_STOP}, HighlightAll=true",
    )
    stmt = (
        base.add_columns(rank.label("rank"), snippet.label("snippet"))
        .where(search_col.op("@@")(tsquery))
        .order_by(rank.desc(), seg.clip_id, seg.start)
    )
    rows = session.execute(stmt.limit(limit)).all()
    return [_hit(row, float(row.rank)) for row in rows]


def _hit(row, rank: float) -> SearchHit:
    return SearchHit(
        clip_id=row.clip_id,
        clip_title=row.title,
        recorded_on=row.recorded_on,
        ect_name=row.name,
        start=float(row.start),
        snippet=_highlight(row.snippet),
        rank=rank,
    )
