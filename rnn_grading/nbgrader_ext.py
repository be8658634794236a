"""What the course adds to nbgrader (named in homework/nbgrader_config.py).

:class:`QuietOverwriteCells` is nbgrader's ``OverwriteCells`` without one false alarm. nbgrader
stores each test cell's checksum before it removes the hidden tests from the handout, so at
``autograde`` every untouched test cell with hidden tests is reported as changed ("Attribute
'checksum' ... has changed!", jupyter/nbgrader#1961), and a real edit cannot be told from it. Here a
submitted test cell equal to the released one (the stored source without its hidden tests) is
restored silently; any other change is still reported, and the cell is restored either way, so an
edited test cell never changes a grade.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import OverwriteCells

_HIDDEN = re.compile(r"^[ \t]*### BEGIN HIDDEN TESTS[ \t]*$.*?^[ \t]*### END HIDDEN TESTS[ \t]*$\n?", re.M | re.S)


def released(source: str) -> str:
    """A test cell's source as the handout has it: without its hidden tests."""
    return _HIDDEN.sub("", source)


class QuietOverwriteCells(OverwriteCells):
    """``OverwriteCells`` that does not report untouched test cells with hidden tests as changed."""

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is not None and cell.metadata.get("nbgrader", {}).get("locked"):
            try:
                stored = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except Exception:  # unknown cells are reported by the parent class
                stored = None
            if (
                stored is not None
                and stored.source != cell.source
                and released(stored.source).strip() == cell.source.strip()
            ):
                cell.source = stored.source  # untouched: put the hidden tests back before the check
        return super().preprocess_cell(cell, resources, cell_index)
