"""bench/load.py's load generator (signed-in browsers as threads, in processes of their own)
and its report.

Each process signs in once per account like a browser (the login page's CSRF token, then the
form), copies the cookies to one ``requests.Session`` per thread, reports ready, waits for the
common start, and runs its threads until the deadline. Requests started before the deadline are
finished and counted. Results go back as plain dicts: latencies per kind, bytes, and the
distinct errors with a count and one example each.
"""

from __future__ import annotations

import argparse
import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import requests

PASSWORD = "coachreel-demo"  # service.seed.DEMO_PASSWORD; kept here so clients import nothing
RANGE_BYTES = 512 * 1024
RANGES_PER_PAGE = 4
CHUNK = MB = 1024 * 1024
TIMEOUT = 600


@dataclass
class Tally:
    """What one process's threads did."""

    times: dict[str, list[float]] = field(default_factory=dict)
    bytes: dict[str, int] = field(default_factory=dict)
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    last_done: float = 0.0  # time.time() of the last request that finished
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ok(self, kind: str, seconds: float, size: int) -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            self.bytes[kind] = self.bytes.get(kind, 0) + size
            self.last_done = max(self.last_done, time.time())

    def error(self, kind: str, what: str, example: str) -> None:
        key = f"{kind}: {what}"
        with self.lock:
            self.errors[key] += 1
            self.examples.setdefault(key, example[:300])

    def as_dict(self) -> dict:
        return {
            "times": self.times,
            "bytes": self.bytes,
            "errors": dict(self.errors),
            "examples": self.examples,
            "last_done": self.last_done,
        }


class MultipartBody:
    """A multipart/form-data body sent in 1 MB pieces, never joined in memory.

    ``requests`` sends an iterable with a length as a plain body with that Content-Length (a
    generator without one would go chunked).
    """

    def __init__(self, fields: dict[str, str], filename: str, payload: bytes, size: int):
        self.boundary = f"bench{uuid.uuid4().hex}"
        head = "".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: video/mp4\r\n\r\n'
        )
        self.head = head.encode()
        self.tail = f"\r\n--{self.boundary}--\r\n".encode()
        self.payload = memoryview(payload)  # repeated to make up ``size`` bytes
        self.size = size

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    def __len__(self) -> int:
        return len(self.head) + self.size + len(self.tail)

    def __iter__(self) -> Iterator[bytes | memoryview]:
        yield self.head
        left = self.size
        while left > 0:
            for start in range(0, len(self.payload), CHUNK):
                piece = self.payload[start : start + min(CHUNK, left)]
                yield piece
                left -= len(piece)
                if left <= 0:
                    break
        yield self.tail


def csrf_token(html: str) -> str:
    """Read the CSRF token from a page's ``<meta name="csrf-token">``."""
    marker = 'name="csrf-token" content="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def sign_in(base: str, email: str) -> requests.Session:
    """Sign in through the login form like a browser; return the signed-in session."""
    session = requests.Session()
    page = session.get(f"{base}/auth/login", timeout=TIMEOUT)
    page.raise_for_status()
    form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(page.text)}
    answer = session.post(f"{base}/auth/login", data=form, allow_redirects=False, timeout=TIMEOUT)
    if answer.status_code != 302:
        raise RuntimeError(f"signing in as {email} answered {answer.status_code}")
    return session


def clone(session: requests.Session) -> requests.Session:
    """A new session with the same cookies (sessions are not shared between threads)."""
    copy = requests.Session()
    copy.cookies.update(session.cookies)
    return copy


def upload_body(token: str, payload: bytes, size: int, title: str) -> MultipartBody:
    """The upload form as a browser posts it, with ``size`` bytes of ``payload`` as the file."""
    fields = {
        "csrf_token": token,
        "kind": "lesson",
        "title": title,
        "recorded_on": date.today().isoformat(),
        "step": "",
    }
    return MultipartBody(fields, "lesson.mp4", payload, size)


def post_upload(
    session: requests.Session, base: str, body: MultipartBody
) -> tuple[requests.Response, float]:
    """Post an upload, asking for JSON; return the answer and the seconds it took."""
    started = time.perf_counter()
    answer = session.post(
        f"{base}/clips/upload",
        data=body,
        headers={"Content-Type": body.content_type, "Accept": "application/json"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    return answer, time.perf_counter() - started


def _guard(tally: Tally, kind: str, call, *args) -> None:
    try:
        call(*args)
    except requests.RequestException as exc:
        tally.error(kind, type(exc).__name__, str(exc))


def _upload(
    session: requests.Session, base: str, body: MultipartBody, tally: Tally, media: Path | None
) -> None:
    answer, seconds = post_upload(session, base, body)
    if answer.status_code != 201:
        tally.error("upload", f"HTTP {answer.status_code}", answer.text)
        return
    tally.ok("upload", seconds, body.size)
    if media is not None:
        # Keep the disk bounded: nothing reads an original until a worker runs.
        clip_id = answer.json()["id"]
        (media / "clips" / str(clip_id) / "original").unlink(missing_ok=True)


def _page(session: requests.Session, url: str, tally: Tally) -> None:
    started = time.perf_counter()
    answer = session.get(url, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    if answer.status_code != 200 or "<video" not in answer.text:
        tally.error("page", f"HTTP {answer.status_code}", answer.text)
    else:
        tally.ok("page", seconds, len(answer.content))


def _range(
    session: requests.Session, url: str, data: bytes, first: int, last: int, tally: Tally
) -> None:
    started = time.perf_counter()
    answer = session.get(url, headers={"Range": f"bytes={first}-{last}"}, timeout=TIMEOUT)
    seconds = time.perf_counter() - started
    want = f"bytes {first}-{last}/{len(data)}"
    if answer.status_code != 206:
        tally.error("range", f"HTTP {answer.status_code}", answer.text)
    elif answer.headers.get("Content-Range") != want:
        tally.error("range", "wrong Content-Range", str(answer.headers.get("Content-Range")))
    elif answer.content != data[first : last + 1]:
        tally.error("range", "wrong bytes", f"bytes={first}-{last}")
    else:
        tally.ok("range", seconds, len(answer.content))


def _uploader(
    session: requests.Session, job: dict, tally: Tally, deadline: float, number: int
) -> None:
    token = ""
    if job["sign_in"]:
        token = csrf_token(session.get(f"{job['base']}/clips/upload", timeout=TIMEOUT).text)
    payload = Path(job["payload"]).read_bytes()
    media = Path(job["media"]) if job.get("media") else None
    round_ = 0
    while time.monotonic() < deadline:
        round_ += 1
        title = f"Load test {number}-{round_}"
        body = upload_body(token, payload, job["upload_bytes"], title)
        _guard(tally, "upload", _upload, session, job["base"], body, tally, media)


def _viewer(
    session: requests.Session, job: dict, tally: Tally, deadline: float, number: int
) -> None:
    rng = random.Random(number)
    videos = {int(k): Path(v).read_bytes() for k, v in job["videos"].items()}
    base = job["base"]
    while time.monotonic() < deadline:
        clip_id = rng.choice(sorted(videos))
        data = videos[clip_id]
        _guard(tally, "page", _page, session, f"{base}/clips/{clip_id}", tally)
        for _ in range(RANGES_PER_PAGE):
            first = rng.randrange(len(data))
            last = min(len(data) - 1, first + RANGE_BYTES - 1)
            url = f"{base}/clips/{clip_id}/video.mp4"
            _guard(tally, "range", _range, session, url, data, first, last, tally)


def run_clients(job: dict, ready, go, results) -> None:
    """Process entry: sign in, report ready, wait for ``go``, run the threads, report."""
    tally = Tally()
    try:
        work = _uploader if job["role"] == "uploader" else _viewer
        sessions: dict[str, requests.Session] = {}
        mine = []
        for email in job["emails"]:
            if job["sign_in"] and email not in sessions:
                sessions[email] = sign_in(job["base"], email)
            mine.append(clone(sessions[email]) if job["sign_in"] else requests.Session())
    except Exception as exc:  # reported, so the benchmark stops with a reason
        ready.put(f"{job['role']} could not start: {type(exc).__name__}: {exc}")
        return
    ready.put("ready")
    go.wait()
    deadline = time.monotonic() + job["seconds"]

    def guarded(session: requests.Session, number: int) -> None:
        try:
            work(session, job, tally, deadline, number)
        except Exception as exc:  # a thread that dies is an error, never a quiet gap
            tally.error(job["role"], f"thread died: {type(exc).__name__}", str(exc))

    threads = [
        threading.Thread(target=guarded, args=(s, job["first"] + i)) for i, s in enumerate(mine)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put(tally.as_dict())


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(args: argparse.Namespace, results: dict, servers: str, goal_mb: int) -> int:
    """Print the load and memory tables; return 1 on any error or a missed memory goal."""
    ours, bare = results["ours"], results["bare"]
    print(
        f"\n{args.seconds:g} s of load: {args.uploaders} uploaders x {args.upload_mb:g} MB, "
        f"{args.viewers} viewers (a watch page, then {RANGES_PER_PAGE} ranges of "
        f"{RANGE_BYTES // 1024} KB)\ngunicorn: {servers}\n"
        f"load average after the run (1, 5, 15 min): coachreel {ours['load']}, "
        f"bare {bare['load']}\n"
    )
    side = f"{'done':>6} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
    head = f"{'':<22} {'coachreel':^40}   {'bare WSGI':^40}"
    print(head)
    print(f"{'request':<22} {side}   {side}   {'p95 ours/bare':>13}")
    print("-" * (len(side) * 2 + 42))
    labels = {
        "page": "clip watch page",
        "range": f"media range {RANGE_BYTES // 1024} KB",
        "upload": f"upload {args.upload_mb:g} MB",
    }
    for kind, label in labels.items():
        cells, p95s = [], []
        for side_ in (ours, bare):
            times = [t * 1000 for t in side_["times"].get(kind, [])]
            errors = sum(n for k, n in side_["errors"].items() if k.startswith(kind + ":"))
            if times:
                p95s.append(percentile(times, 0.95))
                cells.append(
                    f"{len(times):>6} {errors:>6} {percentile(times, 0.5):>8.0f} "
                    f"{p95s[-1]:>8.0f} {percentile(times, 0.99):>8.0f}"
                )
            else:
                cells.append(f"{0:>6} {errors:>6} {'-':>8} {'-':>8} {'-':>8}")
        ratio = f"{p95s[0] / p95s[1]:>13.2f}" if len(p95s) == 2 and p95s[1] else f"{'-':>13}"
        print(f"{label:<22} {cells[0]}   {cells[1]}   {ratio}")
    rates = [
        f"{s['bytes'].get('upload', 0) / MB / s['elapsed']:>6.1f}" if s["elapsed"] else "     -"
        for s in (ours, bare)
    ]
    blank = " " * (len(side) - 6)
    print(f"{'upload MB/s':<22} {rates[0]}{blank}   {rates[1]}")

    failed = False
    for name, side_ in (("coachreel", ours), ("bare", bare)):
        for key, count in sorted(side_["errors"].items()):
            failed = True
            print(f"\nERROR {name} {key} x{count}: {side_['examples'].get(key, '')}")
        for check in side_["checks"]:
            failed = True
            print(f"\nERROR {name} after the load: {check}")

    if ours["memory"] or bare["memory"]:
        print(
            f"\n{args.big_upload_gb:g} GB upload, streamed      seconds   MB/s  "
            f"RSS before MB  peak MB  growth MB  goal"
        )
        for name, memory in (("coachreel", ours["memory"]), ("bare WSGI", bare["memory"])):
            growth = (memory["peak"] - memory["before"]) / MB
            goal = ""
            if name == "coachreel":
                goal = f"<= {goal_mb} MB " + ("ok" if growth <= goal_mb else "MISSED")
                failed |= growth > goal_mb
            rate = memory["size"] / MB / memory["seconds"]
            print(
                f"{name:<30} {memory['seconds']:>7.1f} {rate:>6.0f} {memory['before'] / MB:>14.1f}"
                f" {memory['peak'] / MB:>8.1f} {growth:>10.1f}  {goal}"
            )
            if memory["error"] or memory["lost"]:
                failed = True
                print(f"ERROR {name} big upload: {memory['error']}; workers gone: {memory['lost']}")
    elif args.big_upload_gb:
        print("\nthe big upload was skipped (not enough free disk)")
    print(
        "\np50/p95/p99: latency of a whole request at the client (connect, send, read all);"
        "\nbare: bench/bare_wsgi.py under the same gunicorn settings (static page bytes, werkzeug"
        " send_file,\nuploads streamed raw to a file); growth: peak - before, of the worker with"
        " the most growth.\nA shared 2-core machine: client and server share the cores, so"
        " figures move by tens of percent."
    )
    return 1 if failed else 0
