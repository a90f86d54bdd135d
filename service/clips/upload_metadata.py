"""What the uploader says about a clip, read from a resumable upload's tus Upload-Metadata
header with the same rules as the upload form."""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace
from datetime import date

from service.clips.upload import UploadDetails
from service.errors import InvalidInput
from service.models import ClipKind, ConsentState, LawfulBasis
from service.numbers import parse_integer


def parse_metadata(header: str | None) -> dict[str, str]:
    """Decode a tus Upload-Metadata header: comma-separated ``key base64(value)`` pairs."""
    pairs: dict[str, str] = {}
    for item in (header or "").split(","):
        item = item.strip()
        if not item:
            continue
        key, _, encoded = item.partition(" ")
        try:
            value = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidInput(f"The upload's {key or 'metadata'} could not be read.") from None
        if not key or key in pairs:
            raise InvalidInput("The upload's details could not be read.")
        pairs[key] = value
    return pairs


def details_from_metadata(metadata: dict[str, str]) -> UploadDetails:
    """Read what the uploader says about the clip from the upload's metadata."""
    try:
        kind = ClipKind(metadata.get("kind", ""))
    except ValueError:
        raise InvalidInput("Please choose what kind of clip this is.") from None
    try:
        recorded_on = date.fromisoformat(metadata.get("recorded_on", "").strip())
    except ValueError:
        raise InvalidInput("Please give the date recorded.") from None
    step = metadata.get("step", "").strip()
    step_id = None
    # As on the form, only a rehearsal is linked to a step; other kinds ignore the choice.
    if kind == ClipKind.REHEARSAL and step:
        step_id = parse_integer(step)
        if step_id is None:
            raise InvalidInput("A rehearsal must be linked to one of your own action steps.")
    # The file's name is only ever shown to people: keep it printable and short.
    filename = "".join(ch for ch in metadata.get("filename", "") if ch.isprintable())
    details = UploadDetails(
        kind=kind,
        title=metadata.get("title", ""),
        recorded_on=recorded_on,
        filename=filename.strip()[:300] or "upload",
        step_id=step_id,
    )
    return with_privacy_choices(details, metadata)


def with_privacy_choices(details: UploadDetails, metadata: dict[str, str]) -> UploadDetails:
    """Add the upload form's class, consent record and blur choice, read from the metadata."""
    raw_class = metadata.get("class", "").strip()
    class_id = parse_integer(raw_class)
    if raw_class and class_id is None:
        raise InvalidInput("Please choose one of your school's classes, or no class.")
    try:
        basis = LawfulBasis(metadata.get("lawful_basis") or LawfulBasis.PUBLIC_TASK.value)
    except ValueError:
        raise InvalidInput("Please choose the lawful basis for recording.") from None
    try:
        consent = ConsentState(metadata.get("consent_state") or ConsentState.NOT_RECORDED.value)
    except ValueError:
        raise InvalidInput("Please choose what the school knows of pupils' consent.") from None
    blur = metadata.get("blur_faces")  # left out: the school's default
    return replace(
        details,
        class_id=class_id,
        lawful_basis=basis,
        consent_state=consent,
        recorded_by="".join(ch for ch in metadata.get("recorded_by", "") if ch.isprintable()),
        blur_faces=None if blur is None else blur in ("1", "true", "on", "y"),
    )
