"""The notebooks' stored outputs hold on other CPUs: every notebook is run again, by nbval in strict mode,
under a second numerical configuration.

A student's laptop computes with other machine code than the machine that stored the outputs: numpy
picks its SIMD loops (tanh, exp, log, sums) by CPU (SSE, AVX2, AVX-512, NEON) and so does BLAS for
matrix products. Their results differ in the last bits, and a training run amplifies such bits into
other losses and samples. A stored output that depends on them would fail for that student.

The second configuration switches off every optional SIMD path of numpy (``NPY_DISABLE_CPU_FEATURES``
set to every feature numpy can dispatch to), so numpy runs its baseline code: on an x86 CPU with AVX2
or AVX-512 its float32 ``tanh`` and ``exp`` then round differently, which is enough to send a training
run elsewhere. A notebook whose stored output comes out of such a run fails here, on any CPU.

By hand, against other BLAS kernels too (OpenBLAS's ``OPENBLAS_CORETYPE``; see the README's
"Testing on other CPUs")::

    NPY_DISABLE_CPU_FEATURES="$(python tests/test_portability.py)" pytest notebooks/
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# float32 and float64 tanh, exp and log on fixed inputs, summarised as one hash of their bits
PROBE = """
import hashlib
import numpy as np
x = np.linspace(-4, 4, 4099)
arrays = [f(x.astype(dtype)) for dtype in (np.float32, np.float64) for f in (np.tanh, np.exp, np.log1p)]
print(hashlib.sha256(b"".join(a.tobytes() for a in arrays)).hexdigest())
"""


def dispatch_features() -> list[str]:
    """The optional CPU features numpy was built to dispatch to (the ones a CPU may or may not have)."""
    try:
        from numpy._core._multiarray_umath import __cpu_dispatch__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_dispatch__
    return list(__cpu_dispatch__)


def found_features() -> list[str]:
    """Those of :func:`dispatch_features` that this CPU has."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # numpy 1.x
        from numpy.core._multiarray_umath import __cpu_features__
    return [f for f in dispatch_features() if __cpu_features__.get(f)]


def second_configuration() -> dict:
    """The environment of the second configuration: numpy without any optional SIMD path."""
    return {**os.environ, "NPY_DISABLE_CPU_FEATURES": " ".join(dispatch_features())}


def _probe(env: dict) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_second_configuration_computes_differently():
    """Not a check that cannot fail: on this CPU the second configuration must change some results."""
    if not found_features():
        pytest.skip("this CPU has none of numpy's optional SIMD features: it runs the baseline code already")
    if platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip(f"on {platform.machine()} numpy's optional paths need not change these functions")
    default, second = _probe(dict(os.environ)), _probe(second_configuration())
    assert default != second, (
        f"with NPY_DISABLE_CPU_FEATURES={second_configuration()['NPY_DISABLE_CPU_FEATURES']!r} numpy computed "
        f"the same float32 tanh/exp bits as by default, so the second configuration tests nothing on this CPU"
    )


@pytest.mark.slow
def test_every_notebook_holds_under_the_second_configuration():
    """nbval, strict, on every notebook, with numpy's SIMD paths off.

    The notebooks run in two halves at once (one per core of a 2-core machine), each in its own
    pytest process: alternate notebooks, which splits the two long ones (06 and 13) between them.
    """
    notebooks = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    halves = [notebooks[0::2], notebooks[1::2]]
    runs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pytest",
                *(str(p.relative_to(ROOT)) for p in half),
                "-q",
                "-p",
                "no:cacheprovider",
                "--no-header",
                "-o",
                "testpaths=notebooks",
            ],
            cwd=ROOT,
            env=second_configuration(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for half in halves
        if half
    ]
    failures = []
    for run in runs:
        out, _ = run.communicate(timeout=1200)
        if run.returncode != 0:
            failures.append("\n".join(out.splitlines()[-40:]))
    assert not failures, (
        "under NPY_DISABLE_CPU_FEATURES (numpy's baseline code) some notebook outputs differ from the "
        "stored ones: they depend on the CPU. Make such an output robust (a seed average, an ordering, a "
        "tolerance) or mark its cell # NBVAL_IGNORE_OUTPUT with a reason.\n" + "\n".join(failures)
    )


if __name__ == "__main__":  # print the second configuration's NPY_DISABLE_CPU_FEATURES value
    print(" ".join(dispatch_features()))
