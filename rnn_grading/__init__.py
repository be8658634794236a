"""rnn_grading: the homework's checkers, for the instructor's side of the course.

Kept apart from :mod:`rnn_lib` (the model library) and :mod:`rnn_notebook` (figures and widgets):
the autograder's test cells call these checkers; the model library never imports them.
"""

from .graders import *  # noqa: F403
from .graders import __all__  # noqa: F401
