#!/usr/bin/env bash
# What `make test` needs from Debian besides the virtualenv: chromium (and a font for it) for
# the browser tests, the LibriVox recordings with reference transcripts (pocketsphinx-testdata)
# for the speech tests, and docker-compose to check docker-compose.yml. Installs whatever is
# missing with apt-get (as root, or through passwordless sudo); quick and silent when all is
# there. Where it cannot install, it fails and prints the one command to run: the tests that
# need these never skip.
set -euo pipefail

# command -v alone would name a docker-compose on PATH that cannot be run.
has_compose() { [ -x "$(command -v docker-compose 2>/dev/null)" ]; }

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ] || missing+=(pocketsphinx-testdata)
has_compose || missing+=(docker-compose)

[ ${#missing[@]} -eq 0 ] && exit 0

su=sudo  # what the printed command needs in front of apt-get: nothing for root
[ "$(id -u)" -ne 0 ] || su=
command_line="${su:+sudo }apt-get update && ${su:+sudo }apt-get install -y"
command_line+=" --no-install-recommends ${missing[*]}"

give_up() {
  {
    echo
    echo "make test: missing ${missing[*]} ($1)."
    echo "The browser, speech and docker-compose checks need them. Install them with:"
    echo
    echo "    $command_line"
    echo
    echo "then run make test again."
  } >&2
  exit 1
}

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  give_up "not root, and no passwordless sudo to install them"
fi
[ -x "$(command -v apt-get 2>/dev/null)" ] || give_up "no apt-get on this machine"

echo "== installing what the tests need from Debian: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q || give_up "apt-get update failed"
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" \
  || give_up "apt-get install failed"

# Installed, but are they where the tests look?
still=()
[ -x /usr/bin/chromium ] || still+=("/usr/bin/chromium")
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || still+=("DejaVuSans.ttf")
[ -f /usr/share/pocketsphinx/test/data/librivox/transcription ] \
  || still+=("/usr/share/pocketsphinx/test/data/librivox")
has_compose || still+=("docker-compose on PATH")
if [ ${#still[@]} -gt 0 ]; then
  give_up "apt-get installed them, but these are still missing: ${still[*]}"
fi
