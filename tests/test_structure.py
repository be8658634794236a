"""The shape of the package: no import cycles, no name hiding a module, no notebook code, a tidy API.

Read from the source files, so a module added or renamed is covered without changing this file.
"""

import ast
import subprocess
import sys
from pathlib import Path

import rnn_lib

PACKAGE = Path(rnn_lib.__file__).parent
MODULES = sorted(p.stem for p in PACKAGE.glob("*.py"))  # "__init__" is the package itself
# notebook support and plotting live outside the library (rnn_notebook, rnn_grading)
FORBIDDEN = {"rnn_notebook", "rnn_grading", "matplotlib", "ipywidgets"}


def _imports(module: str):
    """(imported module, line) for every import in rnn_lib/<module>.py, those inside functions included.

    Modules of rnn_lib are named without the package ("training"; "__init__" for names taken from the
    package itself); others by their full dotted name.
    """
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _local(alias.name) or alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level > 1:
                raise AssertionError(f"rnn_lib/{module}.py:{node.lineno}: an import from outside the package")
            base = node.module if node.level == 0 else f"rnn_lib.{node.module}" if node.module else "rnn_lib"
            if base == "rnn_lib":  # from . import x: the submodule x, or a name of the package
                for alias in node.names:
                    yield (alias.name if alias.name in MODULES else "__init__"), node.lineno
            else:
                yield _local(base) or base, node.lineno


def _local(dotted: str):
    """'training' for 'rnn_lib.training' (and 'rnn_lib.training.x'), '__init__' for 'rnn_lib', else None."""
    parts = dotted.split(".")
    if parts[0] != "rnn_lib":
        return None
    return parts[1] if len(parts) > 1 and parts[1] in MODULES else "__init__"


def test_the_source_files_are_found():
    assert {"__init__", "cli", "config"} <= set(MODULES) and len(MODULES) > 10


def test_the_import_graph_has_no_cycle():
    graph = {m: sorted({name for name, _ in _imports(m) if name in MODULES and name != m}) for m in MODULES}
    done, path = set(), []

    def visit(m):
        if m in path:
            cycle = path[path.index(m) :] + [m]
            raise AssertionError(f"import cycle: {' -> '.join(cycle)}")
        if m in done:
            return
        path.append(m)
        for n in graph[m]:
            visit(n)
        path.pop()
        done.add(m)

    for m in MODULES:
        visit(m)


def test_no_public_function_or_class_hides_a_module():
    hidden = [
        name
        for name in dir(rnn_lib)
        if not name.startswith("_")
        and name in MODULES
        and isinstance(getattr(rnn_lib, name), (type, type(test_no_public_function_or_class_hides_a_module)))
    ]
    assert not hidden, f"rnn_lib.{hidden[0]} is a function or class named like the module rnn_lib/{hidden[0]}.py"


def test_the_library_never_imports_notebook_code():
    found = [
        f"rnn_lib/{m}.py:{line} imports {name}"
        for m in MODULES
        for name, line in _imports(m)
        if name.split(".")[0] in FORBIDDEN
    ]
    assert not found, found
    # nor does anything it imports, all modules loaded (but __main__, which runs the CLI)
    probe = (
        f"import importlib, sys\nfor m in {[m for m in MODULES if m != '__main__']!r}:\n"
        f"    importlib.import_module('rnn_lib' if m == '__init__' else 'rnn_lib.' + m)\n"
        f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(FORBIDDEN)!r})))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, cwd=PACKAGE.parent
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]", result.stdout


def _isort_key(name: str):
    """The order of ruff's RUF022: CONSTANTS, then Classes, then functions; alphabetical within each."""
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


def test_the_public_api_is_sorted_and_complete():
    names = rnn_lib.__all__
    assert names == sorted(names, key=_isort_key), sorted(names, key=_isort_key)
    assert len(set(names)) == len(names)
    missing = [n for n in names if not hasattr(rnn_lib, n)]
    assert not missing, missing


def test_every_module_is_listed_where_readers_look():
    """rnn_lib's docstring and the README name every module of the package (the lists stay true)."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## rnn_lib") :]
    doc = rnn_lib.__doc__
    for module in MODULES:
        if module.startswith("__"):
            continue
        assert f"rnn_lib.{module}`" in doc, f"rnn_lib/__init__.py's docstring does not list {module}"
        assert f"`{module}`" in section, f"the README's rnn_lib section does not list {module}"
