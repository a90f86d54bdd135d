"""Words: "observed" means a logged observation, never an upload; counts say "1 day" and
"2 days" through one filter; dates and times read one way, in the school's time zone; the
audit's Charts page has the Dashboard's menu."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from service.models import School
from tests.factories import ready_clip, school_of, user

TRUST_LEAD = "induction-lead@northfield-trust.example"


def test_plural_dates_and_times_read_one_way(app, session, demo):
    from web.formatting import days_wait, nice_date, plural, when

    assert plural(1, "day") == "1 day" and plural(2, "day") == "2 days"
    assert (
        plural(0, "reply", "replies") == "0 replies" and plural(1, "reply", "replies") == "1 reply"
    )
    assert days_wait(timedelta(hours=1)) == "1 hour" and days_wait(timedelta(days=1)) == "1 day"
    assert days_wait(timedelta(days=2, hours=2)) == "2.1 days"
    summer_night = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)  # 00:30 on 2 July in England
    with app.test_request_context():
        assert nice_date(summer_night) == "2 Jul 2026"
        assert when(summer_night) == "2 Jul 2026, 00:30"
        assert nice_date(date(2026, 3, 5)) == "5 Mar 2026"
        assert when(datetime(2026, 12, 1, 9, 5, tzinfo=UTC)) == "1 Dec 2026, 09:05"  # GMT


def test_a_schools_own_time_zone_is_used(app, session, demo):
    from web.formatting import when

    school = session.get(School, school_of(session, "ect1@northfield.example"))
    school.timezone = "Asia/Tokyo"
    session.commit()
    with app.test_request_context():
        from flask_login import login_user

        login_user(user(session, "ect1@northfield.example"))
        assert when(datetime(2026, 12, 1, 20, 0, tzinfo=UTC)) == "2 Dec 2026, 05:00"


def test_a_mentor_home_does_not_call_an_upload_observed(client, auth, session, ctx, demo):
    ready_clip(session, ctx.storage, "ect1@northfield.example", title="Tuesday maths")
    auth.login("mentor1@northfield.example")
    page = client.get("/coaching/").text
    assert "Last lesson recorded:" in page
    assert "observed" not in page.lower().replace("observed_on", "")


def _menu(page: str) -> list[str]:
    nav = page.split('<nav class="induction-nav')[1].split("</nav>")[0]
    return re.findall(r'href="([^"]+)"', nav)


def test_the_charts_menu_has_the_dashboards_links(client, auth, session, demo):
    school = school_of(session, "ect1@northfield.example")
    auth.login(TRUST_LEAD)
    dashboard = client.get(f"/induction/schools/{school}")
    charts = client.get(f"/induction/schools/{school}/charts")
    assert dashboard.status_code == charts.status_code == 200
    assert _menu(charts.text) == _menu(dashboard.text)
    assert any("/induction/trusts/" in link for link in _menu(charts.text))
