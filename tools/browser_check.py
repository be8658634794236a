"""Check the widget notebooks in a real browser: JupyterLab, driven in headless Chromium by Playwright.

For each notebook that uses ipywidgets this opens it in JupyterLab, clears the stored outputs, runs
every cell (Run > Run All Cells, as a student would), and then checks what a person would see: no
traceback, every matplotlib figure drawn, every widget drawn, and each widget answering when its
first slider is moved (or, without a slider, its first menu changed). It saves one screenshot per
notebook. ``tests/test_browser.py`` runs it as part of the test suite; from the command line::

    python tools/browser_check.py                          # every widget notebook
    python tools/browser_check.py notebooks/07_sampling.ipynb --screenshots /tmp/shots

Needs Playwright (``pip install playwright``) and a Chromium on the PATH (Debian: ``apt-get install
chromium``; or set ``BROWSER_CHECK_CHROMIUM`` to its path). Never run ``playwright install``: the
system Chromium is used through ``executable_path``.

The JupyterLab server is isolated from the user's own Jupyter: its configuration, data, runtime,
settings, workspaces, IPython and matplotlib folders (and HOME) are in a temporary directory, it
listens on 127.0.0.1 on a free port with a random token, autosave is off and its contents manager
refuses to write, so the notebooks in the repository are never modified.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SCREENSHOTS = ROOT / "ci-artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

SERVER_START_TIMEOUT = 90  # s until /api/status answers
OPEN_TIMEOUT = 90  # s until a notebook is shown with an idle kernel
RUN_TIMEOUT = 150  # s for Run All Cells of one notebook (each runs in <= 60 s on CI)
RESPOND_TIMEOUT = 30  # s for a widget to redraw after a control moved

# A code cell that imports ipywidgets (or the project's widget helpers) makes a widget notebook.
_WIDGET_IMPORT = re.compile(
    r"^\s*(import ipywidgets|from ipywidgets\b|from rnn_notebook\.widgets import .*\b"
    r"(figure_widget|html_widget)\b)",
    re.M,
)
_PROMPT_DONE = re.compile(r"^\[(\d+)\]:$")


# ------------------------------------------------------------------------------------------------
# What there is to check, and with what
# ------------------------------------------------------------------------------------------------


def widget_notebooks(folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks in ``folder`` whose code cells import ipywidgets, sorted by name."""
    found = []
    for path in sorted(folder.glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        if _WIDGET_IMPORT.search(code):
            found.append(path)
    return found


def stored_output_counts(path: Path) -> dict:
    """How many figures (image/png) and widget views the committed notebook shows, and its code cells."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    outputs = [o for c in code for o in c.get("outputs", [])]
    widget = "application/vnd.jupyter.widget-view+json"
    return {
        "code_cells": len(code),
        # a widget's output also holds a still figure for static views; JupyterLab draws the widget
        "figures": sum("image/png" in o.get("data", {}) and widget not in o.get("data", {}) for o in outputs),
        "widgets": sum(widget in o.get("data", {}) for o in outputs),
        "collapsed": sum(bool(c.get("metadata", {}).get("jupyter", {}).get("source_hidden")) for c in code),
    }


def find_chromium() -> str | None:
    """Path of a Chromium to drive: $BROWSER_CHECK_CHROMIUM, else chromium or chromium-browser on the PATH."""
    explicit = os.environ.get("BROWSER_CHECK_CHROMIUM")
    if explicit:
        return explicit if Path(explicit).exists() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def missing_requirements() -> list[str]:
    """What is missing to run the check (empty if nothing), each with how to install it."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append(
            "the Python package playwright (pip install playwright; do not run "
            "'playwright install', the system Chromium is used)"
        )
    if find_chromium() is None:
        missing.append(
            "a Chromium browser (Debian/Ubuntu: apt-get install chromium; or set "
            "BROWSER_CHECK_CHROMIUM to a Chromium or Chrome executable)"
        )
    try:
        import ipywidgets  # noqa: F401
        import jupyterlab  # noqa: F401
    except ImportError as exc:
        missing.append(f"{exc.name} (pip install -e .)")
    return missing


# ------------------------------------------------------------------------------------------------
# An isolated JupyterLab server
# ------------------------------------------------------------------------------------------------

# Loaded by the server from its (temporary) configuration folder: a contents manager that refuses
# to write, so that nothing the browser does can change a notebook in the repository.
_SERVER_CONFIG = '''\
from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from tornado import web


class ReadOnlyContentsManager(AsyncLargeFileManager):
    """Refuses every change: the browser check only reads the repository."""

    async def save(self, model, path=""):
        raise web.HTTPError(403, f"browser check: the repository is read-only ({path})")

    async def delete_file(self, path):
        raise web.HTTPError(403, f"browser check: the repository is read-only ({path})")

    async def rename_file(self, old_path, new_path):
        raise web.HTTPError(403, f"browser check: the repository is read-only ({old_path})")


c.ServerApp.contents_manager_class = ReadOnlyContentsManager
'''

# JupyterLab user settings: every cell in the page (not only those in view), no autosave, no news.
_LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin": {"autosave": False},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class JupyterLab:
    """``jupyter lab`` on 127.0.0.1 with a random token, serving ``root_dir``; a context manager.

    ``log`` receives the server's output (the kernels' too); it is quoted when the server fails.
    """

    def __init__(self, root_dir: Path = ROOT, log: Path | None = None):
        self.root_dir = Path(root_dir)
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="browser-check-")
        self.home = Path(self._tmp.name)
        self.log_path = Path(log) if log else self.home / "jupyterlab.log"
        self.process: subprocess.Popen | None = None

    # -- life cycle ------------------------------------------------------------------------------
    def environment(self) -> dict:
        h = self.home
        env = dict(os.environ)
        env.update(
            {
                "HOME": str(h),
                "XDG_CONFIG_HOME": str(h / ".config"),
                "XDG_CACHE_HOME": str(h / ".cache"),
                "XDG_DATA_HOME": str(h / ".local" / "share"),
                "JUPYTER_CONFIG_DIR": str(h / "jupyter-config"),
                "JUPYTER_DATA_DIR": str(h / "jupyter-data"),
                "JUPYTER_RUNTIME_DIR": str(h / "jupyter-runtime"),
                "JUPYTERLAB_SETTINGS_DIR": str(h / "lab-settings"),
                "JUPYTERLAB_WORKSPACES_DIR": str(h / "lab-workspaces"),
                "IPYTHONDIR": str(h / "ipython"),
                "MPLCONFIGDIR": str(h / "matplotlib"),
                "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # quiets the debugger's warning in the kernel log
            }
        )
        for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env.setdefault(name, "1")  # one BLAS thread, as CI and the notebooks' timings assume
        env.pop("JUPYTER_PATH", None)
        env.pop("JUPYTER_CONFIG_PATH", None)
        return env

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={self.port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={self.token}",
            f"--ServerApp.root_dir={self.root_dir}",
            f"--LabServerApp.workspaces_dir={self.home / 'lab-workspaces'}",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LanguageServerManager.autodetect=False",
        ]

    def start(self) -> JupyterLab:
        env = self.environment()
        config_dir = Path(env["JUPYTER_CONFIG_DIR"])
        config_dir.mkdir(parents=True)
        (config_dir / "jupyter_server_config.py").write_text(_SERVER_CONFIG)
        for plugin, values in _LAB_SETTINGS.items():
            target = Path(env["JUPYTERLAB_SETTINGS_DIR"]) / f"{plugin}.jupyterlab-settings"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(json.dumps(values))
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "w")
        # Its own session (process group), so that stop() also reaches kernels left behind.
        self.process = subprocess.Popen(
            self.command(),
            env=env,
            cwd=self.root_dir,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"jupyter lab exited with status {self.process.returncode}:\n{self.log_tail()}")
            try:
                self.api("GET", "/api/status", timeout=5)
                return self
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT} s:\n{self.log_tail()}"
                )
            time.sleep(0.25)

    def stop(self):
        """Terminate the server (it shuts its kernels down), wait, kill it if it does not stop."""
        p = self.process
        if p is not None and p.poll() is None:
            p.terminate()
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait(timeout=10)
        if p is not None:
            try:  # kernels the server could not shut down: same process group, started by us
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if getattr(self, "_log", None):
            self._log.close()
        self._tmp.cleanup()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- helpers ---------------------------------------------------------------------------------
    def api(self, method: str, path: str, timeout: float = 10):
        request = urllib.request.Request(
            self.url + path, method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Shut down every kernel session (one notebook's kernel is not needed by the next)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}", timeout=30)

    def notebook_url(self, path: Path) -> str:
        relative = Path(path).resolve().relative_to(self.root_dir.resolve()).as_posix()
        # ?reset: a fresh workspace, so no earlier notebook is reopened next to this one
        return f"{self.url}/lab/tree/{relative}?reset&token={self.token}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


# ------------------------------------------------------------------------------------------------
# One notebook in the browser
# ------------------------------------------------------------------------------------------------


@dataclass
class NotebookResult:
    name: str
    problems: list = field(default_factory=list)
    seconds_open: float = 0.0
    seconds_run: float = 0.0
    code_cells: int = 0
    collapsed: int = 0
    figures: int = 0
    widgets: int = 0
    interactions: list = field(default_factory=list)
    stderr: list = field(default_factory=list)
    console_errors: list = field(default_factory=list)
    screenshot: Path | None = None

    def summary(self) -> str:
        state = "ok" if not self.problems else f"{len(self.problems)} problem(s)"
        return (
            f"{self.name}: {state}; opened in {self.seconds_open:.1f} s with {self.collapsed} inputs collapsed, "
            f"ran {self.code_cells} code cells "
            f"in {self.seconds_run:.1f} s; {self.figures} figures, {self.widgets} widget views; "
            + "; ".join(self.interactions)
        )


# Reads what a widget view shows (images, text areas, HTML), not its controls.
_SHOWN_JS = """area => JSON.stringify([
    [...area.querySelectorAll('img')].map(i => i.src),
    [...area.querySelectorAll('textarea')].map(t => t.value),
    [...area.querySelectorAll('.widget-html-content')].map(h => h.innerHTML)])"""

_PROMPTS_JS = "els => els.map(e => e.textContent.trim())"

_FIGURES_JS = """imgs => imgs.map(i => [i.complete, i.naturalWidth, i.naturalHeight])"""


def _menu(page, menu: str, item: str):
    page.get_by_role("menuitem", name=menu, exact=True).click()
    page.get_by_role("menuitem", name=item, exact=True).click()


def _wait_for_run(page, timeout: float) -> list[str]:
    """Wait until Run All has finished (every code prompt numbered, or stopped by an error)."""
    deadline = time.monotonic() + timeout
    while True:
        prompts = page.eval_on_selector_all(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt", _PROMPTS_JS)
        busy = any(p == "[*]:" for p in prompts)
        done = prompts and all(_PROMPT_DONE.match(p) for p in prompts)
        errored = (
            page.locator(
                ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']", has_text="Traceback"
            ).count()
            > 0
        )
        if done or (errored and not busy):
            return prompts
        if time.monotonic() > deadline:
            raise TimeoutError(f"Run All Cells had not finished after {timeout:.0f} s (prompts {prompts})")
        time.sleep(0.25)


def _poke(page, area, timeout: float) -> str:
    """Move the first slider of a widget view (else change its first menu); return what happened.

    Raises AssertionError if what the widget shows (images, text areas, HTML) does not change.
    """
    before = area.evaluate(_SHOWN_JS)
    handle = area.locator(".widget-slider .noUi-handle").first
    if handle.count():
        slider = area.locator(".widget-slider").first
        label = slider.locator(".widget-label").first.inner_text().strip() or "slider"
        readout = slider.locator(".widget-readout").first
        old = readout.inner_text().strip()
        handle.focus()
        handle.press("ArrowRight")
        if readout.inner_text().strip() == old:  # already at its maximum
            handle.press("ArrowLeft")
        new = readout.inner_text().strip()
        action = f"slider {label!r} {old} -> {new} (arrow key)"
        if new == old:
            raise AssertionError(f"{action}: the slider did not move")
    else:
        select = area.locator("select").first
        if not select.count():
            return "no slider or menu to move"
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("s => s.options[s.selectedIndex].text")
        choice = next(o for o in options if o != current)
        select.select_option(label=choice)
        action = f"menu {current!r} -> {choice!r}"
    deadline = time.monotonic() + timeout
    while area.evaluate(_SHOWN_JS) == before:
        if time.monotonic() > deadline:
            raise AssertionError(f"{action}: the widget's image/text did not change within {timeout:.0f} s")
        time.sleep(0.2)
    return action + ": the view changed"


def check_notebook(
    context, lab: JupyterLab, path: Path, screenshots: Path | None = SCREENSHOTS, run_timeout: float = RUN_TIMEOUT
) -> NotebookResult:
    """Open ``path`` in JupyterLab in a new page of ``context``, run it, check it, screenshot it."""
    path = Path(path)
    result = NotebookResult(path.stem)
    expected = stored_output_counts(path)
    page = context.new_page()
    page.set_default_timeout(OPEN_TIMEOUT * 1000)
    page.on("console", lambda m: result.console_errors.append(m.text[:300]) if m.type == "error" else None)
    try:
        start = time.monotonic()
        page.goto(lab.notebook_url(path))
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']")
        result.seconds_open = time.monotonic() - start
        if page.locator("#jp-left-stack").is_visible():
            page.keyboard.press("Control+b")  # hide the file browser: more notebook in the screenshot

        # 0. the checks and solutions are collapsed (jupyter.source_hidden): a placeholder, no code
        placeholders = page.locator(".jp-Notebook .jp-CodeCell .jp-InputPlaceholder")
        try:  # the cells' inputs are laid out a moment after the cells
            page.wait_for_function(
                "n => document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPlaceholder').length >= n",
                arg=expected["collapsed"],
                timeout=RESPOND_TIMEOUT * 1000,
            )
        except Exception:
            pass  # counted and reported just below
        result.collapsed = placeholders.count()
        if result.collapsed != expected["collapsed"]:
            result.problems.append(
                f"{result.collapsed} code inputs shown collapsed, the file collapses {expected['collapsed']}"
            )
        if screenshots is not None and result.collapsed:
            screenshots.mkdir(parents=True, exist_ok=True)
            placeholders.first.scroll_into_view_if_needed()
            page.screenshot(path=str(screenshots / f"{path.stem}-collapsed.png"))
        # the prompts below are read from the inputs, so show every input before running
        _menu(page, "View", "Expand All Code")

        # The stored outputs must not count: clear them, then run everything in the fresh kernel.
        _menu(page, "Edit", "Clear Outputs of All Cells")
        prompts = page.eval_on_selector_all(".jp-Notebook .jp-CodeCell .jp-InputArea-prompt", _PROMPTS_JS)
        if any(_PROMPT_DONE.match(p) for p in prompts) or page.locator(".jp-OutputArea-output").count():
            result.problems.append("Edit > Clear Outputs of All Cells left outputs behind")
        start = time.monotonic()
        _menu(page, "Run", "Run All Cells")
        prompts = _wait_for_run(page, run_timeout)
        result.seconds_run = time.monotonic() - start
        result.code_cells = len(prompts)

        # 1. no errors
        counts = [int(m.group(1)) if (m := _PROMPT_DONE.match(p)) else None for p in prompts]
        if counts != list(range(1, len(prompts) + 1)):
            result.problems.append(f"not every code cell ran, in order, in a fresh kernel: prompts {prompts}")
        if len(prompts) != expected["code_cells"]:
            result.problems.append(f"{len(prompts)} code cells in JupyterLab, {expected['code_cells']} in the file")
        stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        for text in stderr.all_inner_texts():
            result.stderr.append(text[-2000:])
            if "Traceback" in text or re.search(r"^\w*(Error|Exception)\b", text, re.M):
                result.problems.append(f"a cell shows an error:\n{text[-1500:]}")
        broken = page.locator(
            ".jupyter-widgets-error-widget, .jp-OutputArea-output",
            has_text=re.compile(r"Error (displaying|rendering|creating) (widget|view)"),
        )
        for text in broken.all_inner_texts():
            result.problems.append(f"a widget failed to display: {text[:300]}")

        # 2. figures: every matplotlib figure is drawn
        figures = page.locator(".jp-OutputArea-output[data-mime-type='image/png'] img")
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-OutputArea-output img')].every(i => i.complete)",
            timeout=RESPOND_TIMEOUT * 1000,
        )
        sizes = figures.evaluate_all(_FIGURES_JS)
        result.figures = len(sizes)
        if len(sizes) < expected["figures"]:
            result.problems.append(f"{len(sizes)} figures drawn, the committed notebook shows {expected['figures']}")
        for i, (complete, width, height) in enumerate(sizes):
            if not (complete and width > 0 and height > 0):
                result.problems.append(f"figure {i + 1} is not drawn (natural size {width}x{height})")

        # 3. widgets: drawn, visible, and answering
        selector = ".jp-OutputArea-output:has(> .jupyter-widgets), .jp-OutputArea-output:has(.widget-box)"
        wanted = max(1, expected["widgets"])
        try:  # a view is drawn a moment after its cell has finished
            page.wait_for_function(
                "([s, n]) => document.querySelectorAll(s).length >= n",
                arg=[selector, wanted],
                timeout=RESPOND_TIMEOUT * 1000,
            )
        except Exception:
            pass  # counted and reported just below
        areas = page.locator(selector)
        result.widgets = areas.count()
        if result.widgets < wanted:
            result.problems.append(f"{result.widgets} widget views drawn, expected {wanted}")
        for i in range(result.widgets):
            area = areas.nth(i)
            area.scroll_into_view_if_needed()
            if not area.locator(".jupyter-widgets").first.is_visible():
                result.problems.append(f"widget view {i + 1} is not visible")
                continue
            for j, (complete, width, height) in enumerate(area.locator("img").evaluate_all(_FIGURES_JS)):
                if not (complete and width > 0):
                    result.problems.append(f"widget view {i + 1}: image {j + 1} is empty ({width}x{height})")
            try:
                result.interactions.append(_poke(page, area, RESPOND_TIMEOUT))
            except AssertionError as exc:
                result.problems.append(f"widget view {i + 1} does not respond: {exc}")
    except Exception as exc:  # a time-out or a missing element: report it with the rest
        result.problems.append(f"{type(exc).__name__}: {str(exc).strip()[:1500]}")
    finally:
        if screenshots is not None:
            screenshots.mkdir(parents=True, exist_ok=True)
            result.screenshot = screenshots / f"{path.stem}.png"
            try:
                page.screenshot(path=str(result.screenshot))
            except Exception as exc:
                result.problems.append(f"no screenshot: {exc}")
        page.close()
        try:
            lab.shutdown_kernels()
        except Exception:
            pass
    return result


def launch_browser(playwright):
    """Headless system Chromium; Playwright gives it a fresh temporary profile (--user-data-dir)."""
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError("no Chromium found: " + "; ".join(missing_requirements()))
    return playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)


def new_context(browser):
    return browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)


def check_in_parallel(paths, workers: int = 2, screenshots: Path | None = SCREENSHOTS, log_dir: Path | None = None):
    """:func:`check_notebook` on every path, ``workers`` notebooks at a time (one per core).

    Each worker has its own JupyterLab server, Playwright and Chromium (Playwright's sync API is
    not shared between threads) and checks every ``workers``-th notebook in turn. Returns
    ``{path: (NotebookResult, server log tail)}``; the log tail is kept only for a result with
    problems.
    """
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    paths = [Path(p) for p in paths]
    results = {}

    def work(k: int) -> None:
        log = (log_dir / f"jupyterlab-{k}.log") if log_dir is not None else None
        with JupyterLab(log=log) as lab, sync_playwright() as playwright:
            browser = launch_browser(playwright)
            context = new_context(browser)
            try:
                for path in paths[k::workers]:
                    result = check_notebook(context, lab, path, screenshots)
                    results[path] = (result, lab.log_tail(15) if result.problems else "")
            finally:
                context.close()
                browser.close()

    with ThreadPoolExecutor(workers) as pool:
        for done in [pool.submit(work, k) for k in range(min(workers, len(paths)))]:
            done.result()
    return results


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebook that uses ipywidgets")
    parser.add_argument("--screenshots", type=Path, default=SCREENSHOTS, help=f"default: {SCREENSHOTS}")
    args = parser.parse_args(argv)
    missing = missing_requirements()
    if missing:
        print("browser check needs " + "; ".join(missing), file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    notebooks = args.notebooks or widget_notebooks()
    failed = 0
    with JupyterLab(log=args.screenshots / "jupyterlab.log") as lab, sync_playwright() as p:
        browser = launch_browser(p)
        context = new_context(browser)
        for path in notebooks:
            result = check_notebook(context, lab, path.resolve(), args.screenshots)
            print(result.summary(), flush=True)
            for problem in result.problems:
                print("   problem:", problem)
            failed += bool(result.problems)
        browser.close()
    print(f"{len(notebooks) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
