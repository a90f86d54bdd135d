"""What every response must carry: the security headers that web/security.py adds.

tests/web/test_access_matrix.py checks them on every route for every role; the details (the
policy's exact words, production only headers, cookies) are in test_security_headers.py.
"""

from __future__ import annotations

STATIC_ENDPOINTS = {"static", "rq_dashboard.static", "rq_dashboard.favicon"}


def directives(policy: str) -> dict[str, list[str]]:
    """Split a Content-Security-Policy into its directives and their sources."""
    found = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        found[name] = sources
    return found


def header_problems(where: str, endpoint: str, response) -> list[str]:
    """Say what is missing or wrong in one response's security headers (none: [])."""
    headers = response.headers
    problems = []
    policy = directives(headers.get("Content-Security-Policy", "missing"))
    if endpoint.startswith("rq_dashboard."):
        # The queue dashboard's own scripts run inline; everything else stays shut.
        wanted = {"default-src": ["'self'"], "frame-ancestors": ["'none'"]}
    else:
        wanted = {
            "default-src": ["'self'"],
            "script-src": ["'self'"],
            "style-src": ["'self'"],
            "connect-src": ["'self'"],
            "object-src": ["'none'"],
            "frame-ancestors": ["'none'"],
            "base-uri": ["'self'"],
            "form-action": ["'self'"],
        }
    for name, sources in wanted.items():
        if policy.get(name) != sources:
            problems.append(f"{where}: CSP {name} is {policy.get(name)}, want {sources}")
    expected = {
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }
    for name, value in expected.items():
        if headers.get(name) != value:
            problems.append(f"{where}: {name} is {headers.get(name)!r}, want {value!r}")
    if "Strict-Transport-Security" in headers:
        problems.append(f"{where}: HSTS outside production")
    cache = headers.get("Cache-Control", "")
    if endpoint in STATIC_ENDPOINTS:
        if "no-store" in cache:
            problems.append(f"{where}: a static file is never stored ({cache})")
    elif (response.mimetype == "text/html" or response.is_json) and "no-store" not in cache:
        problems.append(f"{where}: a {response.mimetype} answer may be stored ({cache!r})")
    for cookie in headers.getlist("Set-Cookie"):
        if "SameSite=" not in cookie:
            problems.append(f"{where}: a cookie without SameSite: {cookie.split(';')[0]}")
    return problems
