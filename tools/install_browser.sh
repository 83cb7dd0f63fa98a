#!/usr/bin/env bash
# What the browser test (tests/test_browser.py) needs, installed only when missing; idempotent.
#   * Debian's chromium and a Korean font (fonts-nanum), via apt (CI runs as root; elsewhere sudo).
#     Playwright drives this system chromium: no browser is ever downloaded by Playwright.
#   * MathJax, at the exact version (and bytes) that the book loads from jsDelivr (mathjax_path
#     in _config.yml), unpacked from its npm tarball into tools/browser/node_modules/
#     (git-ignored). The test serves it in place of the CDN, so formulas are really typeset.
#     (No ipywidgets bundle: the static book's controls are d2lmini's own, _static/static_controls.js.)
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

# name@version path-inside-package (keep in step with _config.yml)
PACKAGES=(
  "mathjax@3.2.2 es5/tex-mml-chtml.js"
)
DEST=tools/browser/node_modules
for entry in "${PACKAGES[@]}"; do
  spec=${entry% *}; file=${entry#* }
  name=${spec%@*}; version=${spec##*@}
  dir="$DEST/$name"
  if [ -f "$dir/$file" ] && grep -q "\"version\": \"$version\"" "$dir/package.json" 2>/dev/null; then
    continue
  fi
  echo "install_browser: npm pack $spec"
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
done
echo "install_browser: ready (chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}'))"
