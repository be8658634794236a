"""pytest on the notebooks: nbval in strict mode, in the current environment.

Collected when pytest is given ``notebooks/`` or a notebook (``pytest`` alone does both: see
``testpaths`` in pyproject.toml). Every stored output must be reproduced, except in cells tagged
``nbval-ignore-output`` (the build turns a source's ``# NBVAL_IGNORE_OUTPUT`` marker into that tag,
with its reason in the cell's metadata); ``tests/nbval_sanitize.cfg`` masks what legitimately
differs between runs (memory addresses, timings). ``pytest tests/`` does not load this file, so
the library's tests need no nbval flags.
"""

from pathlib import Path

import pytest

SANITIZE = Path(__file__).resolve().parent.parent / "tests" / "nbval_sanitize.cfg"


def pytest_configure(config):
    option = config.option
    if not hasattr(option, "nbval"):
        raise pytest.UsageError('the notebooks are checked by nbval, which is missing: pip install -e ".[test]"')
    if not option.nbval_lax:  # --nbval-lax given by hand wins; otherwise strict
        option.nbval = True
    option.nbval_current_env = True
    if not option.nbval_sanitize_with:
        option.nbval_sanitize_with = str(SANITIZE)
