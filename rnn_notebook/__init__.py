"""rnn_notebook: what the notebooks show, kept apart from the model library :mod:`rnn_lib`.

- :mod:`rnn_notebook.plotting`  figures (matplotlib) for the notebooks and the lecture decks
- :mod:`rnn_notebook.widgets`   small ipywidgets helpers that degrade to a figure without a kernel
- :mod:`rnn_notebook.diagrams`  the LSTM and GRU cells drawn, one gate's path highlighted at a time (12, 13)
- :mod:`rnn_notebook.stepthrough` the backward step-through of notebook 03: one line of the loop at a time
- :mod:`rnn_notebook.loops`     the gist's training loop with rnn_lib's pieces (04 writes it out, 05 imports it)
- :mod:`rnn_notebook.more`      "Train 30 s more": continue a notebook's training run from a button (06)
- :mod:`rnn_notebook.analysis`  reading a trained model's states and losses over a long passage (14)
- :mod:`rnn_notebook.race`      the live race of notebook 13: a GRU trained from scratch against the 7-gram
- :mod:`rnn_notebook.checks`    the homework's visible checks, shipped with the handouts (no answers)
"""
