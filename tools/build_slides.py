"""Build reveal.js slide decks of the notebooks that work offline, opened straight from disk.

Usage::

    python tools/build_slides.py                           # every notebook -> slides/
    python tools/build_slides.py --out /tmp/deck notebooks/03_backprop_through_time.ipynb
    python tools/build_slides.py --theme black             # any reveal.js 4 theme with local fonts

Each deck is ``jupyter nbconvert --to slides`` of a committed (executed) notebook: every cell's
``slideshow.slide_type`` decides where slides begin. By default nbconvert's decks load five things
from CDNs when they are opened: reveal.js (unpkg), require.js, jQuery and MathJax (cdnjs), and,
for notebooks with saved widget state, the Jupyter widgets HTML manager (unpkg); its default theme
"simple" also fetches Google Fonts, and every deck imports mermaid (cdnjs) as an ES module. Without
a network such a deck is a blank page. This script instead

1. fetches pinned copies of those packages from the npm registry once (``npm pack``, no install
   scripts) into a cache folder (default ``build/slides-assets/``, gitignored), so later builds
   need neither npm nor a network;
2. copies the parts the decks use next to them (``<out>/reveal.js/``, ``<out>/vendor/``), and points
   nbconvert at those relative paths;
3. uses the theme "white" (fonts shipped with reveal.js) and a template that drops the mermaid
   import (no notebook draws mermaid diagrams, and a browser refuses ES modules from file://);
4. writes ``<out>/index.html`` linking the decks, and checks that no deck refers to http(s) for a
   script or a style sheet.

Widgets in the decks are drawn from the widget state saved in the notebook (the HTML manager
renders it): they show the values and figures they had when the notebook was executed, but
nothing answers when a slider moves, since there is no kernel. Present the interactive parts from
JupyterLab (see docs/classroom.md).

Needs ``jupyter nbconvert`` (installed with the project) and, the first time only, ``npm``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_OUT = ROOT / "slides"
DEFAULT_CACHE = ROOT / "build" / "slides-assets"

# name -> (npm spec, {path in the package: path under <out>}). Versions are pinned: reveal.js 4
# is what nbconvert's template is written for (dist/reveal.js + plugin/notes/notes.js through
# require.js), MathJax 2.7.7 is nbconvert's own default (its template calls MathJax.Hub, which
# MathJax 3 does not have), html-manager 1.x renders ipywidgets 8 state, jQuery 2 and
# require.js 2 replace nbconvert's defaults (jQuery 2.0.3, require.js 2.1.10).
PACKAGES = {
    "reveal.js": (
        "reveal.js@4.6.1",
        {
            p: f"reveal.js/{p}"
            for p in (
                "dist/reveal.js",
                "dist/reveal.css",
                "dist/reset.css",
                "dist/theme",
                "plugin/notes/notes.js",
                "LICENSE",
            )
        },
    ),
    "requirejs": ("requirejs@2.3.7", {"require.js": "vendor/require.js"}),
    "jquery": (
        "jquery@2.2.4",
        {"dist/jquery.min.js": "vendor/jquery.min.js", "LICENSE.txt": "vendor/jquery.LICENSE.txt"},
    ),
    # Only what the TeX-AMS_CHTML-full configuration loads (about 4 MB of the package's 60 MB).
    "mathjax": (
        "mathjax@2.7.7",
        {
            p: f"vendor/mathjax/{p}"
            for p in (
                "MathJax.js",
                "LICENSE",
                "config/TeX-AMS_CHTML-full.js",
                "config/Safe.js",
                "extensions",
                "jax/input/TeX",
                "jax/output/CommonHTML",
                "jax/element",
                "fonts/HTML-CSS/TeX/woff",
                "fonts/HTML-CSS/TeX/otf",
                "localization/en",
            )
        },
    ),
    # embed-amd.js bundles @jupyter-widgets/base and /controls; the fonts are its icons (Font
    # Awesome; browsers take the woff2 or woff of its @font-face, so the eot/ttf/svg stay out).
    "html-manager": (
        "@jupyter-widgets/html-manager@1.0.7",
        {
            "dist/embed-amd.js": "vendor/html-manager/embed-amd.js",
            "dist/*.woff2": "vendor/html-manager/",
            "dist/*.woff": "vendor/html-manager/",
            "LICENSE": "vendor/html-manager/LICENSE",
        },
    ),
}

THEME = "white"  # local fonts; so are black, white-contrast, black-contrast, serif and dracula


def nbconvert_options(theme: str = THEME) -> list[str]:
    """The ``jupyter nbconvert --to slides`` options that make a deck use the local copies."""
    return [
        "--SlidesExporter.reveal_url_prefix=reveal.js",
        f"--SlidesExporter.reveal_theme={theme}",
        "--SlidesExporter.reveal_scroll=True",  # a slide taller than the screen scrolls, not cut off
        "--SlidesExporter.require_js_url=vendor/require.js",
        "--SlidesExporter.jquery_url=vendor/jquery.min.js",
        "--SlidesExporter.mathjax_url=vendor/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        "--SlidesExporter.widget_renderer_url=vendor/html-manager/embed-amd.js",
    ]


# nbconvert's reveal template with the mermaid import removed (its URL is not configurable).
_TEMPLATE = """{%- extends 'index.html.j2' -%}
{#- tools/build_slides.py: no mermaid (a CDN ES module, refused from file:// anyway) -#}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""

_REMOTE = re.compile(r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?(https?:)?//""", re.I)


class SlidesError(RuntimeError):
    pass


# ------------------------------------------------------------------------------------------------
# The local copies
# ------------------------------------------------------------------------------------------------


def _stamp(cache: Path, name: str) -> Path:
    return cache / f"{name}.version"


def cached(cache: Path = DEFAULT_CACHE) -> bool:
    """True if every package is in the cache at its pinned version (then no npm is needed)."""
    return all(
        _stamp(cache, name).is_file() and _stamp(cache, name).read_text().strip() == spec
        for name, (spec, _files) in PACKAGES.items()
    )


def fetch_assets(cache: Path = DEFAULT_CACHE, quiet: bool = False) -> Path:
    """Download the pinned packages with ``npm pack`` into ``cache`` (once); return ``cache``."""
    cache.mkdir(parents=True, exist_ok=True)
    todo = {
        name: spec
        for name, (spec, _files) in PACKAGES.items()
        if not (_stamp(cache, name).is_file() and _stamp(cache, name).read_text().strip() == spec)
    }
    if not todo:
        return cache
    npm = shutil.which("npm")
    if npm is None:
        raise SlidesError(
            f"npm is needed once to fetch {', '.join(todo.values())} into {cache} "
            "(Debian: apt-get install npm); later builds use the copies there"
        )
    with tempfile.TemporaryDirectory(prefix="slides-npm-") as tmp:
        if not quiet:
            print(f"fetching {' '.join(todo.values())} from the npm registry into {cache}", flush=True)
        result = subprocess.run(
            [npm, "pack", *todo.values(), "--json", "--ignore-scripts", "--pack-destination", tmp],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=600,
        )
        if result.returncode != 0:
            raise SlidesError(f"npm pack {' '.join(todo.values())} failed:\n{result.stderr.strip()[-2000:]}")
        packed = json.loads(result.stdout)
        for (name, spec), info in zip(todo.items(), packed):
            target = cache / name
            if target.exists():
                shutil.rmtree(target)
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                members = [m for m in tar.getmembers() if m.name.startswith("package/") and (m.isfile() or m.isdir())]
                for m in members:
                    m.name = m.name[len("package/") :]
                kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
                tar.extractall(target, members=[m for m in members if m.name], **kwargs)
            _stamp(cache, name).write_text(spec + "\n")
    return cache


def copy_assets(out: Path, cache: Path = DEFAULT_CACHE):
    """Copy the parts of the cached packages the decks load into ``out`` (skipping unchanged files)."""
    for name, (_spec, files) in PACKAGES.items():
        package = cache / name
        for source, target in files.items():
            if "*" in source:
                matches = sorted(package.glob(source))
                if not matches:
                    raise SlidesError(f"{name}: nothing matches {source} in {package}")
                for match in matches:
                    _copy(match, out / target / match.name)
            else:
                if not (package / source).exists():
                    raise SlidesError(f"{name}: {source} is missing from {package}; delete {cache} and rebuild")
                _copy(package / source, out / target)


def _copy(source: Path, target: Path):
    if source.is_dir():
        for path in source.rglob("*"):
            if path.is_file():
                _copy(path, target / path.relative_to(source))
        return
    if (
        target.is_file()
        and target.stat().st_size == source.stat().st_size
        and target.stat().st_mtime >= source.stat().st_mtime
    ):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


# ------------------------------------------------------------------------------------------------
# The decks
# ------------------------------------------------------------------------------------------------


def remote_references(page: str) -> list[str]:
    """The script, link, img and iframe tags of an HTML page that load something over http(s)."""
    return [page[m.start() : page.find(">", m.start()) + 1][:200] for m in _REMOTE.finditer(page)]


def convert(notebooks: list[Path], out: Path, theme: str = THEME, quiet: bool = False) -> list[Path]:
    """``jupyter nbconvert --to slides`` of ``notebooks`` into ``out``; the deck paths."""
    with tempfile.TemporaryDirectory(prefix="slides-template-") as tmp:
        template = Path(tmp) / "offline_slides.html.j2"
        template.write_text(_TEMPLATE)
        command = [
            sys.executable,
            "-m",
            "jupyter",
            "nbconvert",
            "--to",
            "slides",
            f"--output-dir={out}",
            f"--template-file={template}",
            *nbconvert_options(theme),
            *map(str, notebooks),
        ]
        env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise SlidesError(f"jupyter nbconvert --to slides failed:\n{result.stderr.strip()[-3000:]}")
    if not quiet and result.stderr.strip():
        for line in result.stderr.strip().splitlines():
            if "Writing" not in line and "Converting notebook" not in line:
                print(line, file=sys.stderr)
    decks = [out / f"{nb.stem}.slides.html" for nb in notebooks]
    missing = [d.name for d in decks if not d.is_file()]
    if missing:
        raise SlidesError(f"nbconvert wrote no {', '.join(missing)} in {out}")
    return decks


def write_index(out: Path, decks: list[Path]):
    items = []
    for deck in sorted(decks):
        name = deck.name.removesuffix(".slides.html")
        title = name.split("_", 1)[-1].replace("_", " ")
        items.append(f'<li><a href="{html.escape(deck.name)}">{html.escape(name[:2])} {html.escape(title)}</a></li>')
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>Slides</title>\n'
        "<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6}</style></head>\n"
        "<body><h1>How a recurrent neural network really works: slides</h1>\n<ul>\n"
        + "\n".join(items)
        + "\n</ul>\n<p>Arrow keys move between slides, <kbd>S</kbd> opens the "
        "speaker view, <kbd>Esc</kbd> the overview. The widgets show their saved state: to move a "
        "slider, switch to the notebook in JupyterLab.</p>\n</body></html>\n"
    )


def build(
    notebooks: list[Path] | None = None,
    out: Path = DEFAULT_OUT,
    cache: Path = DEFAULT_CACHE,
    theme: str = THEME,
    quiet: bool = False,
) -> list[Path]:
    """Everything: fetch (once) and copy the assets, convert, index, check. Returns the decks."""
    notebooks = [Path(p) for p in notebooks] if notebooks else sorted(NOTEBOOKS.glob("*.ipynb"))
    if not notebooks:
        raise SlidesError(f"no notebooks in {NOTEBOOKS}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    fetch_assets(Path(cache), quiet=quiet)
    copy_assets(out, Path(cache))
    decks = convert(notebooks, out, theme, quiet=quiet)
    write_index(out, list(out.glob("*.slides.html")))
    problems = {d.name: refs for d in decks if (refs := remote_references(d.read_text(encoding="utf-8")))}
    theme_css = out / "reveal.js" / "dist" / "theme" / f"{theme}.css"
    if not theme_css.is_file():
        raise SlidesError(f"reveal.js 4 has no theme {theme!r} ({theme_css} is missing)")
    if re.search(r"@import\s+url\(\s*[\"']?https?:", theme_css.read_text(encoding="utf-8")):
        print(
            f"note: the theme {theme!r} loads its fonts from the web; offline the browser substitutes "
            "its own (local fonts: white, black, white-contrast, black-contrast, serif, dracula)",
            file=sys.stderr,
        )
    if problems:
        raise SlidesError(
            "decks still load from the network:\n" + "\n".join(f"  {name}: {refs}" for name, refs in problems.items())
        )
    return decks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*.ipynb")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default: slides/)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="where the npm packages are kept (default: build/slides-assets/)",
    )
    parser.add_argument("--theme", default=THEME, help=f"reveal.js theme (default: {THEME})")
    args = parser.parse_args(argv)
    try:
        decks = build(args.notebooks, args.out, args.cache, args.theme)
    except SlidesError as exc:
        print(f"build_slides: {exc}", file=sys.stderr)
        return 1
    print(f"{len(decks)} decks in {args.out}; open {args.out / 'index.html'} in a browser (works offline)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
