"""Which chromium the browser tests drive
(tools/install_browser.sh installs one if none)."""

import glob
import os
import pathlib
import shutil

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def playwright_chromium():
    """The newest chromium that `playwright install chromium` downloaded, or None."""
    cache = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(
        pathlib.Path.home() / ".cache" / "ms-playwright"
    )
    found = sorted(
        glob.glob(os.path.join(cache, "chromium-*", "chrome-linux*", "chrome"))
    )
    return found[-1] if found else None


def find_chromium():
    """$D2LMINI_CHROMIUM, else Debian's /usr/bin/chromium, else a chromium or chrome on
    PATH, else Playwright's own; None when there is none."""
    wanted = os.environ.get("D2LMINI_CHROMIUM")
    if wanted:
        return wanted if os.access(wanted, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in NAMES:
        path = shutil.which(name)
        if path:
            return path
    return playwright_chromium()


# how the tests and tools/make_pdf.py start it: headless, quiet, nothing from outside
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
