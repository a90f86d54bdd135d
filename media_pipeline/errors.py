"""Errors for media we cannot turn into a playable clip."""


class MediaError(Exception):
    """A file we cannot turn into a playable clip; .reason is for a teacher to read."""

    default_reason = "This video could not be processed."

    def __init__(self, reason: str = "", detail: str = "") -> None:
        self.reason = reason or self.default_reason
        self.detail = detail
        super().__init__(self.reason)

    def __str__(self) -> str:
        # Logs want the technical detail too; the UI reads .reason directly.
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


class NotAVideo(MediaError):
    """Not a container we read: text, an empty file, a playlist, an image, an unknown format."""

    default_reason = (
        "This file is not a video we can read. Please upload a video file such as MP4 or MOV "
        "from your phone or camera."
    )


class NoVideoStream(MediaError):
    """A readable file with sound but no picture."""

    default_reason = "This file has sound but no picture. Please upload a video."


class EmptyVideo(MediaError):
    """A video with no length or no frames at all."""

    default_reason = "This video has no length: it may not have finished recording."


class DamagedVideo(MediaError):
    """A truncated or corrupt video, or one that ffmpeg failed on part-way."""

    default_reason = (
        "This video is damaged or incomplete (perhaps the upload or recording was cut short). "
        "Please upload it again from the original."
    )


class PictureTooLarge(MediaError):
    """A picture bigger than any camera makes: decoding it would take gigabytes (a bomb)."""

    default_reason = (
        "This video's picture is too large to process: the most we take is 8K (8192 x 4320 "
        "pixels). Please export it at 4K or smaller and upload it again."
    )

    @classmethod
    def for_size(cls, width: int, height: int) -> "PictureTooLarge":
        """Build the error for a picture of `width` x `height` pixels."""
        return cls(
            f"This video's picture is too large to process ({width} x {height} pixels; the "
            "most we take is 8K, 8192 x 4320). Please export it at 4K or smaller and upload "
            "it again.",
            f"{width}x{height} pixels",
        )


class PictureTooSmall(MediaError):
    """A picture too small to show a lesson: a few pixels of one colour, not a classroom."""

    default_reason = (
        "This video's picture is too small to watch: the least we take is 96 pixels on its "
        "shorter side. Please upload the original recording from your phone or camera."
    )

    @classmethod
    def for_size(cls, width: int, height: int, least: int) -> "PictureTooSmall":
        """Build the error for a picture of `width` x `height` pixels against a `least` side."""
        return cls(
            f"This video's picture is too small to watch ({width} x {height} pixels; the least "
            f"we take is {least} pixels on its shorter side). Please upload the original "
            "recording from your phone or camera.",
            f"{width}x{height} pixels < {least} on the short side",
        )


class TooLong(MediaError):
    """A video longer than the configured limit."""

    default_reason = "This video is too long."

    @classmethod
    def for_limit(cls, duration: float, limit: float) -> "TooLong":
        """Build the error for a video of `duration` seconds against a `limit` in seconds."""
        return cls(
            f"This video is {_length(duration)} long, which is over the limit of "
            f"{_length(limit)}. Please trim it or upload a shorter clip.",
            f"duration {duration:.1f}s > max_duration {limit:.1f}s",
        )


def _length(seconds: float) -> str:
    """Say a length the way a person would: "15 minutes", "2 minutes 5 seconds", "45 seconds"."""
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    parts = []
    if minutes:
        parts.append(f"{minutes} minute" + ("" if minutes == 1 else "s"))
    if secs or not minutes:
        parts.append(f"{secs} second" + ("" if secs == 1 else "s"))
    return " ".join(parts)
