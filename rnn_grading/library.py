"""What the hidden tests stand on: the instructor's own ``rnn_lib``, and a switch that keeps a
submission from leaning on any library while it is graded.

During ``nbgrader autograde`` the notebook runs in the student's folder, whose ``rnn_lib/`` is the
handout's copy: the exercises' counterparts there are stubs. :func:`reference_library` loads the
``rnn_lib`` installed next to this package under the private name ``rnn_grading._rnn_lib``, so the
checkers always compare with the real library, whatever ``sys.path`` holds.

:func:`libraries_off` is the rule "an exercise is numpy code of your own": while the student's
function runs, every function and method of the loaded ``rnn_lib``, ``rnn_notebook`` and
``rnn_grading`` modules (under any name, the private copy included) raises
:class:`LibraryUsed`. A function that imports its answer from anything shipped in the handout, or
from this package, therefore fails every check.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import pkgutil
import sys
import types
from pathlib import Path

PACKAGES = ("rnn_lib", "rnn_notebook", "rnn_grading")
_ALIAS = "rnn_grading._rnn_lib"
_RNN_LIB = Path(__file__).resolve().parent.parent / "rnn_lib"


class LibraryUsed(AssertionError):
    """Raised when graded code calls into rnn_lib, rnn_notebook or rnn_grading."""


def reference_library() -> types.ModuleType:
    """The instructor's ``rnn_lib`` (the one installed beside ``rnn_grading``), under a private name."""
    if _ALIAS in sys.modules:
        return sys.modules[_ALIAS]
    if not (_RNN_LIB / "__init__.py").is_file():
        raise ImportError(f"rnn_grading needs the full rnn_lib beside it, at {_RNN_LIB}: install the course repository")
    spec = importlib.util.spec_from_file_location(
        _ALIAS, _RNN_LIB / "__init__.py", submodule_search_locations=[str(_RNN_LIB)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[_ALIAS] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_ALIAS]
        raise
    return module


_PLUMBING: set[int] = set()


def plumbing(f):
    """Mark a checker's own function that calls the student's code: it stays on while graded code runs."""
    _PLUMBING.add(id(f))
    return f


def _switched_off(*args, **kwargs):
    # Runs with the globals of the function whose code it replaced: only builtins are certain.
    import sys as _sys

    name = _sys._getframe().f_code.co_name
    raise __import__("rnn_grading.library", fromlist=["LibraryUsed"]).LibraryUsed(
        f"your function called {name}: an exercise must be your own numpy code. The grader runs it "
        "with rnn_lib, rnn_notebook and rnn_grading switched off, so it cannot use them."
    )


def _graded_functions():
    """(function, qualified name) of every plain function and method of the loaded course packages."""
    seen = set()
    for name, module in list(sys.modules.items()):
        if module is None or not any(name == p or name.startswith(p + ".") for p in PACKAGES):
            continue
        if name == __name__:
            continue  # the switch itself must keep working
        for value in list(vars(module).values()):
            members = [value]
            if isinstance(value, type) and value.__module__ == module.__name__:
                members = [
                    getattr(m, "__func__", m)
                    for m in vars(value).values()
                    if isinstance(m, (types.FunctionType, staticmethod, classmethod))
                ]
            for f in members:
                if (
                    isinstance(f, types.FunctionType)
                    and f.__module__ == module.__name__
                    and id(f) not in seen | _PLUMBING
                ):
                    seen.add(id(f))
                    yield f, f"{module.__name__.replace(_ALIAS, 'rnn_lib')}.{f.__qualname__}"


def _import_all_modules() -> None:
    """Import every module of the loaded course packages, so that none escapes the switch by being
    imported for the first time inside the block."""
    for name in PACKAGES + (_ALIAS,):
        with contextlib.suppress(Exception):
            importlib.import_module(name)  # the handout's copy if it is on sys.path
        package = sys.modules.get(name)
        for info in pkgutil.iter_modules(getattr(package, "__path__", []) or []):
            if info.name not in ("__main__", "nbgrader_ext"):  # entry points, not library code
                with contextlib.suppress(Exception):
                    importlib.import_module(f"{name}.{info.name}")


_depth = 0


@contextlib.contextmanager
def libraries_off():
    """Within the block, every function of the course's packages raises :class:`LibraryUsed`.

    Implemented by swapping each function's code object (so a name the student imported earlier
    is switched off too) and restoring it afterwards. Functions that close over variables keep
    their code (a code object can only be swapped for one with the same free variables).
    """
    global _depth
    if _depth:  # already off: nested blocks share the outer one
        yield
        return
    _import_all_modules()
    saved = []
    _depth += 1
    try:
        for f, qualname in _graded_functions():
            if f.__code__.co_freevars:
                continue
            saved.append((f, f.__code__))
            f.__code__ = _switched_off.__code__.replace(co_name=qualname)
        yield
    finally:
        _depth -= 1
        for f, code in saved:
            f.__code__ = code
