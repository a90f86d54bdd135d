"""What the API's requests and answers look like: marshmallow schemas, documented in OpenAPI."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from service.clips.browse import STATUSES
from service.models import AuditAction, ClipKind, CommentKind
from service.numbers import MAX_ID

Id = fields.Integer
ID_RANGE = validate.Range(min=1, max=MAX_ID)


class Problem(Schema):
    """An error, as RFC 9457 problem details, in the words the pages use."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.Raw())


class Person(Schema):
    id = Id(required=True)
    name = fields.String(required=True)


class ClipQuery(Schema):
    """The filters of the clips list, as the clips page reads them."""

    school = Id(validate=ID_RANGE, metadata={"description": "A school's id"})
    ect = Id(validate=ID_RANGE, metadata={"description": "The clips' teacher's id"})
    kind = fields.String(validate=validate.OneOf([k.value for k in ClipKind]))
    status = fields.String(validate=validate.OneOf(list(STATUSES)))
    from_ = fields.Date(data_key="from", metadata={"description": "Recorded on or after"})
    to = fields.Date(metadata={"description": "Recorded on or before"})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=MAX_ID))
    per_page = fields.Integer(load_default=24, validate=validate.Range(min=1, max=100))


class CutFrom(Schema):
    """Where a highlight (or a model clip cut from a lesson) came from."""

    source_clip_id = Id(allow_none=True, metadata={"description": "None: gone, or not yours"})
    title = fields.String(required=True)
    start = fields.Float(required=True)
    end = fields.Float(required=True)
    deleted = fields.Boolean(required=True)


class Clip(Schema):
    id = Id(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in ClipKind]))
    status = fields.String(required=True)
    failure_reason = fields.String(allow_none=True)
    recorded_on = fields.Date(required=True)
    created_at = fields.DateTime(required=True)
    duration = fields.Float(allow_none=True)
    school_id = Id(required=True)
    owner = fields.Nested(Person, required=True)
    step_id = Id(allow_none=True)
    transcript_status = fields.String(allow_none=True)
    blur_status = fields.String(allow_none=True)
    cut_from = fields.Nested(CutFrom, allow_none=True)


class ClipPage(Schema):
    items = fields.List(fields.Nested(Clip), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)
    notes = fields.List(fields.String(), required=True)


class ClipStatus(Schema):
    """Where a clip has got: processing, then its transcript and its blur."""

    id = Id(required=True)
    status = fields.String(required=True)
    failure_reason = fields.String(allow_none=True)
    duration = fields.Float(allow_none=True)
    stage = fields.String()
    stage_label = fields.String()
    progress = fields.Float()
    transcript = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))
    blur = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True))


class Segment(Schema):
    start = fields.Float(required=True)
    end = fields.Float(required=True)
    text = fields.String(required=True)


class Transcript(Schema):
    clip_id = Id(required=True)
    status = fields.String(allow_none=True)
    segments = fields.List(fields.Nested(Segment), required=True)


class Comment(Schema):
    id = Id(required=True)
    parent_id = Id(allow_none=True)
    at_seconds = fields.Float(required=True)
    end_seconds = fields.Float(allow_none=True)
    kind = fields.String(validate=validate.OneOf([k.value for k in CommentKind]))
    body = fields.String(required=True)
    author = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    edited = fields.Boolean(required=True)
    deleted = fields.Boolean(required=True)
    seen = fields.Boolean()
    replies = fields.List(fields.Nested(lambda: Comment()))


class CommentList(Schema):
    comments = fields.List(fields.Nested(Comment), required=True)


class NewComment(Schema):
    at_seconds = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))
    end_seconds = fields.Float(allow_none=True, allow_nan=False, validate=validate.Range(min=0))
    kind = fields.String(
        load_default="note", validate=validate.OneOf([k.value for k in CommentKind])
    )
    body = fields.String(required=True, validate=validate.Length(max=5000))


class NewHighlight(Schema):
    """A part of a clip to save as a clip of its own, cut by a worker."""

    start = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))
    end = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(load_default="highlight", validate=validate.OneOf(["highlight", "model"]))
    with_comments = fields.Boolean(load_default=True)
    with_transcript = fields.Boolean(load_default=True)
    exact = fields.Boolean(load_default=False, metadata={"description": "Re-encode to the frame"})


class NewReply(Schema):
    body = fields.String(required=True, validate=validate.Length(max=5000))


class Step(Schema):
    id = Id(required=True)
    ect_id = Id(required=True)
    mentor_id = Id(required=True)
    title = fields.String(required=True)
    why = fields.String(required=True)
    criteria = fields.List(fields.String(), required=True)
    strand = fields.String(required=True)
    standard = fields.Integer(required=True)
    review_on = fields.Date(required=True)
    status = fields.String(required=True)
    model_clip_id = Id(allow_none=True)
    created_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(allow_none=True)


class StepList(Schema):
    steps = fields.List(fields.Nested(Step), required=True)


class DashboardRow(Schema):
    ect_id = Id(required=True)
    ect_name = fields.String(required=True)
    mentor_name = fields.String(allow_none=True)
    induction_year = fields.Integer(allow_none=True)
    cadence_days = fields.Integer(allow_none=True)
    last_observation = fields.Date(allow_none=True)
    last_session = fields.Date(allow_none=True)
    sessions_this_half_term = fields.Integer(required=True)
    sessions_expected = fields.Integer(required=True)
    formal_this_half_term = fields.String(required=True)
    formal_year_done = fields.Integer(required=True)
    formal_year_due = fields.Integer(required=True)
    step_age_days = fields.Integer(allow_none=True)
    awaiting_feedback = fields.Integer(required=True)
    oldest_wait_days = fields.Float(allow_none=True)
    overdue = fields.Boolean(required=True)
    reasons = fields.List(fields.String(), required=True)


class Dashboard(Schema):
    school_id = Id(required=True)
    school_name = fields.String(required=True)
    today = fields.Date(required=True)
    overdue = fields.Integer(required=True)
    rows = fields.List(fields.Nested(DashboardRow), required=True)


class AuditQuery(Schema):
    clip = Id(validate=ID_RANGE)
    person = Id(validate=ID_RANGE)
    action = fields.String(validate=validate.OneOf([a.value for a in AuditAction]))
    before = Id(validate=ID_RANGE, metadata={"description": "Events older than this id"})


class AuditEvent(Schema):
    id = Id(required=True)
    at = fields.DateTime(required=True)
    action = fields.String(required=True)
    actor = fields.Nested(Person, allow_none=True)
    subject = fields.Nested(Person, allow_none=True)
    clip_id = Id(allow_none=True)
    school_id = Id(allow_none=True)
    detail = fields.String(required=True)


class AuditPage(Schema):
    events = fields.List(fields.Nested(AuditEvent), required=True)
    older = Id(allow_none=True, metadata={"description": "Pass as `before` for the next page"})
