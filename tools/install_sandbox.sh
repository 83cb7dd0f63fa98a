#!/bin/sh
# Install bubblewrap (bwrap), the OS sandbox of `python -m d2lmini.grading grade`.
# Idempotent: does nothing when bwrap is there; uses apt only when missing and when run as
# root (or with sudo available without a password); otherwise says what to do. Grading
# works without it, but then the gradebook's status column says "no OS sandbox".
set -eu
if command -v bwrap >/dev/null 2>&1; then
    echo "bubblewrap: $(bwrap --version) · 이미 설치되어 있습니다"
    exit 0
fi
if [ "$(uname -s)" != "Linux" ]; then
    echo "bubblewrap: Linux only; grading runs without an OS sandbox here" \
         "· Linux에서만 쓸 수 있습니다(샌드박스 없이 채점합니다)"
    exit 0
fi
if command -v apt-get >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ]; then
        apt-get install -y --no-install-recommends bubblewrap >/dev/null \
            || { apt-get update -qq && apt-get install -y --no-install-recommends bubblewrap; }
        exit 0
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n apt-get install -y --no-install-recommends bubblewrap >/dev/null \
            || { sudo -n apt-get update -qq \
                 && sudo -n apt-get install -y --no-install-recommends bubblewrap; }
        exit 0
    fi
fi
echo "bubblewrap is missing: install it as an administrator (Debian/Ubuntu:" \
     "sudo apt-get install bubblewrap); until then grading runs without an OS sandbox" \
     "· bubblewrap이 없습니다. 관리자 권한으로 설치하세요(그전까지는 OS 샌드박스 없이 채점합니다)"
exit 0
