"""Talk figures where there is nothing to chart (issue 18): a clip with no speech has no figures
and stays out of trends; a mentor's own model clip leads nowhere it does not belong."""

from __future__ import annotations

import html
from datetime import timedelta

from media_pipeline import analyse_talk
from service.models import ClipKind, ConsentState
from service.talk import figures, trends
from tests.factories import (
    base_day,
    generated_clip,
    mentorship_between,
    ready_clip,
    talk_clip,
    upload,
    user,
)
from tests.talk_transcripts import make
from tests.web.test_talk_panel import lesson_transcript
from workers.queues import enqueue_processing
from workers.talk import talk_figures

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"


def panel(page: str) -> str:
    start = page.index('id="talk"')
    return page[start : page.index("</section>", start)]


# --- 9. no speech, no figures ----------------------------------------------------------------


def test_a_clip_without_speech_has_no_figures_and_is_left_out_of_trends(
    ctx, session, client, auth, demo, run_jobs, tmp_path
):
    d0 = base_day()
    talk_clip(session, ctx.storage, ECT, d0, title="Y8 fractions", wait=1.0)
    talk_clip(session, ctx.storage, ECT, d0 + timedelta(days=7), title="Y8 ratio", wait=3.0)
    # A lesson recorded with no sound worth the name, through the real worker.
    silent = upload(
        session,
        ctx.storage,
        ECT,
        generated_clip(tmp_path / "silent.mp4", duration=3, tone_hz=0),
        title="Y8 silent reading",
    )
    silent.recorded_on = d0 + timedelta(days=3)
    session.commit()
    enqueue_processing(ctx.redis, silent.id, stale_after=ctx.stale_after)
    run_jobs()

    auth.login(ECT)
    shown = html.unescape(panel(client.get(f"/clips/{silent.id}").text))
    assert "No speech found" in shown and "left out of the talk trends" in shown
    assert "%" not in shown and "while speaking" not in shown  # no 0 % talk, no 0 words a minute
    talk = client.get(f"/clips/{silent.id}/talk", headers={"Accept": "application/json"}).json
    assert talk["speech_found"] is False

    page = html.unescape(client.get(f"/talk/ects/{user(session, ECT).id}").text)
    assert f'data-clip="{silent.id}"' not in page and f'href="/clips/{silent.id}"' not in page
    assert "1 clip is left out: no speech was found in it" in page
    data = trends.trends_for(session, user(session, ECT), user(session, ECT).id)
    assert [p.title for p in data.points] == ["Y8 fractions", "Y8 ratio"]
    assert data.silent == 1
    shares = [p.value("talk_share") for p in data.points]
    assert all(share > 0 for share in shares)


def test_only_silent_clips_say_so_instead_of_an_empty_chart(ctx, session, client, auth, demo):
    clip = ready_clip(session, ctx.storage, ECT, title="Silent lesson", duration=20.0)
    assert figures.save_talk(session, clip.id, talk_figures(analyse_talk(make(20.0)))) is not None
    auth.login(ECT)
    page = html.unescape(client.get(f"/talk/ects/{user(session, ECT).id}").text)
    assert "No talk figures yet" in page
    assert "1 clip is left out: no speech was found in it" in page
    assert "<svg role" not in page


# --- 5. a mentor's own model clip -------------------------------------------------------------


def test_a_mentors_own_model_clip_shows_its_figures_without_an_ect_trends_link(
    ctx, session, client, auth, demo
):
    model = ready_clip(
        session,
        ctx.storage,
        MENTOR,
        kind=ClipKind.MODEL,
        title="Modelling wait time",
        duration=20.0,
        consent_state=ConsentState.NO_PUPILS,
    )
    figures.save_talk(session, model.id, talk_figures(analyse_talk(lesson_transcript())))
    mentor = user(session, MENTOR)
    auth.login(MENTOR)
    shown = html.unescape(panel(client.get(f"/clips/{model.id}").text))
    assert "Only you see these figures" in shown and "is not charted" in shown
    assert "/talk/ects/" not in shown and "trends and sharing" not in shown

    # Even opened by hand, their own trends page fits a mentor: no ECT sharing, a way on.
    page = client.get(f"/talk/ects/{mentor.id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "You have no current mentor" not in text and 'id="sharing"' not in text
    assert "unless you share them with your mentor" not in text
    assert 'href="/coaching/models"' in text


def test_the_ect_and_their_mentor_keep_their_trends_links(ctx, session, client, auth, demo):
    lesson = talk_clip(session, ctx.storage, ECT, base_day(), title="Y8 fractions")
    pairing = mentorship_between(session, ECT, MENTOR)
    figures.share_with_mentor(session, user(session, ECT), pairing.id, True)
    ect_id = user(session, ECT).id
    auth.login(ECT)
    assert (
        f'href="/talk/ects/{ect_id}">your trends and sharing'
        in client.get(f"/clips/{lesson.id}").text
    )
    assert 'id="sharing"' in client.get(f"/talk/ects/{ect_id}").text
    auth.logout()
    auth.login(MENTOR)
    assert f'href="/talk/ects/{ect_id}">their trends' in client.get(f"/clips/{lesson.id}").text
