"""The course's nbgrader configuration. tools/make_homework.py copies it into the course directory
(``--course DIR``); run every nbgrader command from that directory. See docs/instructor_guide.md,
"Running the course with nbgrader", for release -> collect -> autograde -> feedback.

Needs this repository installed in the grading environment (``pip install -e .``): the hidden
tests import ``rnn_grading``, which never ships with a handout.
"""

from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteKernelspec

from rnn_grading.nbgrader_ext import QuietOverwriteCells

c = get_config()  # noqa: F821 (nbgrader defines it when it reads this file)

c.CourseDirectory.course_id = "rnn-from-scratch"
# Where release_assignment, collect and release_feedback meet the students (nbgrader's default is
# /usr/local/share/nbgrader/exchange); set it here or pass --Exchange.root to each command.
# c.Exchange.root = "/srv/nbgrader/exchange"

# What a student sees in place of a solution.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Each notebook runs in under a minute on a laptop; a student's slow loop gets five.
c.Execute.timeout = 300

# Untouched test cells with hidden tests are not reported as edited (see rnn_grading/nbgrader_ext.py).
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    QuietOverwriteCells,
    CheckCellMetadata,
]

# Autograde copies the handout's files (its stubbed rnn_lib, rnn_notebook, data) over whatever a
# student submitted next to the notebook: nbgrader's default, kept on purpose (exclude_overwriting
# stays empty), so an edited library cannot change a grade.
c.Autograde.exclude_overwriting = {}
