"""Every page of every role, in a real Chromium, on the demo trust `make demo` seeds: at a phone's
390 x 844 no page is wider than the screen, and axe-core (tests/vendor/axe-core) finds no serious
or critical accessibility problem at a desktop's width or at the phone's.

One sweep serves both checks: for each role it starts at the page signing in lands on, follows
the links the pages show (same site, GET, not signing out, not media or downloads) and visits
the main pages whether or not a link leads there, one page per shape of address (the ids
aside), up to PAGES_PER_ROLE.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from sqlalchemy import select

from service.demo.seed import DEMO_PASSWORD
from service.models import Clip, ClipKind, School, Trust, User
from workers.context import use_context
from workers.demo import seed_demo_trust

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
PAGES_PER_ROLE = 40
PEOPLE = {
    "ECT": "ect1@northfield.example",
    "mentor": "mentor1@northfield.example",
    "reviewer": "reviewer@northfield.example",
    "coordinator": "coordinator@northfield.example",
    "trust coordinator": "induction-lead@northfield-trust.example",
    "admin": "admin@coachreel.example",
}
# The main pages of each role, visited whether or not a link leads there; {names} are filled
# from the demo (Sam Taylor, ect1, is the ECT whose pages the others visit).
EVERYONE = ["/", "/clips/", "/search/", "/search/?q=class", "/auth/password"]
MAIN_PAGES = {
    "ECT": [
        "/coaching/",
        "/clips/upload",
        "/clips/{lesson}",
        "/clips/{rehearsal}",
        "/coaching/rehearsals/{rehearsal}",
        "/coaching/ects/{ect}",
        "/coaching/models",
        "/talk/ects/{ect}",
    ],
    "mentor": [
        "/coaching/",
        "/clips/upload",
        "/clips/{lesson}",
        "/clips/{model}",
        "/coaching/rehearsals/{rehearsal}",
        "/coaching/ects/{ect}",
        "/coaching/ects/{ect}/steps/new",
        "/coaching/ects/{ect}/sessions/new",
        "/coaching/library",
        "/coaching/models",
        "/review/my-coaching",
        "/induction/ects/{ect}/observations/new",
    ],
    "reviewer": ["/review/", "/coaching/ects/{ect}"],
    "coordinator": [
        "/induction/",
        "/induction/schools/{school}",
        "/induction/schools/{school}/charts",
        "/induction/schools/{school}/terms",
        "/induction/ects/{ect}",
        "/privacy/schools/{school}",
        "/privacy/schools/{school}/consent",
        "/retention/schools/{school}",
        "/review/assignments",
        "/audit-log/",
        "/clips/{lesson}",
    ],
    "trust coordinator": [
        "/induction/trusts/{trust}",
        "/review/rubric",
        "/induction/",
        "/people/",
        "/people/schools/{school}",
        "/people/schools/{school}/pairings",
        "/people/schools/{school}/rollover",
        "/people/trusts/{trust}/sign-in",
    ],
    "admin": ["/induction/trusts/{trust}", "/review/rubric", "/audit-log/"],
}
# Not pages: media, downloads, files, the queue dashboard (rq-dashboard's own pages).
NOT_A_PAGE = re.compile(
    r"^/(static|admin)/|\.(mp4|jpg|vtt|txt|csv|json|ico)$|/original$|/auth/logout$"
)

LINKS = """() => [...document.querySelectorAll('a[href]')]
  .filter(a => !a.hasAttribute('download')).map(a => a.href)"""
# How far the page reaches past the screen's right edge, and the elements that reach furthest.
OVERFLOW = """() => {
  const width = document.documentElement.scrollWidth;
  if (width <= innerWidth) return null;
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const wide = [...document.querySelectorAll('body *')]
    .map(el => [el, el.getBoundingClientRect().right])
    .filter(([el, right]) => right > innerWidth + 1 && el.checkVisibility() && !clipped(el))
    .sort((a, b) => b[1] - a[1]).slice(0, 4)
    .map(([el, right]) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className ? '.' + el.className.split(' ')[0] : '')
      + ' to ' + Math.round(right) + ' px');
  return width + ' px wide: ' + wide.join(', ');
}"""
# What axe-core does not check: a label inside a label, and a skip link to the content.
STRUCTURE = """() => [
  ...[...document.querySelectorAll('label label')].map(el => 'a label inside a label: '
    + el.textContent.trim().slice(0, 40)),
  ...(document.querySelector('a.skip-link[href="#main"]') && document.getElementById('main')
    ? [] : ['no skip link to the main content']),
]"""
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + ', ' + v.help + '): '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


def shape(url: str) -> str:
    """The page an address shows, ids aside: /clips/12?t=3 and /clips/40?t=9 are one page."""
    parts = urlsplit(url)
    keys = sorted({key for key, _ in parse_qsl(parts.query)})
    return re.sub(r"\d+", "N", parts.path) + ("?" + "&".join(keys) if keys else "")


def demo_names(session) -> dict[str, int]:
    """The ids the main pages name: Sam Taylor (ect1), their clips, school and trust."""
    ect = session.scalar(select(User).where(User.email == PEOPLE["ECT"]))

    def clip_of(kind: ClipKind, owner_id: int) -> int:
        return session.scalar(
            select(Clip.id).where(Clip.kind == kind, Clip.owner_id == owner_id).limit(1)
        )

    mentor = session.scalar(select(User).where(User.email == PEOPLE["mentor"]))
    return {
        "ect": ect.id,
        "lesson": clip_of(ClipKind.LESSON, ect.id),
        "rehearsal": clip_of(ClipKind.REHEARSAL, ect.id),
        "model": clip_of(ClipKind.MODEL, mentor.id),
        "school": session.scalar(select(School.id).where(School.name == "Northfield Primary")),
        "trust": session.scalar(select(Trust.id)),
    }


class Sweep:
    """Visit pages in one browser tab, checking each at both widths; collect what is wrong."""

    def __init__(self, page, base: str, who: str):
        self.page, self.base, self.who = page, base, who
        self.problems: list[str] = []
        self.visited: list[str] = []

    def check(self, url: str, expect: int = 200) -> list[str]:
        """Check one page at both widths; return the in-app links it shows."""
        page, path = self.page, url.removeprefix(self.base)
        self.visited.append(path)
        page.set_viewport_size(DESKTOP)
        response = page.goto(url, wait_until="load")
        if response is None or response.status != expect:
            status = response.status if response else "nothing"
            self.problems.append(f"{self.who} {path}: answered {status}, not {expect}")
        for problem in page.evaluate(STRUCTURE) + page.evaluate(AXE_RUN):
            self.problems.append(f"{self.who} {path} at {DESKTOP['width']} px: {problem}")
        page.set_viewport_size(PHONE)
        overflow = page.evaluate(OVERFLOW)
        if overflow:
            self.problems.append(f"{self.who} {path} at {PHONE['width']} px: {overflow}")
        for problem in page.evaluate(AXE_RUN):
            self.problems.append(f"{self.who} {path} at {PHONE['width']} px: {problem}")
        return page.evaluate(LINKS)

    def crawl(self, start: str, main_pages: list[str]) -> None:
        """Follow in-app links from ``start``, the main pages first, one page per shape."""
        queue = [self.base + path for path in main_pages] + [start]
        seen_urls: set[str] = set()
        seen_shapes: set[str] = set()
        while queue and len(seen_shapes) < PAGES_PER_ROLE:
            url = queue.pop(0).split("#")[0]
            parts = urlsplit(url)
            if not url.startswith(self.base + "/") or NOT_A_PAGE.search(parts.path):
                continue
            is_main = url in (self.base + path for path in main_pages)
            if url in seen_urls or (shape(url) in seen_shapes and not is_main):
                continue
            seen_urls.add(url)
            seen_shapes.add(shape(url))
            queue.extend(self.check(url))


def sign_in(page, base: str, email: str) -> str:
    """Sign in; return the address signing in lands on (the role's start page)."""
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/auth/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/auth/login" not in url)
    return page.url


def test_every_page_of_every_role_fits_a_phone_and_passes_axe(live_server, browser, settings, ctx):
    seed_demo_trust(settings, echo=lambda _line: None)
    use_context(ctx)  # the seed puts away the context it made; the test's is needed again
    with ctx.sessions() as session:
        names = demo_names(session)
    assert all(names.values()), names  # the demo has a lesson, a rehearsal and a model
    problems: list[str] = []

    # Signed out: the sign-in page (every other page sends the visitor there).
    context = browser.new_context(viewport=DESKTOP)
    context.add_init_script(path=str(AXE))
    sweep = Sweep(context.new_page(), live_server, "signed out")
    sweep.check(f"{live_server}/auth/login")
    problems += sweep.problems
    context.close()

    for role, email in PEOPLE.items():
        context = browser.new_context(viewport=DESKTOP)
        context.add_init_script(path=str(AXE))
        page = context.new_page()
        start = sign_in(page, live_server, email)
        sweep = Sweep(page, live_server, role)
        main_pages = [p.format(**names) for p in EVERYONE + MAIN_PAGES[role]]
        sweep.crawl(start, main_pages)
        sweep.check(f"{live_server}/clips/999999", expect=404)  # the page for a missing clip
        missed = set(main_pages) - set(sweep.visited)
        assert not missed, f"{role}: main pages not visited: {missed}"
        assert len(sweep.visited) >= len(main_pages) + 3, (role, sweep.visited)
        problems += sweep.problems
        context.close()

    assert problems == [], "\n".join(problems)
