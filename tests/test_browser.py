"""The widget notebooks in a real browser: JupyterLab driven in headless Chromium by Playwright.

nbval re-runs every notebook, but it cannot see a page: it does not know whether a figure is
drawn, whether a widget shows up in JupyterLab, or whether moving a slider redraws anything. This
test starts an isolated JupyterLab (tools/browser_check.py: temporary config, settings and
workspaces, a random token, 127.0.0.1, autosave off, read-only contents; two of them, each with its
own Chromium, checking two notebooks at a time on a 2-core machine), and for each notebook
that imports ipywidgets opens it, clears its outputs, runs Run > Run All Cells, and asserts that

- the checks and solutions are shown collapsed, as the file asks (jupyter.source_hidden);
- every code cell ran, in order, in a fresh kernel, and no cell shows a traceback;
- every matplotlib figure is drawn (an <img> of non-zero natural size), at least as many as the
  committed notebook shows;
- every widget view is drawn and visible, and answers: moving its first slider with the arrow
  keys (or, without a slider, choosing another menu entry) changes the image, text area or HTML it
  shows.

A screenshot of each notebook, scrolled to its widget, goes to ci-artifacts/screenshots/.

Needs Playwright and Chromium (the system one, through ``executable_path``; never
``playwright install``). Without them the module is skipped, except when the environment variable
CI is set: then it fails, so that CI cannot silently skip it.
"""

import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("browser_check", ROOT / "tools" / "browser_check.py")
browser_check = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("browser_check", browser_check)
_spec.loader.exec_module(browser_check)

IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
WIDGET_NOTEBOOKS = browser_check.widget_notebooks()
# The notebooks known to have widgets today: the scan must find at least these.
KNOWN = {
    "01_hello_vocabulary",
    "02_softmax_cross_entropy",
    "07_sampling",
    "08_your_own_text",
    "10_what_the_neurons_learn",
}


def _unavailable(reason: str):
    """Skip, or fail under CI (where a skipped browser test would hide a broken classroom)."""
    if IN_CI:
        pytest.fail(f"CI is set, so the browser test may not be skipped: {reason}", pytrace=False)
    pytest.skip(reason)


def test_widget_notebooks_are_found():
    names = {p.stem for p in WIDGET_NOTEBOOKS}
    assert KNOWN <= names, f"the ipywidgets scan missed {sorted(KNOWN - names)}"


@pytest.fixture(scope="module")
def checked():
    """Every widget notebook checked, two at a time (tools/browser_check.check_in_parallel)."""
    missing = browser_check.missing_requirements()
    if missing:
        _unavailable("the browser test needs " + "; ".join(missing))
    return browser_check.check_in_parallel(
        WIDGET_NOTEBOOKS, workers=2, screenshots=browser_check.SCREENSHOTS, log_dir=ROOT / "ci-artifacts"
    )


@pytest.mark.slow
@pytest.mark.parametrize("path", WIDGET_NOTEBOOKS, ids=[p.stem for p in WIDGET_NOTEBOOKS])
def test_widget_notebook_in_jupyterlab(path, checked):
    result, log_tail = checked[path]
    print(result.summary())
    if result.console_errors:
        print("browser console errors:\n  " + "\n  ".join(result.console_errors[:20]))
    assert not result.problems, (
        f"{path.name} in JupyterLab (screenshot {result.screenshot}):\n- "
        + "\n- ".join(result.problems)
        + ("\nbrowser console errors:\n  " + "\n  ".join(result.console_errors[:10]) if result.console_errors else "")
        + f"\nserver log (end):\n{log_tail}"
    )
