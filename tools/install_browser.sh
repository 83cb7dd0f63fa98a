#!/usr/bin/env bash
# What the browser tests (tests/test_browser.py) need, installed only when missing; idempotent.
#   * A chromium. Any that is already there will do: $D2LMINI_CHROMIUM, Debian's
#     /usr/bin/chromium, a chromium or chrome on PATH, or Playwright's own download.
#     Otherwise: as root (CI) or with password-less sudo, Debian's chromium via apt;
#     without either, Playwright's chromium (`playwright install chromium`, a download).
#   * A Korean font (fonts-nanum), via apt where that is possible; without it the pages
#     still work, only screenshots use a fallback font.
# Nothing from npm: the book has no ipywidgets bundle and renders its formulas at build time.
set -euo pipefail
cd "$(dirname "$0")/.."
PLAYWRIGHT=.venv/bin/playwright

apt_cmd=""
if [ "$(id -u)" -eq 0 ]; then
  apt_cmd="apt-get"
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  apt_cmd="sudo apt-get"
fi

found_chromium() {
  .venv/bin/python - <<'PY'
import sys
sys.path.insert(0, "tests")
from browser_path import find_chromium
path = find_chromium()
print(path or "")
sys.exit(0 if path else 1)
PY
}

need_apt=()
chromium=$(found_chromium) || chromium=""
[ -n "$chromium" ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi nanum || need_apt+=(fonts-nanum)

if [ ${#need_apt[@]} -gt 0 ] && [ -n "$apt_cmd" ]; then
  echo "install_browser: $apt_cmd install ${need_apt[*]}"
  $apt_cmd update -qq
  DEBIAN_FRONTEND=noninteractive $apt_cmd install -y -qq --no-install-recommends "${need_apt[@]}"
  chromium=$(found_chromium) || chromium=""
elif [ -z "$chromium" ]; then
  echo "install_browser: no chromium and no root: trying Playwright's own (a download)"
  "$PLAYWRIGHT" install chromium || true
  chromium=$(found_chromium) || chromium=""
fi
if [ -z "$chromium" ]; then
  cat >&2 <<'MSG'
install_browser: no chromium found, and none could be installed. Do one of:
  sudo apt-get install chromium fonts-nanum      # Debian/Ubuntu
  .venv/bin/playwright install chromium          # Playwright's own (needs the internet)
  export D2LMINI_CHROMIUM=/path/to/chromium      # any chromium or chrome already there
MSG
  exit 1
fi
fc-list 2>/dev/null | grep -qi nanum || \
  echo "install_browser: no Korean font (fonts-nanum); screenshots will use a fallback font"
echo "install_browser: ready ($chromium)"
