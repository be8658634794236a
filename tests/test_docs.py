"""The instructor guide's lecture plans add up and fit their slots, and name real notebooks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUIDE = (ROOT / "docs" / "instructor_guide.md").read_text(encoding="utf-8")
NOTEBOOK_NUMBERS = {p.name[:2] for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}


# a notebook is named by its two digits at the start of a plan's part: "01 §2 ...; 02 §1 ...", "+ 05 (24)"
NOTEBOOK_REF = re.compile(r"(?:^|;\s|\+\s)(\d\d)\s")


def _section(title: str) -> str:
    start = GUIDE.index(title)
    end = GUIDE.find("\n### ", start + len(title))
    return GUIDE[start : end if end > 0 else len(GUIDE)]


def _rows(section: str):
    for line in section.splitlines():
        cols = [c.strip() for c in line.split("|")[1:-1]]
        if cols and cols[0].isdigit():
            yield cols


@pytest.mark.parametrize(
    ("title", "slot"), [("### Fifteen 50-minute lectures", 50), ("### Ten 75-minute lectures", 75)]
)
def test_each_lecture_adds_up_and_leaves_time_for_questions(title, slot):
    rows = list(_rows(_section(title)))
    assert rows, f"no plan under {title!r}"
    for cols in rows:
        parts = sum(int(m) for m in re.findall(r"\((\d+)\)", cols[1]))
        assert parts == int(cols[2]), f"lecture {cols[0]}: its parts add up to {parts}, the table says {cols[2]}"
        assert parts <= slot - 5, f"lecture {cols[0]}: {parts} minutes leaves less than 5 of the {slot}"
        for number in NOTEBOOK_REF.findall(cols[1]):
            assert number in NOTEBOOK_NUMBERS, f"lecture {cols[0]} names notebook {number}, which does not exist"


def test_every_notebook_is_lectured_in_the_50_minute_plan():
    named = {n for cols in _rows(_section("### Fifteen 50-minute lectures")) for n in NOTEBOOK_REF.findall(cols[1])}
    assert named == NOTEBOOK_NUMBERS, f"never presented: {sorted(NOTEBOOK_NUMBERS - named)}"


def test_the_one_lecture_path_fits_75_and_50_minutes():
    rows = [line for line in _section("### One lecture").splitlines() if re.match(r"\| \d+ \|", line)]
    minutes = [(int(line.split("|")[1]), "75 only" in line) for line in rows]
    assert sum(m for m, _ in minutes) <= 75
    assert sum(m for m, only75 in minutes if not only75) <= 55  # 50 with one section cut to its figure


def _study_time():
    import importlib.util

    spec = importlib.util.spec_from_file_location("study_time", ROOT / "tools" / "study_time.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_guide_shows_the_measured_study_times():
    study_time = _study_time()
    start = "<!-- study-time-table: python tools/study_time.py --table -->\n"
    assert start in GUIDE, "the guide's study-time table lost its marker"
    shown = GUIDE.split(start)[1].split("\n<!-- /study-time-table -->")[0]
    assert shown == study_time.table(), "the guide's study times are stale: paste `python tools/study_time.py --table`"


def test_no_notebook_needs_more_than_an_hour_and_each_states_its_time():
    study_time = _study_time()
    for src in study_time.sources():
        m = study_time.measure(src)
        minutes, stated = m["core"]["minutes"], m["stated"]
        assert minutes <= study_time.LIMIT_MINUTES, f"{src.stem}: {minutes:.0f} minutes of study (limit ~60)"
        assert stated is not None, f"{src.stem} does not tell the student how long it takes (**Time:** about N minutes)"
        assert abs(stated - minutes) <= 5, f"{src.stem} states {stated} minutes, measured {minutes:.0f}"
