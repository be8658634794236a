"""Characters <-> integer ids, and reading a training text from disk.

Dimension letters used in this module: V = vocabulary size, N = length of a text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["CharVocab", "load_text", "data_path", "DATA_DIR"]

# The repository's bundled data folder (next to the package in a source checkout).
DATA_DIR = Path(__file__).resolve().parent.parent / "data"


def data_path(name: str) -> Path:
    """Path of a file shipped in the repository's ``data/`` folder, e.g. ``data_path("hello.txt")``."""
    path = DATA_DIR / name
    if not path.is_file():
        shipped = (
            sorted(p.name for p in DATA_DIR.iterdir() if p.is_file() and p.name != "README.md")
            if DATA_DIR.is_dir()
            else []
        )
        raise FileNotFoundError(
            f"bundled data file {name!r} not found in {DATA_DIR}. "
            + (
                f"Shipped files: {', '.join(shipped)}."
                if shipped
                else "Install rnn_lib from a checkout of the repository (pip install -e .) so data/ is next to it."
            )
        )
    return path


@dataclass(frozen=True)
class CharVocab:
    """A character vocabulary: ``chars[i]`` is the character with id ``i``.

    Built with :meth:`from_text`, which sorts the distinct characters so that the ids are the
    same on every run (``list(set(text))`` would follow Python's hash order, which changes).
    """

    chars: tuple[str, ...]

    def __post_init__(self):
        if len(set(self.chars)) != len(self.chars):
            raise ValueError("a vocabulary cannot list the same character twice")
        if any(len(c) != 1 for c in self.chars):
            raise ValueError("every vocabulary entry must be a single character")
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.chars)})

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """Vocabulary of every distinct character of ``text``, in sorted order."""
        if not text:
            raise ValueError("cannot build a vocabulary from an empty text")
        return cls(tuple(sorted(set(text))))

    def __len__(self) -> int:
        return len(self.chars)

    def __contains__(self, ch: str) -> bool:
        return ch in self._index

    @property
    def char_to_ix(self) -> dict[str, int]:
        """The gist's ``char_to_ix`` dictionary (a copy)."""
        return dict(self._index)

    @property
    def ix_to_char(self) -> dict[int, str]:
        """The gist's ``ix_to_char`` dictionary."""
        return dict(enumerate(self.chars))

    def encode(self, text: str) -> np.ndarray:
        """Ids of the characters of ``text``: int64 array of shape (N,).

        Raises ``ValueError`` naming the first character that is not in the vocabulary.
        """
        index = self._index
        try:
            return np.fromiter((index[c] for c in text), dtype=np.int64, count=len(text))
        except KeyError as exc:
            ch = exc.args[0]
            pos = text.index(ch)
            raise ValueError(
                f"character {ch!r} (position {pos}) is not in the vocabulary of {len(self)} "
                f"characters; use only characters of the training text, e.g. {self._preview()}"
            ) from None

    def decode(self, ids) -> str:
        """Text of a sequence of ids (any int array-like of shape (N,))."""
        ids = np.asarray(ids).ravel()
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            bad = int(ids[(ids < 0) | (ids >= len(self))][0])
            raise ValueError(f"id {bad} is outside the vocabulary (valid ids are 0..{len(self) - 1})")
        return "".join(self.chars[i] for i in ids.tolist())

    def _preview(self, n: int = 20) -> str:
        shown = "".join(self.chars[:n])
        return repr(shown) + ("..." if len(self) > n else "")

    def __repr__(self) -> str:
        return f"CharVocab({len(self)} chars: {self._preview()})"


def load_text(path, min_length: int = 2, max_bytes: int | None = None) -> str:
    """Read a UTF-8 text file for training.

    Parameters
    ----------
    path : str or Path
    min_length : int
        Fewest characters accepted. Training on sequences of ``seq_length`` characters needs
        ``seq_length + 1`` (the targets are the inputs shifted by one), so pass that.
    max_bytes : int, optional
        Largest file accepted (default :data:`rnn_lib.preflight.MAX_TEXT_BYTES`, 1 GiB).

    Raises
    ------
    FileNotFoundError
        The file does not exist (or is a folder).
    ValueError
        The file is not a regular file (``/dev/zero``, a pipe), is larger than ``max_bytes``, is
        empty, is not valid UTF-8 (the message gives the byte offset), or is shorter than
        ``min_length`` characters (the original gist fails there with an ``IndexError``).
    """
    from .preflight import MAX_TEXT_BYTES, check_data_file

    path = Path(path)
    # sized before it is read: a device or a huge file would otherwise be read until memory runs out
    check_data_file(path, MAX_TEXT_BYTES if max_bytes is None else max_bytes)
    raw = path.read_bytes()
    if not raw:
        raise ValueError(f"{path} is empty; a training text needs at least {min_length} characters")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        snippet = raw[max(0, exc.start - 10) : exc.start + 10]
        raise ValueError(
            f"{path} is not valid UTF-8: byte 0x{raw[exc.start]:02x} at byte offset {exc.start} "
            f"(near {snippet!r}). Re-save the file as UTF-8, e.g. "
            f"`iconv -f latin1 -t utf-8 in.txt > out.txt`."
        ) from None
    if text.startswith("\ufeff"):  # a byte-order mark is an encoding artefact, not text
        text = text[1:]
    if len(text) < min_length:
        raise ValueError(
            f"{path} has {len(text)} characters but training needs at least {min_length} "
            f"(seq_length + 1: each input sequence needs its next character as a target). "
            f"Use a longer text or a smaller seq_length."
        )
    return text
