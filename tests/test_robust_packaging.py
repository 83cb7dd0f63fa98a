"""Packaging: Binder is pinned to the tested versions;
the build backend can read the license."""

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent


def pins(path):
    lines = [ln.split("#")[0].strip() for ln in (ROOT / path).read_text().splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("-")]


def test_binder_requirements_are_pinned_to_the_tested_versions():
    tested = dict(ln.split("==") for ln in pins("requirements.txt") if "==" in ln)
    binder = pins("binder/requirements.txt")
    assert binder and all("==" in ln for ln in binder), binder
    for ln in binder:
        name, version = ln.split("==")
        assert tested[name] == version, (name, version, tested.get(name))
    assert (
        "download.pytorch.org/whl/cpu" in (ROOT / "binder/requirements.txt").read_text()
    )


def test_setuptools_is_new_enough_for_an_spdx_license():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'license = "MIT"' in text
    version = re.search(r'"setuptools>=(\d+)', text)
    assert version and int(version.group(1)) >= 77
