#!/usr/bin/env bash
# What the browser test (tests/test_browser.py) needs, installed only when missing; idempotent.
#   * Debian's chromium and a Korean font (fonts-nanum), via apt (CI runs as root; elsewhere sudo).
#     Playwright drives this system chromium: no browser is ever downloaded by Playwright.
#   * Nothing from npm any more: the book has no ipywidgets bundle (d2lmini's controls are
#     native, _static/static_controls.js), and MathJax is part of the built book
#     (_ext/page_assets.py copies it from the pinned sphinx-mathjax-offline package).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
fc-list 2>/dev/null | grep -qi nanum || need_apt+=(fonts-nanum)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install_browser: apt-get install ${need_apt[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
fi

echo "install_browser: ready (chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
