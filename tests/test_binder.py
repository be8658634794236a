"""The Binder (repo2docker) configuration in binder/: it lists the package's runtime dependencies,
installs the package itself from postBuild, and repo2docker turns it into the build we expect.

The last test runs ``repo2docker --no-build --debug``, which prints the generated Dockerfile without
needing a Docker engine (repo2docker is in the [test] extra; under CI a missing repo2docker fails
the test instead of skipping it). See docs/binder.md.
"""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: pip vendors the same parser
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
BINDER = ROOT / "binder"
ENV_FILE = BINDER / "environment.yml"
POST_BUILD = BINDER / "postBuild"


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _spec(requirement: str) -> str:
    return requirement.strip().replace(" ", "").lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _binder_env() -> dict:
    return yaml.safe_load(ENV_FILE.read_text())


def _conda_deps() -> dict:
    """name -> spec for the conda (non-pip) entries of binder/environment.yml."""
    return {_name(d): _spec(d) for d in _binder_env()["dependencies"] if isinstance(d, str)}


def test_binder_environment_has_every_runtime_dependency():
    conda = _conda_deps()
    for requirement in _project()["dependencies"]:
        name = _name(requirement)
        assert name in conda, f"binder/environment.yml lacks {requirement!r} (pyproject.toml)"
        assert conda[name] == _spec(requirement), (
            f"binder/environment.yml pins {conda[name]!r}, pyproject.toml {requirement!r}"
        )


def test_binder_environment_python_matches_requires_python():
    assert _conda_deps().get("python") == "python" + _spec(_project()["requires-python"])


def test_binder_environment_uses_conda_forge_and_no_local_pip_install():
    env = _binder_env()
    assert env.get("channels") == ["conda-forge"]
    pip_sections = [d["pip"] for d in env["dependencies"] if isinstance(d, dict) and "pip" in d]
    local = [
        line
        for section in pip_sections
        for line in section
        if re.match(r"^(-e|--editable)(\s|=)|^\.", str(line).strip())
    ]
    assert not local, f"binder/environment.yml must not install the repository itself: {local}"
    code = [line.split("#", 1)[0] for line in ENV_FILE.read_text().splitlines()]
    assert not any("-e ." in line for line in code), "no `-e .` in binder/environment.yml"


def test_post_build_installs_the_package():
    assert POST_BUILD.is_file(), "binder/postBuild is missing"
    assert os.access(POST_BUILD, os.X_OK), "binder/postBuild must be executable (chmod +x)"
    lines = POST_BUILD.read_text().splitlines()
    assert lines[0] == "#!/bin/bash"
    commands = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    assert "set -euo pipefail" in commands
    assert "python -m pip install --no-deps -e ." in commands


def _repo2docker_cmd():
    if importlib.util.find_spec("repo2docker") is None:
        message = 'repo2docker is not installed: pip install -e ".[test]" (or jupyter-repo2docker)'
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return [sys.executable, "-m", "repo2docker"]


def test_repo2docker_builds_from_binder_folder(tmp_path):
    """The Dockerfile repo2docker would build: env from binder/environment.yml, cached before the
    repository is copied in; then postBuild, after the copy. Reads the repository, writes nothing."""
    result = subprocess.run(
        _repo2docker_cmd() + ["--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out
    lines = out.splitlines()

    def index(pattern):
        hits = [i for i, line in enumerate(lines) if re.search(pattern, line)]
        assert hits, f"repo2docker output has no line matching {pattern!r}:\n{out}"
        return hits[0]

    copy_env = index(r"^COPY .*src/binder/environment\.yml \$\{REPO_DIR\}/binder/environment\.yml$")
    env_update = index(r'env update -p \$\{NB_PYTHON_PREFIX\} --file "binder/environment\.yml"')
    copy_repo = index(r"^COPY .*src/ \$\{REPO_DIR\}/$")
    post_build = index(r"^RUN \./binder/postBuild$")
    assert copy_env < env_update < copy_repo < post_build, out
    # binder/ takes precedence: the top-level environment.yml (with its `-e .`) is not used.
    assert not re.search(r'--file "environment\.yml"', out), out
