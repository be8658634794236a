"""tools/build_slides.py: reveal.js decks that work offline, opened from disk.

Builds the deck of one small notebook into a temporary folder and checks that it exists, loads
reveal.js (and require.js, jQuery, MathJax, the widgets renderer) from the copies next to it and
nothing from a CDN, and has one slide per slide boundary of the notebook's slide metadata. A
second test opens the deck from file:// in headless Chromium with every http(s) request blocked
and checks that reveal.js starts, MathJax typesets and the saved widgets are drawn.

The first build fetches the pinned packages with npm into build/slides-assets/ (gitignored);
later builds need neither npm nor a network. Without npm (and without that cache) the tests are
skipped, and the browser test is skipped without Chromium or Playwright; when the environment
variable CI is set they fail instead.
"""

import importlib.util
import json
import os
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return sys.modules[name]


build_slides = _load("build_slides")

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
NOTEBOOK = ROOT / "notebooks" / "01_hello_vocabulary.ipynb"  # small, with maths and a widget


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"CI is set, so this test may not be skipped: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    if not build_slides.cached() and shutil.which("npm") is None:
        _unavailable(
            f"npm is needed once to fetch reveal.js and the other slide assets into {build_slides.DEFAULT_CACHE}"
        )
    out = tmp_path_factory.mktemp("slides")
    [path] = build_slides.build([NOTEBOOK], out=out, quiet=True)
    return path


class _Sections(HTMLParser):
    """Counts the <section> elements inside <div class="slides">, by nesting depth."""

    def __init__(self):
        super().__init__()
        self.stack, self.in_slides, self.counts = [], None, {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "col", "source", "wbr", "area", "base"):
            return  # void elements: no end tag follows
        self.stack.append(tag)
        if tag == "div" and "slides" in (dict(attrs).get("class") or "").split() and self.in_slides is None:
            self.in_slides = len(self.stack)
        elif tag == "section" and self.in_slides is not None:
            depth = self.stack[self.in_slides :].count("section")
            self.counts[depth] = self.counts.get(depth, 0) + 1

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass
            if self.in_slides is not None and len(self.stack) < self.in_slides:
                self.in_slides = -1  # the slides are over; count nothing after them


def _expected_slides(nb: dict) -> tuple[int, int]:
    """(slides, subslides) as nbconvert makes them: the first shown cell always starts a slide."""
    types = [c.get("metadata", {}).get("slideshow", {}).get("slide_type", "-") for c in nb["cells"]]
    shown = [t for t in types if t not in ("skip", "notes")]
    slides = 1 + shown[1:].count("slide")
    return slides, slides + shown[1:].count("subslide")


def test_deck_uses_the_local_reveal_js(deck):
    page = deck.read_text(encoding="utf-8")
    out = deck.parent
    assert 'href="reveal.js/dist/reveal.css"' in page
    assert '"reveal.js/dist/reveal.js"' in page, "reveal.js is not required from the local copy"
    assert "unpkg.com" not in page and "cdnjs" not in page and "jsdelivr" not in page
    assert not build_slides.remote_references(page), "a script or style sheet still comes from the web"
    for local in (
        "reveal.js/dist/reveal.js",
        "reveal.js/dist/reveal.css",
        "reveal.js/dist/theme/white.css",
        "reveal.js/plugin/notes/notes.js",
        "vendor/require.js",
        "vendor/jquery.min.js",
        "vendor/mathjax/MathJax.js",
        "vendor/mathjax/config/TeX-AMS_CHTML-full.js",
        "vendor/html-manager/embed-amd.js",
    ):
        assert (out / local).is_file(), f"{local} was not copied next to the deck"
    assert (out / "index.html").is_file()


def test_deck_has_a_slide_per_slide_boundary(deck):
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    slides, subslides = _expected_slides(nb)
    parser = _Sections()
    parser.feed(deck.read_text(encoding="utf-8"))
    assert parser.counts.get(1) == slides, (
        f"{parser.counts.get(1)} top-level <section>s, the notebook's metadata starts {slides} slides"
    )
    assert parser.counts.get(2) == subslides, (
        f"{parser.counts.get(2)} nested <section>s, expected {subslides} (a slide plus its subslides)"
    )


@pytest.mark.slow
def test_deck_works_offline_in_a_browser(deck):
    browser_check = _load("browser_check")
    missing = [m for m in browser_check.missing_requirements() if "Chromium" in m or "playwright" in m]
    if missing:
        _unavailable("the offline deck check needs " + "; ".join(missing))
    from playwright.sync_api import sync_playwright

    remote, failed, errors = [], [], []
    with sync_playwright() as playwright:
        browser = browser_check.launch_browser(playwright)
        page = browser_check.new_context(browser).new_page()
        page.route("http*://**", lambda route: (remote.append(route.request.url), route.abort()))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("pageerror", lambda exc: errors.append(str(exc)[:300]))
        page.goto(deck.as_uri())
        page.wait_for_selector(".reveal.ready", timeout=30_000)
        page.wait_for_function("() => document.querySelectorAll('.MathJax_CHTML').length > 0", timeout=30_000)
        mathjax_idle = "() => MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"
        page.wait_for_function(mathjax_idle, timeout=30_000)  # typesetting done (else a jump races it)
        page.wait_for_selector(".widget-slider", state="attached", timeout=30_000)
        mathjax = page.locator(".MathJax_CHTML").count()
        widget_images = page.locator("img.widget-image").evaluate_all("imgs => imgs.map(i => i.naturalWidth)")
        # a screenshot of the widget's slide, for a person to look at
        position = page.evaluate("""() => {
            const sub = document.querySelector('.widget-slider').closest('.slides > section > section');
            const top = sub.parentElement;
            return [[...top.parentElement.children].indexOf(top), [...top.children].indexOf(sub)]; }""")
        page.goto(f"{deck.as_uri()}#/{position[0]}/{position[1]}")
        shown = (
            "() => { const f = document.querySelector('.widget-slider').closest('.fragment'); "
            "return !f || f.classList.contains('visible'); }"
        )
        for _ in range(10):  # step through the fragments with the space bar, as a presenter does
            if page.evaluate(shown):
                break
            page.keyboard.press("Space")
            page.wait_for_timeout(300)
        page.wait_for_timeout(1000)  # the template re-typesets the maths of each new slide
        page.wait_for_function(mathjax_idle, timeout=30_000)
        page.locator(".widget-slider").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        browser_check.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(browser_check.SCREENSHOTS / f"slides_{NOTEBOOK.stem}.png"))
        browser.close()
    assert not remote, f"the deck asked the network for {remote}"
    assert not failed, f"files the deck needs are missing: {failed}"
    assert not errors, f"JavaScript errors: {errors}"
    assert mathjax > 10, f"MathJax typeset only {mathjax} formulas"
    assert widget_images and all(w > 0 for w in widget_images), "the saved widget's figure is not drawn"
