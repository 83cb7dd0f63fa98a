"""Controls that move in the static book (issue 12), in a real browser.

* Every panel of ``d2lmini.controls.controls`` on every chapter page: each control is
  moved (range inputs by value and by the keyboard, buttons, selects, check boxes, by
  touch at 390 px) and the figure(s) and text must become the frame the build
  computed for those values (``_static/frames/<id>.json``). Frames are fetched only
  when a panel is touched.
* ``d2lmini.controls.text_generator`` on a small test book (``tests/static_book``, built
  into a temp folder): the page's forward pass gives the Python model's next-token
  probabilities (to 1e-5) and its greedy continuations, for ``RNNLMScratch`` and
  ``RNNLM``.
"""

import json
import re
import shutil

import pytest

import test_browser
from test_browser import CHAPTERS, HTML, ROOT, Session, book, reader, server  # noqa: F401 — fixtures, by name

STATIC_BOOK = ROOT / "tests" / "static_book"


def _shared(request, name):
    """test_browser's session fixture ``name`` when test_browser has
    already set it up in this session (it runs first): Playwright's
    sync API allows one instance per thread, so the two modules must
    share its browser (and need not build the book twice)."""
    for item in request.session.items:
        if getattr(item, "module", None) is test_browser:
            defs = request._fixturemanager.getfixturedefs(name, item) or ()
            for fixturedef in defs:
                cached = getattr(fixturedef, "cached_result", None)
                if (
                    fixturedef.baseid.endswith("test_browser.py")
                    and cached
                    and cached[2] is None
                ):
                    return cached[0]
            break
    return None


def _plain(fixture):
    """The function under a pytest fixture (pytest ≥ 8.4 wraps it in an object)."""
    get = getattr(fixture, "_get_wrapped_function", None)
    return get() if get else fixture.__wrapped__


@pytest.fixture(scope="session")
def book(request):
    return _shared(request, "book") or _plain(test_browser.book)()


@pytest.fixture(scope="session")
def browser(request):
    shared = _shared(request, "browser")
    if shared is not None:
        yield shared
        return
    yield from _plain(test_browser.browser)()


FRAMES_RE = re.compile(r'class="d2lmini-static" data-frames="(p[0-9a-f]{16})"')

# Runs in the page: move control `c` of panel `i` to index `index`.
MOVE = """([i, c, index]) => {
  const panel = document.querySelectorAll(".d2lmini-static")[i];
  const el = panel.querySelectorAll("[data-control]")[c];
  if (el.type === "range") {
    el.value = String(index);
    el.dispatchEvent(new Event("input", {bubbles: true}));
  } else if (el.tagName === "SELECT") {
    el.value = String(index);
    el.dispatchEvent(new Event("change", {bubbles: true}));
  } else if (el.type === "checkbox") {
    if (el.checked !== !!index) el.click();
  } else {
    el.querySelector(`button[data-index="${index}"]`).click();
  }
}"""

SHOWN = """([i]) => {
  const panel = document.querySelectorAll(".d2lmini-static")[i];
  const imgs = panel.d2lmini.slots.filter((img) => !img.hidden);
  return {key: panel.dataset.shown || null,
          images: imgs.map((img) => img.src.split("/").pop()),
          loaded: imgs.every((img) => img.complete && img.naturalWidth > 0),
          text: panel.querySelector(".d2lmini-frame-text").textContent};
}"""


def panels_of(html_file):
    return FRAMES_RE.findall(html_file.read_text(encoding="utf-8"))


def load_manifest(html_dir, panel_id):
    return json.loads(
        (html_dir / "_static" / "frames" / f"{panel_id}.json").read_text()
    )


def expect_frame(page, i, key, frame):
    page.wait_for_function(
        "([i, key]) => "
        "document.querySelectorAll('.d2lmini-static')[i].dataset.shown === key",
        arg=[i, key],
        timeout=10000,
    )
    page.wait_for_function(
        "([i]) => "
        "document.querySelectorAll('.d2lmini-static')[i].d2lmini.slots.filter((img) => "
        "!img.hidden).every((img) => img.complete && img.naturalWidth > 0)",
        arg=[i],
        timeout=10000,
    )
    shown = page.evaluate(SHOWN, [i])
    assert shown["images"] == frame["images"], (key, shown)
    assert shown["text"] == frame["text"], (key, shown)


def walk_panel(page, i, m):
    """Move every control of panel ``i`` through some
    of its values; check each frame."""
    state = [c["default"] for c in m["controls"]]
    for c, control in enumerate(m["controls"]):
        n = len(control["labels"])
        if control["kind"] == "fixed":
            continue
        for index in dict.fromkeys([n - 1, 0, n // 2, control["default"]]):
            if m["mode"] == "single":
                state = [d["default"] for d in m["controls"]]
            state[c] = index
            key = ",".join(map(str, state))
            assert key in m["frames"], f"no frame {key}"
            if page.evaluate(SHOWN, [i])["key"] in (None, key) and key == ",".join(
                str(d["default"]) for d in m["controls"]
            ):
                continue  # the page already shows the default frame
            page.evaluate(MOVE, [i, c, index])
            expect_frame(page, i, key, m["frames"][key])


# ---------------------------------------------------------------- the chapters
def test_a_panel_cell_shows_only_its_default_figures(book):
    """A control's cell shows the figures of its default frame and nothing more: a draw
    function that called plt.show() put every precomputed frame in the page (a first
    draft of 9.7.2's control showed nine figures above its slider)."""
    panel = re.compile(
        r'class="d2lmini-static" data-frames="(\w+)" data-figures="(\d+)"'
    )
    seen = 0
    for page in CHAPTERS:
        html = (HTML / f"{page}.html").read_text(encoding="utf-8")
        for m in panel.finditer(html):
            output = html.rfind('<div class="cell_output', 0, m.start())
            shown = len(re.findall(r"<img\b", html[output : m.start()]))
            assert shown == int(m.group(2)), f"{page}: panel {m.group(1)} shows {shown}"
            seen += 1
    assert seen >= 9


def test_every_control_on_every_chapter_page_shows_its_frame(reader):
    s = reader("en")
    requests = []
    s.page.on("request", lambda r: requests.append(r.url))
    total = 0
    for page in CHAPTERS:
        ids = panels_of(HTML / f"{page}.html")
        requests.clear()
        p = s.open(page, settle=True)
        assert not [u for u in requests if "/_static/frames/" in u], (
            f"{page}: frames fetched before any control moved"
        )
        assert "embed-amd" not in p.content(), (
            f"{page}: the ipywidgets bundle is still loaded"
        )
        assert p.locator(".d2lmini-static").count() == len(ids)
        for i, panel_id in enumerate(ids):
            m = load_manifest(HTML, panel_id)
            if m["mode"] == "off":  # too slow to precompute: the page says so
                assert "notebook" in p.locator(".d2lmini-static").nth(i).inner_text()
                continue
            walk_panel(p, i, m)
            fetched = {u.rsplit("/", 1)[-1] for u in requests if u.endswith(".json")}
            later = {f"{x}.json" for x in ids[i + 1 :]}
            assert not fetched & later, (
                f"{page}: panel {i} fetched later panels' frames"
            )
            total += 1
        assert not s.errors, f"{page}:\n" + "\n".join(s.errors)
    assert total >= 9


def test_keyboard_moves_a_slider(reader):
    s = reader("ko")
    page = CHAPTERS[0]
    m = load_manifest(HTML, panels_of(HTML / f"{page}.html")[0])
    p = s.open(page)
    slider = p.locator(".d2lmini-static").first.locator('input[type="range"]').first
    slider.focus()
    default = m["controls"][0]["default"]
    p.keyboard.press("ArrowRight")
    expect_frame(p, 0, str(default + 1), m["frames"][str(default + 1)])
    p.keyboard.press("Home")
    expect_frame(p, 0, "0", m["frames"]["0"])
    out = p.locator(".d2lmini-static").first.locator("output").first
    assert out.inner_text() == m["controls"][0]["labels"][0]
    note = p.locator(".d2lmini-static .d2lmini-controls-note").first
    assert note.is_visible() and re.search("[가-힣]", note.inner_text())
    assert not s.errors, "\n".join(s.errors)


def test_touch_at_390_px(browser, server):
    s = Session(browser, server, "en")
    s.context.close()
    s.context = browser.new_context(
        locale="en-US",
        viewport={"width": 390, "height": 844},
        has_touch=True,
        is_mobile=True,
    )
    s.context.route("**/*", s._route)
    s.page = s.context.new_page()
    s.page.on("pageerror", lambda exc: s.errors.append(f"uncaught: {exc}"))
    try:
        for page in CHAPTERS:
            p = s.open(page)
            for box in p.locator(".d2lmini-static-controls .d2lmini-control").all():
                box.scroll_into_view_if_needed()
                b = box.bounding_box()
                assert b and b["x"] >= 0 and b["x"] + b["width"] <= 390 + 1, (page, b)
        page = "chapters/9_2_text_sequences"
        ids = panels_of(HTML / f"{page}.html")
        m = load_manifest(HTML, ids[0])
        p = s.open(page)
        c = next(k for k, ctl in enumerate(m["controls"]) if ctl["kind"] == "buttons")
        other = 1 - m["controls"][c]["default"]
        button = p.locator(".d2lmini-static").first.locator(
            f'[data-control="{c}"] button[data-index="{other}"]'
        )
        button.scroll_into_view_if_needed()
        button.tap()
        state = [ctl["default"] for ctl in m["controls"]]
        state[c] = other
        key = ",".join(map(str, state))
        expect_frame(p, 0, key, m["frames"][key])
        assert not s.errors, "\n".join(s.errors)
    finally:
        s.context.close()


# ---------------------------------------------------------------- a small test book
@pytest.fixture(scope="session")
def static_book(tmp_path_factory):
    """tests/static_book built with the book's configuration and extensions."""
    root = tmp_path_factory.mktemp("static_book")
    for name in ("_config.yml", "_ext", "_static", "references.bib"):
        src = ROOT / name
        if not src.exists():
            continue
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, root / name)
    for f in STATIC_BOOK.iterdir():
        shutil.copyfile(f, root / f.name)
    test_browser.build_book(
        root, "test book build", drop=("D2LMINI_STATIC_FRAMES",), timeout=900
    )
    return root


@pytest.fixture(scope="session")
def static_server(static_book):
    yield from _plain(test_browser.server)(static_book / "_build" / "html")


PAGE_MODEL = """async ([i, prefixes, n]) => {
  const panel = document.querySelectorAll(".d2lmini-textgen")[i];
  const model = await panel.d2lmini.load();
  return {probs: prefixes.map((p) => model.probs(p, 1)),
          greedy: prefixes.map((p) => model.generate(p, n, 0, 0))};
}"""


def test_text_generator_runs_the_model_in_the_page(browser, static_book, static_server):
    expected = json.loads((static_book / "expected.json").read_text())
    s = Session(browser, static_server, "en")
    try:
        p = s.open("textgen")
        assert p.locator(".d2lmini-textgen").count() == 2
        assert "embed-amd" not in p.content()
        for i, kind in enumerate(("scratch", "torch")):
            prefixes = list(expected[kind]["greedy"])
            got = p.evaluate(PAGE_MODEL, [i, prefixes, 40])
            for prefix, mine in zip(prefixes, got["probs"]):
                want = expected[kind]["probs"][prefix]
                assert len(mine) == len(want)
                worst = max(abs(a - b) for a, b in zip(mine, want))
                assert worst < 1e-5, (
                    f"{kind} {prefix!r}: probabilities differ by {worst}"
                )
            assert got["greedy"] == [expected[kind]["greedy"][q] for q in prefixes], (
                kind
            )
        # the controls: a new prefix (characters
        # outside the vocabulary too), then sampling
        gen = p.locator(".d2lmini-textgen").first
        pre = gen.locator(".d2lmini-frame-text")
        assert pre.inner_text() == expected["scratch"]["greedy"]["time traveller"]
        gen.locator('[data-name="prefix"]').fill("xyz QUIET")
        p.wait_for_function(
            "(t) => document.querySelector('.d2lmini-textgen "
            ".d2lmini-frame-text').textContent === t",
            arg=expected["scratch"]["greedy"]["xyz QUIET"],
            timeout=10000,
        )
        gen.locator('button[data-mode="sampling"]').click()
        p.wait_for_function(
            "(t) => document.querySelector('.d2lmini-textgen "
            ".d2lmini-frame-text').textContent !== t",
            arg=expected["scratch"]["greedy"]["xyz QUIET"],
            timeout=10000,
        )
        sampled = pre.inner_text()
        assert sampled.startswith("xyz QUIET")
        assert not gen.locator('[data-name="temperature"]').is_disabled()
        slider = gen.locator('[data-name="seed"]')
        slider.focus()
        p.keyboard.press("ArrowRight")
        p.keyboard.press("ArrowLeft")  # back to the same seed: the same sample
        p.wait_for_timeout(200)
        assert pre.inner_text() == sampled
        assert not s.errors, "\n".join(s.errors)
    finally:
        s.close()


def test_controls_of_every_kind_in_the_test_book(browser, static_book, static_server):
    html = static_book / "_build" / "html"
    ids = panels_of(html / "textgen.html")
    assert len(ids) == 1
    m = load_manifest(html, ids[0])
    assert m["mode"] == "product" and len(m["frames"]) == 6 * 2 * 2
    assert [c["kind"] for c in m["controls"]] == ["range", "select", "checkbox"]
    s = Session(browser, static_server, "ko")
    try:
        p = s.open("textgen")
        walk_panel(p, 0, m)
        key = "5,1,1"
        for c, index in enumerate((5, 1, 1)):
            p.evaluate(MOVE, [0, c, index])
        expect_frame(p, 0, key, m["frames"][key])
        assert "n = 10, style = dots, big = True" in m["frames"][key]["text"]
        assert not s.errors, "\n".join(s.errors)
    finally:
        s.close()
