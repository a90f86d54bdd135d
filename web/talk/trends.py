"""A teacher's talk trends across their clips: the page, for the ECT and a mentor they shared
their figures with (everyone else gets 404, as for the figures themselves)."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from service import policy
from service.talk import trends as talk_trends
from web.resources import db
from web.talk.charts import chart_layout


def trends(ect_id: int) -> ResponseReturnValue:
    """Show a teacher's talk trends across their clips."""
    data = talk_trends.trends_for(db(), current_user, ect_id)
    # Sharing is an ECT's choice; a mentor opening their own page has nobody to share with.
    can_share = data.viewer_is_ect and policy.can_share_talk(current_user)
    pairings = policy.talk_pairings(db(), ect_id) if can_share else []
    return render_template(
        "talk/trends.html",
        trends=data,
        charts=chart_layout(data),
        pairings=pairings,
        can_share=can_share,
        here=request.path,
    )
