"""The homework: exercises in the sources, the reading copies, the student versions, and the checkers' feedback.

(a) each source carries every exercise, with nbgrader's markers, in its homework build
    (tools/nbbuild.py's "homework" flavour); the reading copy ran the solution and its visible tests
    without error, shows the solution collapsed and holds no marker or hidden test; the hidden tests
    pass against the solutions (run here, since the reading copy, which nbval runs, has none), and
    the solution functions pass the checkers with the hidden tests' seeds;
(b) tools/make_homework.py generates student notebooks that run up to the first exercise, then fail
    every exercise and its tests with NotImplementedError, and leak no solution or hidden test;
(c) every checker of rnn_grading gives its specific feedback for each deliberately wrong
    implementation (written the way a student would write it) and passes the right ones.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from rnn_grading import graders as grading

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT / "tools"))
try:
    import make_homework
    import nbbuild
finally:
    sys.path.pop(0)

#: notebook -> the exercises it holds: (solution grade_id, test grade_id, points, checker)
EXERCISES = {
    "02_softmax_cross_entropy": [("softmax_ce_grad", "test_softmax_ce_grad", 2, grading.check_softmax_grad)],
    "03_backprop_through_time": [("rnn_backward", "test_rnn_backward", 4, grading.check_rnn_backward)],
    "04_adagrad_and_clipping": [("adagrad_update", "test_adagrad_update", 2, grading.check_adagrad_update)],
    "07_sampling": [
        ("sample_with_temperature", "test_sample_with_temperature", 2, grading.check_sample_with_temperature)
    ],
    "12_lstm": [("lstm_gate_backward", "test_lstm_gate_backward", 3, grading.check_lstm_gate_backward)],
}
HIDDEN_SEEDS = (1, 2, 3)


def nbgrader_cells(nb: dict) -> dict:
    """grade_id -> cell, for the cells with nbgrader metadata."""
    return {c["metadata"]["nbgrader"]["grade_id"]: c for c in nb["cells"] if "nbgrader" in c["metadata"]}


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@cache
def homework(name: str) -> dict:
    """The homework flavour of notebook ``name``, built from its source (what nbgrader is given)."""
    return make_homework.homework_notebook(name)


# -------------------------------------------------------------------------------------------------
# (a) the exercises: in the sources, in the reading copies, and their hidden tests


def test_exercise_notebooks_are_found_in_the_sources():
    assert [p.stem for p in make_homework.exercise_notebooks()] == sorted(EXERCISES)


@pytest.mark.parametrize("name", EXERCISES)
def test_homework_build_has_its_exercises(name):
    nb = homework(name)
    cells = nbgrader_cells(nb)
    for solution_id, test_id, points, _ in EXERCISES[name]:
        assert solution_id in cells and test_id in cells, f"{name}: missing {solution_id} / {test_id}"
        solution, test = cells[solution_id], cells[test_id]
        meta_s, meta_t = solution["metadata"]["nbgrader"], test["metadata"]["nbgrader"]
        assert meta_s["solution"] and not meta_s["grade"] and not meta_s["locked"]
        assert meta_t["grade"] and meta_t["locked"] and not meta_t["solution"] and meta_t["points"] == points
        assert "### BEGIN SOLUTION" in source(solution) and "### END SOLUTION" in source(solution)
        assert "### BEGIN HIDDEN TESTS" in source(test) and "### END HIDDEN TESTS" in source(test)
        assert "slide_type" in solution["metadata"]["slideshow"] and "slide_type" in test["metadata"]["slideshow"]
        index = nb["cells"].index
        assert index(solution) < index(test), f"{name}: the tests of {solution_id} come before it"


@pytest.mark.parametrize("name", EXERCISES)
def test_reading_copy_ran_each_exercise_and_hides_its_solution(name):
    nb = json.loads((NOTEBOOKS / f"{name}.ipynb").read_text())
    text = json.dumps(nb)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", '"nbgrader"'):
        assert marker not in text, f"{name}: {marker!r} in the reading copy"
    solutions = [c for c in nb["cells"] if nbbuild.SOLUTION_TAG in c["metadata"].get("tags", [])]
    tests = [c for c in nb["cells"] if nbbuild.EXERCISE_TEST_TAG in c["metadata"].get("tags", [])]
    assert len(solutions) == len(tests) == len(EXERCISES[name])
    for (solution_id, _, _, _), solution, test in zip(EXERCISES[name], solutions, tests):
        assert f"def {solution_id}(" in source(solution)
        assert solution["metadata"]["jupyter"]["source_hidden"] is True, f"{name}: {solution_id} is not collapsed"
        note = nb["cells"][nb["cells"].index(solution) - 1]
        assert nbbuild.EXERCISE_NOTE_TAG in note["metadata"]["tags"] and solution_id in source(note)
        assert nb["cells"].index(solution) < nb["cells"].index(test)
        for cell in (solution, test):
            assert cell["execution_count"] is not None, f"{name}: a cell of {solution_id} never ran"
            assert not [o for o in cell["outputs"] if o["output_type"] == "error"]


def run_cells_until(name: str, grade_id: str) -> dict:
    """The namespace after running the homework build's code cells up to and including the cell
    ``grade_id`` (a test cell runs with its hidden tests)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = homework(name)
    namespace = {"__name__": "__notebook__", "display": lambda *args, **kwargs: None}
    cwd = os.getcwd()
    os.chdir(NOTEBOOKS)
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                exec(compile(source(cell), f"{name}.ipynb", "exec"), namespace)
                plt.close("all")
            if cell["metadata"].get("nbgrader", {}).get("grade_id") == grade_id:
                return namespace
    finally:
        os.chdir(cwd)
    raise AssertionError(f"{name} has no cell {grade_id}")


@pytest.mark.parametrize("name", EXERCISES)
def test_hidden_tests_pass_against_the_solutions(name, capsys):
    for _, test_id, _, _ in EXERCISES[name]:
        cell = nbgrader_cells(homework(name))[test_id]
        hidden = source(cell).split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
        assert re.search(r"check_\w+\(", hidden), f"{name}: {test_id} has no hidden test to run"
        run_cells_until(name, test_id)  # raises if a visible or hidden test fails


@pytest.mark.parametrize("name", EXERCISES)
def test_solution_functions_pass_the_checkers(name, capsys):
    for solution_id, _, _, check in EXERCISES[name]:
        namespace = run_cells_until(name, solution_id)
        for seed in (0, *HIDDEN_SEEDS):
            check(namespace[solution_id], seed)


# -------------------------------------------------------------------------------------------------
# (b) the student versions


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_homework.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_make_homework_writes_one_folder_per_notebook(release):
    assert sorted(p.name for p in release.iterdir() if p.is_dir()) == sorted(EXERCISES)
    for name in EXERCISES:
        folder = release / name
        assert (folder / f"{name}.ipynb").is_file()
        assert (folder / "rnn_grading" / "graders.py").is_file(), "the test cells import rnn_grading"
    assert (release / "07_sampling" / "checkpoints" / "shakespeare_rnn.npz").is_file()
    assert (release / "04_adagrad_and_clipping" / "data" / "tinyshakespeare.txt").is_file()
    for cell in ("rnn", "lstm"):  # the two models notebook 12 loads
        assert (release / "12_lstm" / "checkpoints" / f"shakespeare_{cell}.npz").is_file()


@pytest.mark.parametrize("name", EXERCISES)
def test_student_version_hides_solutions_and_hidden_tests(name, release):
    solution_nb = homework(name)
    student_nb = json.loads((release / name / f"{name}.ipynb").read_text())
    text = json.dumps(student_nb)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text, f"{name}: {marker!r} left in the student version"
    solutions, students = nbgrader_cells(solution_nb), nbgrader_cells(student_nb)
    for solution_id, test_id, _, _ in EXERCISES[name]:
        # the solution cell keeps everything outside the markers: signature, docstring, the calls after it
        placeholder = r"\1# YOUR CODE HERE\n\1raise NotImplementedError()"
        expected = re.sub(
            r"^( *)### BEGIN SOLUTION\n.*?### END SOLUTION",
            placeholder,
            source(solutions[solution_id]),
            flags=re.S | re.M,
        )
        assert source(students[solution_id]).strip() == expected.strip()
        # the test cell keeps its visible tests only
        visible, hidden = source(solutions[test_id]).split("### BEGIN HIDDEN TESTS")
        assert source(students[test_id]).strip() == visible.strip()
        for line in hidden.split("### END HIDDEN TESTS")[0].splitlines():
            if "check_" in line:  # the hidden calls, with their seeds and edge cases
                assert line.strip() not in text, f"{name}: hidden test {line.strip()!r} survives"
    assert not any(c.get("outputs") for c in student_nb["cells"] if c["cell_type"] == "code")
    assert all("slide_type" in c["metadata"].get("slideshow", {}) for c in student_nb["cells"])


@pytest.mark.parametrize("name", EXERCISES)
def test_student_version_fails_each_exercise_with_not_implemented(name, release):
    import nbformat
    from nbclient import NotebookClient

    path = release / name / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    graded = [i for i, c in enumerate(nb.cells) if "nbgrader" in c.metadata]
    nb.cells = nb.cells[: graded[-1] + 1]  # up to the last exercise's tests: the rest need the answers
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", allow_errors=True, resources={"metadata": {"path": str(path.parent)}}
    )
    client.execute(env=env)  # passed on to the kernel manager: one BLAS thread, no display

    def error(cell):
        return next((o for o in cell.get("outputs", []) if o.output_type == "error"), None)

    first = min(i for i in graded if nb.cells[i].metadata.nbgrader.get("solution"))
    for i, cell in enumerate(nb.cells[:first]):
        if cell.cell_type == "code":
            assert error(cell) is None, f"{name}: cell {i} fails before the first exercise: {error(cell)}"
    for i in graded:
        meta, err = nb.cells[i].metadata.nbgrader, error(nb.cells[i])
        assert err is not None, f"{name}: {meta.grade_id} ran without error in the student version"
        if meta.get("solution") or meta.get("grade"):
            assert err.ename == "NotImplementedError", f"{name}: {meta.grade_id} raised {err.ename}: {err.evalue}"


# -------------------------------------------------------------------------------------------------
# (c) the checkers' feedback, for wrong implementations written the way a student would


def student_function(code: str, name: str, **namespace):
    exec(textwrap.dedent(code), ns := {"np": np, **namespace})
    return ns[name]


def mutate(code: str, old: str, new: str) -> str:
    assert old in code, f"{old!r} is not in the correct implementation"
    return code.replace(old, new)


SOFTMAX = """
def softmax_ce_grad(y, target):
    p = np.exp(y - y.max())
    p = p / p.sum()
    dy = p.copy()
    dy[target] -= 1
    return dy
"""
SOFTMAX_BUGS = {
    "no_minus_one": [("    dy[target] -= 1\n", "")],
    "sign": [("dy[target] -= 1", "dy[target] -= 1\n    dy = -dy")],
    "minus_one_everywhere": [("dy[target] -= 1", "dy -= 1")],
    "unnormalised": [("p = p / p.sum()", "p = np.exp(y)")],
    "wrong_index": [("dy[target] -= 1", "dy[np.argmax(y)] -= 1")],
    "grad_of_p": [("dy[target] -= 1", "dy[target] -= 1\n    dy = -p[target] * dy")],
}


@pytest.mark.parametrize("bug", SOFTMAX_BUGS)
def test_check_softmax_grad_names_the_mistake(bug):
    code = SOFTMAX
    for old, new in SOFTMAX_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_softmax_grad(student_function(code, "softmax_ce_grad"), seed=0)
    assert grading.SOFTMAX_MISTAKES[bug] in str(info.value)


def test_check_softmax_grad_other_failures():
    grading.check_softmax_grad(student_function(SOFTMAX, "softmax_ce_grad"), seed=4, V=2, scale=20.0)

    def changes_y(y, target):
        y -= y.max()
        p = np.exp(y) / np.exp(y).sum()
        return p - np.eye(len(y))[target]

    with pytest.raises(AssertionError, match="changed the logits y"):
        grading.check_softmax_grad(changes_y, seed=0)
    with pytest.raises(AssertionError, match=r"shape \(5,\), got \(5, 1\)"):
        grading.check_softmax_grad(lambda y, t: student_function(SOFTMAX, "softmax_ce_grad")(y, t)[:, None])
    with pytest.raises(AssertionError, match="forget a return"):
        grading.check_softmax_grad(lambda y, t: None)
    with pytest.raises(AssertionError, match="finite differences"):  # wrong in no known way
        grading.check_softmax_grad(lambda y, t: student_function(SOFTMAX, "softmax_ce_grad")(y, t) * 1.1)
    with pytest.raises(NotImplementedError):  # the student version's placeholder passes through
        grading.check_softmax_grad(student_function("def f(y, t):\n    raise NotImplementedError()", "f"))


BPTT = """
def rnn_backward(params, targets, xs, hs, ps):
    Whh, Why = params["Whh"], params["Why"]
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    dhnext = np.zeros_like(hs[0])
    for t in reversed(range(len(targets))):
        dy = ps[t].copy()
        dy[targets[t]] -= 1
        grads["Why"] += dy @ hs[t].T
        grads["by"] += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        grads["bh"] += dhraw
        grads["Wxh"] += dhraw @ xs[t].T
        grads["Whh"] += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    return grads, dhnext
"""
BPTT_BUGS = {
    "no_minus_one": ("        dy[targets[t]] -= 1\n", ""),
    "no_dhnext": ("dh = Why.T @ dy + dhnext", "dh = Why.T @ dy"),
    "dhnext_not_updated": ("        dhnext = Whh.T @ dhraw\n", ""),
    "no_tanh": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = dh"),
    "tanh_prev": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = (1 - hs[t - 1] ** 2) * dh"),
    "tanh_no_square": ("dhraw = (1 - hs[t] * hs[t]) * dh", "dhraw = (1 - hs[t]) * dh"),
    "Whh_not_transposed": ("dhnext = Whh.T @ dhraw", "dhnext = Whh @ dhraw"),
    "dhnext_from_dh": ("dhnext = Whh.T @ dhraw", "dhnext = Whh.T @ dh"),
    "dWhh_transposed": ('grads["Whh"] += dhraw @ hs[t - 1].T', 'grads["Whh"] += hs[t - 1] @ dhraw.T'),
    "dWhh_h_t": ('grads["Whh"] += dhraw @ hs[t - 1].T', 'grads["Whh"] += dhraw @ hs[t].T'),
    "forward_loop": ("for t in reversed(range(len(targets))):", "for t in range(len(targets)):"),
}


@pytest.mark.parametrize("bug", BPTT_BUGS)
def test_check_rnn_backward_names_the_mistake(bug):
    fn = student_function(mutate(BPTT, *BPTT_BUGS[bug]), "rnn_backward")
    with pytest.raises(AssertionError) as info:
        grading.check_rnn_backward(fn, seed=0)
    assert grading.BPTT_MISTAKES[bug] in str(info.value)
    assert "finite differences" in str(info.value)


def test_check_rnn_backward_messages_the_brief_asks_for():
    missing_dhnext = student_function(mutate(BPTT, *BPTT_BUGS["no_dhnext"]), "rnn_backward")
    with pytest.raises(AssertionError, match="wrong gradients for Wxh, Whh, bh, dhprev .right: Why, by.") as info:
        grading.check_rnn_backward(missing_dhnext, seed=1)
    assert "right at the last time step but wrong at the steps before it: did you add dhnext?" in str(info.value)
    no_tanh = student_function(mutate(BPTT, *BPTT_BUGS["no_tanh"]), "rnn_backward")
    with pytest.raises(AssertionError, match=r"did you multiply by \(1 - h\*\*2\)\?"):
        grading.check_rnn_backward(no_tanh, seed=2)


@pytest.mark.parametrize("key", ["Wxh", "Whh", "bh", "Why", "by"])
def test_check_rnn_backward_spots_assignment_instead_of_accumulation(key):
    fn = student_function(BPTT.replace(f'grads["{key}"] +=', f'grads["{key}"] ='), "rnn_backward")
    with pytest.raises(
        AssertionError,
        match=rf"grads\['{key}'\] holds only the contribution of time step 0.*"
        r"did you write `=` instead of `\+=`\?",
    ):
        grading.check_rnn_backward(fn, seed=0)


def test_check_rnn_backward_other_failures():
    right = student_function(BPTT, "rnn_backward")
    for kwargs in ({"T": 1}, {"V": 3, "H": 7, "T": 9}):
        grading.check_rnn_backward(right, seed=5, **kwargs)
    no_copy = student_function(mutate(BPTT, "dy = ps[t].copy()", "dy = ps[t]"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"changed ps\[.*dy = ps\[t\].copy\(\)"):
        grading.check_rnn_backward(no_copy, seed=0)
    why_not_transposed = student_function(mutate(BPTT, "Why.T @ dy", "Why @ dy"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"ValueError.*\n.*Hint: check every array's shape"):
        grading.check_rnn_backward(why_not_transposed, seed=0)
    dwhy_transposed = student_function(mutate(BPTT, "dy @ hs[t].T", "hs[t] @ dy.T"), "rnn_backward")
    with pytest.raises(AssertionError, match=r"broadcast.*\n.*outer products such as dy @ hs\[t\].T"):
        grading.check_rnn_backward(dwhy_transposed, seed=0)

    def returns_transposed(*args):
        grads, dhnext = right(*args)
        return {**grads, "Why": grads["Why"].T}, dhnext

    transposed = r"grads\['Why'\] should have shape \(5, 4\), got \(4, 5\) \(transposed\?\)"
    with pytest.raises(AssertionError, match=transposed):
        grading.check_rnn_backward(returns_transposed, seed=0)
    # a mistake outside the table, in the link between steps: the single-step diagnosis
    half_dhnext = student_function(mutate(BPTT, "Why.T @ dy + dhnext", "Why.T @ dy + 0.5 * dhnext"), "rnn_backward")
    with pytest.raises(AssertionError, match="with a single time step your gradients are right"):
        grading.check_rnn_backward(half_dhnext, seed=0)


ADAGRAD = """
def adagrad_update(params, grads, memory, learning_rate, eps=1e-8):
    for name in params:
        param, dparam, mem = params[name], grads[name], memory[name]
        mem += dparam * dparam
        param -= learning_rate * dparam / np.sqrt(mem + eps)
"""
ADAGRAD_BUGS = {
    "eps_outside_sqrt": [("np.sqrt(mem + eps)", "(np.sqrt(mem) + eps)")],
    "step_before_memory": [
        ("        mem += dparam * dparam\n", ""),
        ("np.sqrt(mem + eps)", "np.sqrt(mem + eps)\n        mem += dparam * dparam"),
    ],
    "memory_not_squared": [("mem += dparam * dparam", "mem += dparam")],
    "memory_not_accumulated": [("mem += dparam * dparam", "mem[...] = dparam * dparam")],
    "no_sqrt": [("np.sqrt(mem + eps)", "(mem + eps)")],
    "wrong_sign": [("param -= ", "param += ")],
    "no_learning_rate": [("learning_rate * dparam", "dparam")],
    "plain_sgd": [("/ np.sqrt(mem + eps)", "")],
}


@pytest.mark.parametrize("bug", ADAGRAD_BUGS)
def test_check_adagrad_update_names_the_mistake(bug):
    code = ADAGRAD
    for old, new in ADAGRAD_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_adagrad_update(student_function(code, "adagrad_update"), seed=0)
    assert grading.ADAGRAD_MISTAKES[bug][1] in str(info.value)


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "param -= learning_rate * dparam",
            "param = param - learning_rate * dparam",
            r"the parameters did not change: did you write `param = param - learning_rate \* ...`\?"
            r".*in place with `-=`",
        ),
        (
            "mem += dparam * dparam",
            "mem = mem + dparam * dparam",
            r"the memory did not change: did you write `mem = mem \+ dparam \* dparam`\?.*in place with `\+=`",
        ),
        (
            "param -= learning_rate * dparam / np.sqrt(mem + eps)",
            "params[name] = param - learning_rate * dparam / np.sqrt(mem + eps)",
            r"params\['Wxh'\] is a new array: you replaced it .*in place",
        ),
        (
            "np.sqrt(mem + eps)",
            "np.sqrt(mem)",
            r"wrong values for param Wxh.*\nthere are nan or inf.*np.sqrt\(mem \+ eps\)",
        ),
        ("mem += dparam * dparam", "mem += dparam * dparam\n        dparam *= 0", r"changed grads\['Wxh'\]"),
    ],
)
def test_check_adagrad_update_in_place_and_eps(old, new, message):
    with pytest.raises(AssertionError, match=message):
        grading.check_adagrad_update(student_function(mutate(ADAGRAD, old, new), "adagrad_update"), seed=0)


def test_check_adagrad_update_accepts_the_gists_loop():
    gist = mutate(ADAGRAD, "param -= learning_rate * dparam", "param += -learning_rate * dparam")
    for seed in (0, 1):
        grading.check_adagrad_update(student_function(gist, "adagrad_update"), seed=seed, steps=5, learning_rate=1.0)


SAMPLE = """
def sample_with_temperature(y, temperature, rng):
    if temperature == 0:
        return int(np.argmax(y))
    z = y / temperature
    p = np.exp(z - z.max())
    p /= p.sum()
    return int(np.searchsorted(np.cumsum(p), rng.random(), side="right"))
"""
SAMPLE_BUGS = {
    "no_temperature": [("z = y / temperature", "z = y")],
    "on_probabilities": [("z = y / temperature", "q = np.exp(y - y.max())\n    z = q / q.sum() / temperature")],
    "multiplied": [("z = y / temperature", "z = y * temperature")],
    "greedy": [('np.searchsorted(np.cumsum(p), rng.random(), side="right")', "np.argmax(p)")],
    "uniform": [('np.searchsorted(np.cumsum(p), rng.random(), side="right")', "rng.integers(len(p))")],
    "off_by_one": [('side="right"))', 'side="right") - 1) % len(p)')],
}


@pytest.mark.parametrize("bug", SAMPLE_BUGS)
def test_check_sample_with_temperature_names_the_mistake(bug):
    code = SAMPLE
    for old, new in SAMPLE_BUGS[bug]:
        code = mutate(code, old, new)
    with pytest.raises(AssertionError) as info:
        grading.check_sample_with_temperature(student_function(code, "sample_with_temperature"), seed=0)
    assert grading.TEMPERATURE_MISTAKES[bug][1] in str(info.value)


def test_check_sample_with_temperature_other_failures():
    right = student_function(SAMPLE, "sample_with_temperature")
    for seed, kwargs in ((1, {}), (2, {"V": 2, "temperatures": (0.3,)}), (3, {"scale": 1000.0})):
        grading.check_sample_with_temperature(right, seed, **kwargs)
    with_choice = """
    def f(y, T, rng):
        return np.argmax(y) if T == 0 else rng.choice(len(y), p=np.exp(y / T) / np.exp(y / T).sum())
    """
    grading.check_sample_with_temperature(student_function(with_choice, "f"), seed=0)  # any correct draw
    global_random = student_function(
        mutate(SAMPLE, "rng.random()", "np.random.default_rng().random()"), "sample_with_temperature"
    )
    with pytest.raises(AssertionError, match="does not use rng"):
        grading.check_sample_with_temperature(global_random, seed=0)
    in_place = student_function(
        mutate(SAMPLE, "z = y / temperature", "y /= temperature\n    z = y"), "sample_with_temperature"
    )
    with pytest.raises(AssertionError, match="not y /= temperature"):
        grading.check_sample_with_temperature(in_place, seed=0)
    no_greedy = student_function(mutate(SAMPLE, "if temperature == 0:", "if False:"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="at temperature 0 return the most likely character"):
        grading.check_sample_with_temperature(no_greedy, seed=0)
    unshifted = student_function(mutate(SAMPLE, "np.exp(z - z.max())", "np.exp(z)"), "sample_with_temperature")
    with pytest.raises(AssertionError, match="np.exp overflows"):
        grading.check_sample_with_temperature(unshifted, seed=1, scale=1000.0)
    with pytest.raises(AssertionError, match="return one character id"):
        grading.check_sample_with_temperature(lambda y, T, rng: np.eye(len(y))[0], seed=0)


def test_make_homework_refuses_a_notebook_out_of_sync_with_its_source(tmp_path):
    stale = tmp_path / "02_softmax_cross_entropy.ipynb"
    nb = json.loads((NOTEBOOKS / stale.name).read_text())
    assert make_homework.out_of_sync([NOTEBOOKS / stale.name]) == []
    nb["cells"][0]["source"] = "# an edit made in the notebook instead of its source"
    stale.write_text(json.dumps(nb))
    assert make_homework.out_of_sync([stale]) == [
        "02_softmax_cross_entropy.ipynb: cells differ from notebooks/src/02_softmax_cross_entropy.py; "
        "run python tools/nbbuild.py notebooks/src/02_softmax_cross_entropy.py"
    ]


LSTM_GATE = """
def lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, tanh_c):
    dc = dh * o * (1 - tanh_c**2) + dcnext
    di = dc * g
    df = dc * c_prev
    do = dh * tanh_c
    dg = dc * i
    dz = np.vstack([di * i * (1 - i), df * f * (1 - f), do * o * (1 - o), dg * (1 - g**2)])
    dc_prev = dc * f
    return dz, dc_prev
"""
SIGMOID_SLOPES = "di * i * (1 - i), df * f * (1 - f), do * o * (1 - o)"
LSTM_GATE_BUGS = {
    "no_sigmoid_grad": (SIGMOID_SLOPES, "di, df, do"),
    "tanh_grad_on_sigmoid": (SIGMOID_SLOPES, "di * (1 - i**2), df * (1 - f**2), do * (1 - o**2)"),
    "sigmoid_grad_on_g": ("dg * (1 - g**2)", "dg * g * (1 - g)"),
    "no_tanh_grad_g": ("dg * (1 - g**2)", "dg"),
    "no_dcnext": ("dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dh * o * (1 - tanh_c**2)"),
    "dc_prev_without_f": ("dc_prev = dc * f", "dc_prev = dc"),
    "no_tanh_c_grad": ("dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dh * o + dcnext"),
    "df_with_c_t": ("df = dc * c_prev", "df = dc * (f * c_prev + i * g)"),
    "do_from_dc": ("do = dh * tanh_c", "do = dc * tanh_c"),
    "gate_order": ("do * o * (1 - o), dg * (1 - g**2)", "dg * (1 - g**2), do * o * (1 - o)"),
}


@pytest.mark.parametrize("bug", LSTM_GATE_BUGS)
def test_check_lstm_gate_backward_names_the_mistake(bug):
    fn = student_function(mutate(LSTM_GATE, *LSTM_GATE_BUGS[bug]), "lstm_gate_backward")
    for seed in (0, 1):
        with pytest.raises(AssertionError) as info:
            grading.check_lstm_gate_backward(fn, seed=seed)
        assert grading.LSTM_GATE_MISTAKES[bug] in str(info.value)
        assert "finite differences" in str(info.value)


def test_check_lstm_gate_backward_passes_right_answers_and_agrees_with_finite_differences():
    right = student_function(LSTM_GATE, "lstm_gate_backward")
    for seed, kwargs in ((0, {}), (1, {"H": 1}), (2, {"H": 6, "B": 3}), (3, {"scale": 4.0})):
        grading.check_lstm_gate_backward(right, seed, **kwargs)
    # the checker's own formulas, against centred differences of the step's loss
    rng = np.random.default_rng(9)
    H = 3
    z, c_prev, dh, dcnext = rng.normal(0, 1.5, (4 * H, 2)), *(rng.normal(0, 1, (H, 2)) for _ in range(3))
    i, f, o = (grading._sigmoid(z[k * H : (k + 1) * H]) for k in range(3))
    g = np.tanh(z[3 * H :])
    dz, dc_prev = grading._lstm_gate_backward(dh, dcnext, c_prev, i, f, o, g, np.tanh(f * c_prev + i * g))
    numeric_dz = grading._numerical_gradient(lambda v: grading._lstm_step_loss(v, c_prev, dh, dcnext), z)
    numeric_dc = grading._numerical_gradient(lambda v: grading._lstm_step_loss(z, v, dh, dcnext), c_prev)
    assert grading.rel_error(dz, numeric_dz).max() < 1e-6 and grading.rel_error(dc_prev, numeric_dc).max() < 1e-6


def test_check_lstm_gate_backward_other_failures():
    right = student_function(LSTM_GATE, "lstm_gate_backward")
    aliased = student_function(
        mutate(LSTM_GATE, "dc = dh * o * (1 - tanh_c**2) + dcnext", "dc = dcnext\n    dc += dh * o * (1 - tanh_c**2)"),
        "lstm_gate_backward",
    )
    with pytest.raises(AssertionError, match=r"changed dcnext.*`dc = dcnext` makes dc a second name"):
        grading.check_lstm_gate_backward(aliased, seed=0)
    with pytest.raises(AssertionError, match="return two arrays"):
        grading.check_lstm_gate_backward(lambda *a: right(*a)[0], seed=0)
    with pytest.raises(AssertionError, match=r"dz .* should have shape \(16, 1\), got \(16,\)"):
        grading.check_lstm_gate_backward(lambda *a: (right(*a)[0].ravel(), right(*a)[1]), seed=0)
    matmul = student_function(mutate(LSTM_GATE, "dc = dh * o", "dc = dh @ o"), "lstm_gate_backward")
    with pytest.raises(AssertionError, match=r"ValueError.*\n.*Hint: .*elementwise \(\*\), not @"):
        grading.check_lstm_gate_backward(matmul, seed=0)
    with pytest.raises(NotImplementedError):
        grading.check_lstm_gate_backward(student_function("def f(*a):\n    raise NotImplementedError()", "f"))
    # orders other than PyTorch's are recognised too, and named
    shuffled = student_function(
        mutate(
            LSTM_GATE,
            SIGMOID_SLOPES + ", dg * (1 - g**2)",
            "do * o * (1 - o), df * f * (1 - f), di * i * (1 - i), dg * (1 - g**2)",
        ),
        "lstm_gate_backward",
    )
    with pytest.raises(AssertionError, match="stacked in the wrong order.*Yours are in the order o, f, i, g"):
        grading.check_lstm_gate_backward(shuffled, seed=0)
    # mistakes outside the table: the parts that are wrong, and where to look
    half_dcnext = student_function(mutate(LSTM_GATE, "+ dcnext", "+ 0.5 * dcnext"), "lstm_gate_backward")
    with pytest.raises(
        AssertionError,
        match=r"wrong dz_i, dz_f, dz_g, dc_prev \(right: dz_o\).*\n.*computed "
        r"from dc: check dc = dh \* o",
    ):
        grading.check_lstm_gate_backward(half_dcnext, seed=0)
    scaled_f = student_function(mutate(LSTM_GATE, "df = dc * c_prev", "df = 1.1 * dc * c_prev"), "lstm_gate_backward")
    with pytest.raises(
        AssertionError,
        match=r"wrong dz_f \(right: dz_i, dz_o, dz_g, dc_prev\).*\n"
        r"compare each wrong part with its line",
    ):
        grading.check_lstm_gate_backward(scaled_f, seed=0)


def test_check_lstm_gate_backward_compares_with_the_library():
    right = student_function(LSTM_GATE, "lstm_gate_backward")
    calls = []

    def cheats_after_first_call(*args):  # right on the random inputs, wrong on rnn_lib's one-step LSTM
        calls.append(1)
        dz, dc_prev = right(*args)
        return (dz, dc_prev) if len(calls) == 1 else (dz, 2 * dc_prev)

    with pytest.raises(AssertionError, match="not on a step of rnn_lib.lstm"):
        grading.check_lstm_gate_backward(cheats_after_first_call, seed=0)
