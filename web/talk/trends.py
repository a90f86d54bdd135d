"""A teacher's talk trends across their clips: the page, for the ECT and a mentor they shared
their figures with (everyone else gets 404, as for the figures themselves)."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from service import policy, talk_trends
from web.resources import db
from web.talk.blueprint import bp
from web.talk.charts import chart_layout


@bp.get("/talk/ects/<int:ect_id>")
def trends(ect_id: int):  # noqa: ANN201
    data = talk_trends.trends_for(db(), current_user, ect_id)
    pairings = policy.talk_pairings(db(), ect_id) if data.viewer_is_ect else []
    return render_template(
        "talk/trends.html",
        trends=data,
        charts=chart_layout(data),
        pairings=pairings,
        here=request.path,
    )
