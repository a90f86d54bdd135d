"""Write a transcript as WebVTT captions for the video player, or as plain text to read."""

from .transcribe import Segment, Transcript

# Broadcast caption guidelines (BBC, Netflix) keep a line to about 42 characters.
LINE_LENGTH = 42


def to_webvtt(transcript: Transcript) -> str:
    """Return `transcript` as a WebVTT file: one cue per segment, lines of about 42 characters."""
    blocks = ["WEBVTT\n"]
    for segment in transcript.segments:
        # A cue must end after it starts; a zero-length segment gets the smallest cue there is.
        end = max(segment.end, segment.start + 0.001)
        lines = [_escape(line) for line in _wrap(segment.text, LINE_LENGTH)]
        # The identifier is the segment index, so the page can match a cue to its transcript line.
        blocks.append(
            f"{segment.index}\n{_vtt_time(segment.start)} --> {_vtt_time(end)}\n"
            + "\n".join(lines)
            + "\n"
        )
    return "\n".join(blocks)


def to_text(transcript: Transcript) -> str:
    """Return `transcript` as plain text, one "[mm:ss] text" line per segment."""
    return "".join(f"[{_clock(segment)}] {segment.text}\n" for segment in transcript.segments)


def _vtt_time(seconds: float) -> str:
    # Whole milliseconds first, so 59.9996 s becomes 00:01:00.000 and never 00:00:60.000.
    millis = round(max(seconds, 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def _clock(segment: Segment) -> str:
    total = int(max(segment.start, 0.0))  # down, so a line never claims a later start
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def _escape(text: str) -> str:
    # WebVTT cue text is markup: & and < start entities and tags, and "-->" may not appear in
    # a cue at all, so all three are escaped.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _wrap(text: str, width: int) -> list[str]:
    # Wrapped before escaping, so "&amp;" counts as the one character a viewer sees. Not
    # textwrap: it splits long words and hyphenated ones; a word longer than a line simply
    # gets a line of its own. Splitting on any whitespace also drops newlines, which would
    # end the cue early.
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines
