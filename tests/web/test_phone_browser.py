"""A phone, a laptop and a keyboard, in a real Chromium: the header's menu on a phone, the trust
roll-up at 1366 px, a portrait clip that fits the screen, and the player, its timeline markers
and the comment form used from the keyboard alone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from service.demo.seed import DEMO_PASSWORD
from service.feedback import comments
from service.models import Comment, CommentKind, Trust
from tests.factories import generated_clip, ready_clip, user

pytestmark = pytest.mark.browser

ECT, MENTOR = "ect1@northfield.example", "mentor1@northfield.example"
TRUST_LEAD = "induction-lead@northfield-trust.example"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def signed_in(browser, base: str, email: str, viewport: dict[str, int]):
    """A new tab, signed in as ``email`` at the given screen size."""
    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page


def focused(page) -> str:
    """What has the keyboard focus: its id, else its tag and first class."""
    return page.evaluate(
        "(() => { const el = document.activeElement;"
        " return el.id || el.tagName.toLowerCase() + '.' + (el.classList[0] || ''); })()"
    )


def test_the_header_menu_on_a_phone_works_from_the_keyboard(live_server, browser, demo):
    page = signed_in(browser, live_server, "admin@coachreel.example", PHONE)
    page.goto(f"{live_server}/clips/")
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    menu = page.locator("details.menu")
    assert not page.locator("nav.wide-only").is_visible()  # the links wait behind "Menu"
    sign_out = menu.get_by_role("button", name="Sign out")
    assert not sign_out.is_visible()

    # The first Tab reaches the skip link, which takes the keyboard past the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")  # notifications, kept beside the menu on a phone
    assert page.evaluate("document.activeElement.id") == "notifications-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")  # a <details>: no script, and announced as expanded
    assert menu.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Clips"
    links = menu.locator("nav a")
    assert links.all_inner_texts() == [
        "Clips", "Search", "Reviewers", "Audit log", "Induction", "People", "Queues", "Outbox",
    ]  # fmt: skip
    for link in links.all():
        box = link.bounding_box()
        assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert sign_out.is_visible()
    box = sign_out.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 390 and box["y"] < 844
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")  # on "Menu" again: closed
    assert menu.get_attribute("open") is None
    assert not sign_out.is_visible()
    # Escape closes it from inside, handing the focus back to "Menu"; so does a tap outside.
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Escape")
    assert menu.get_attribute("open") is None
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    page.keyboard.press("Enter")
    assert menu.get_attribute("open") is not None
    page.mouse.click(200, 700)
    assert menu.get_attribute("open") is None
    page.focus("details.menu summary")

    # The skip link lands on the page's content.
    for _ in range(3):  # notifications, the brand, the skip link
        page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    assert focused(page) == "main"

    # On a laptop the links sit in the header and there is no menu.
    page.set_viewport_size(LAPTOP)
    assert page.locator("nav.wide-only").is_visible()
    assert not page.locator("details.menu summary").is_visible()
    assert page.locator("header .wide-only").get_by_role("button", name="Sign out").is_visible()


def test_the_trust_roll_up_shows_every_column_at_1366_and_scrolls_in_its_box_on_a_phone(
    session, live_server, browser, demo
):
    trust_id = session.scalar(select(Trust.id))
    page = signed_in(browser, live_server, TRUST_LEAD, LAPTOP)
    page.goto(f"{live_server}/induction/trusts/{trust_id}")
    fit = """() => {
      const box = document.querySelector('#trust-table').parentElement;
      const last = document.querySelector('#trust-table thead th:last-child');
      return {clip: box.scrollWidth - box.clientWidth,
              gap: box.getBoundingClientRect().right - last.getBoundingClientRect().right,
              page: document.documentElement.scrollWidth - innerWidth,
              overflow: getComputedStyle(box).overflowX};
    }"""
    laptop = page.evaluate(fit)
    assert laptop["clip"] <= 0 and laptop["gap"] >= 0 and laptop["page"] <= 0, laptop
    assert page.locator("#trust-table thead th").last.inner_text() == "Oldest wait"
    page.set_viewport_size(PHONE)
    phone = page.evaluate(fit)
    assert phone["page"] <= 0, phone  # the page never scrolls sideways
    assert phone["clip"] > 0 and phone["overflow"] == "auto", phone  # the table's box does
    box = page.locator("#trust-table").locator("xpath=..")
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("role") == "region"


def test_a_portrait_clip_fits_the_screen_with_its_controls(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    portrait = generated_clip(tmp_path / "portrait.mp4", width=270, height=480, duration=2.0)
    clip = ready_clip(session, ctx.storage, ECT, title="Held upright", video=portrait)
    for viewport in (PHONE, LAPTOP):
        page = signed_in(browser, live_server, ECT, viewport)
        page.goto(f"{live_server}/clips/{clip.id}")
        page.wait_for_function("document.getElementById('video').readyState >= 1")
        page.locator("#video").scroll_into_view_if_needed()
        box = page.evaluate(
            "(() => { const v = document.getElementById('video'), r = v.getBoundingClientRect();"
            " return {w: r.width, h: r.height, vw: v.videoWidth, vh: v.videoHeight,"
            " fit: getComputedStyle(v).objectFit}; })()"
        )
        assert (box["vw"], box["vh"]) == (270, 480)
        # The whole player, controls and all, is smaller than the screen; the picture is
        # letterboxed inside it rather than cropped.
        assert box["h"] <= viewport["height"] * 0.8, (viewport, box)
        assert box["w"] <= viewport["width"], (viewport, box)
        assert box["fit"] == "contain"
        page.context.close()


def test_player_markers_and_comment_form_work_from_the_keyboard_alone(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    video = generated_clip(tmp_path / "lesson.mp4", duration=8.0)
    clip = ready_clip(session, ctx.storage, ECT, title="Keyboard lesson", video=video, duration=8)
    mentor = user(session, MENTOR)
    comments.add_comment(session, mentor, clip.id, at_seconds=5.0, body="Calm, clear start")
    page = signed_in(browser, live_server, MENTOR, {"width": 1280, "height": 900})
    page.goto(f"{live_server}/clips/{clip.id}")
    page.wait_for_function("document.getElementById('video').readyState >= 1")
    page.locator("#timeline .marker").wait_for()

    # Tab order, from the top: skip link, header, then the player, its marker, the comment
    # form's buttons, the kinds of feedback, the text and the button that adds it.
    order = []
    for _ in range(40):
        page.keyboard.press("Tab")
        order.append(focused(page))
        if order[-1] == "comment-submit":
            break
    assert order[0] == "a.skip-link"
    wanted = ["video", "button.marker", "comment-at-playhead", "comment-body", "comment-submit"]
    positions = [order.index(name) for name in wanted]
    assert positions == sorted(positions), order
    # The kinds are one radio group: one Tab stop (on the checked one), between the two.
    kinds = [name for name in order if name.startswith("kind-")]
    assert len(kinds) == 1, order
    assert positions[2] < order.index(kinds[0]) < positions[3], order

    # Space on the focused player plays and pauses it.
    page.focus("#video")
    page.keyboard.press("Space")
    page.wait_for_function("!document.getElementById('video').paused")
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('video').paused")

    # Enter on the marker plays from its moment and hands the focus to the player.
    page.focus("#timeline .marker")
    marker_outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert marker_outline != "none"  # the focus is visible
    assert page.locator("#timeline .marker").get_attribute("aria-label") == "Note at 00:05"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(v => !v.paused && v.currentTime >= 4.9 && v.currentTime < 7)"
        "(document.getElementById('video'))"
    )
    page.evaluate("document.getElementById('video').pause()")
    assert focused(page) == "video"

    # A comment at the playhead: Space on "Comment at" pins 00:05, arrows choose the kind,
    # and Enter on "Add comment" adds it; no mouse anywhere.
    page.focus("#comment-at-playhead")
    page.keyboard.press("Space")
    assert focused(page) == "comment-body"
    assert page.inner_text("#comment-time") == "00:05"
    page.keyboard.press("Shift+Tab")  # back to the kinds, on the one checked (note)
    assert page.evaluate("document.activeElement.value") == "note"
    page.keyboard.press("ArrowLeft")  # note -> question
    assert page.is_checked("#comment-kinds input[value=question]")
    page.keyboard.press("Tab")
    page.keyboard.type("Why did you pause here?")
    page.keyboard.press("Tab")
    assert focused(page) == "comment-submit"
    page.keyboard.press("Enter")
    added = page.locator("#comment-list .comment", has_text="Why did you pause here?")
    added.wait_for()
    assert float(added.get_attribute("data-at")) == pytest.approx(5.0, abs=0.1)
    assert "kind-question" in added.get_attribute("class")
    assert page.locator("#timeline .marker").count() == 2
    session.expire_all()
    saved = session.scalar(
        select(Comment).where(Comment.clip_id == clip.id, Comment.body.like("%pause%"))
    )
    assert saved.kind == CommentKind.QUESTION and saved.author_id == mentor.id


# Buttons, fields and choices shorter than 44 px, or fields with text under 16 px (which
# phones zoom into), within the elements ``scope`` selects; a checkbox or radio counts by its
# label.
TARGETS = "button, a.button, select, textarea, summary, input:not([type=hidden])"
SMALL_TARGETS = """([scope, targets]) => [...document.querySelectorAll(scope)]
  .flatMap(root => [...root.querySelectorAll(targets)])
  .filter(el => el.checkVisibility())
  .map(el => {
    const choice = el.type === 'checkbox' || el.type === 'radio';
    const box = ((choice && el.closest('label')) || el).getBoundingClientRect();
    const field = /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName) && !choice;
    const text = parseFloat(getComputedStyle(el).fontSize);
    if (box.height >= 43.5 && !(field && text < 16)) return null;
    return (el.id || el.name || el.textContent.trim().slice(0, 30) || el.tagName)
      + ': ' + Math.round(box.height) + ' px high, text ' + text + ' px';
  }).filter(Boolean)"""


def small_targets(page, scope: str) -> list[str]:
    """What is too small for a thumb within ``scope`` (a CSS selector)."""
    return page.evaluate(SMALL_TARGETS, [scope, TARGETS])


def test_upload_watch_and_comment_are_thumb_sized_on_a_phone(
    ctx, session, live_server, browser, demo, tmp_path: Path
):
    video = generated_clip(tmp_path / "lesson.mp4", duration=6.0)
    clip = ready_clip(session, ctx.storage, ECT, title="Thumbs", video=video, duration=6)
    mentor = user(session, MENTOR)
    comments.add_comment(session, mentor, clip.id, at_seconds=1.0, body="A moment")
    comments.add_comment(
        session, mentor, clip.id, at_seconds=2.0, end_seconds=4.0, body="A stretch", kind="praise"
    )

    ect = signed_in(browser, live_server, ECT, PHONE)
    ect.goto(f"{live_server}/clips/upload")
    assert small_targets(ect, "main") == []
    ect.goto(f"{live_server}/clips/{clip.id}")
    ect.locator("#comment-list .comment button.seen-toggle").first.wait_for()
    assert small_targets(ect, "#player") == []
    markers = ect.locator("#timeline .marker")
    assert markers.count() == 2
    for marker in markers.all():
        box = marker.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box

    mentor_page = signed_in(browser, live_server, MENTOR, PHONE)
    mentor_page.goto(f"{live_server}/clips/{clip.id}")
    mentor_page.locator("#comment-form").wait_for()
    assert small_targets(mentor_page, "#comment-form, #comment-list") == []
    for viewport_page in (ect, mentor_page):
        assert viewport_page.evaluate("document.documentElement.scrollWidth <= innerWidth")
