#!/usr/bin/env bash
# What the browser test (tests/test_browser.py) needs, installed only when missing; idempotent.
#   * Debian's chromium and a Korean font (fonts-nanum), via apt (CI runs as root; elsewhere sudo).
#     Playwright drives this system chromium: no browser is ever downloaded by Playwright.
#   * The ipywidgets embed bundle and RequireJS, at the exact versions (and bytes) that
#     the book loads from jsDelivr (nb_ipywidgets_js in _config.yml), unpacked from their npm
#     tarballs into tools/browser/node_modules/ (git-ignored). The test serves them in place of
#     the CDN, so the widgets of the book are really rendered. (MathJax is part of the built
#     book: _ext/page_assets.py copies it from the pinned sphinx-mathjax-offline package.)
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
  "@jupyter-widgets/html-manager@1.0.15 dist/embed-amd.js"
  "requirejs@2.3.8 require.js"
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
