"""CharVocab (characters <-> ids) and load_text (reading a training text, with useful errors).

Dimension letters: V vocabulary size, N length of a text.
"""

import numpy as np
import pytest

from rnn_lib.vocab import DATA_DIR, CharVocab, data_path, load_text


# ------------------------------------------------------------------ CharVocab
def test_vocabulary_is_sorted_and_ids_follow_it():
    vocab = CharVocab.from_text("hello")
    assert vocab.chars == ("e", "h", "l", "o")
    assert len(vocab) == 4
    assert vocab.char_to_ix == {"e": 0, "h": 1, "l": 2, "o": 3}
    assert vocab.ix_to_char == {0: "e", 1: "h", 2: "l", 3: "o"}
    ids = vocab.encode("hello")
    assert ids.dtype == np.int64 and ids.shape == (5,)
    assert ids.tolist() == [1, 0, 2, 2, 3]
    assert "h" in vocab and "z" not in vocab


def test_vocabulary_does_not_depend_on_character_order():
    assert CharVocab.from_text("olleh") == CharVocab.from_text("hello")
    assert CharVocab.from_text("b a\nc").chars == ("\n", " ", "a", "b", "c")


def test_char_to_ix_is_a_copy():
    vocab = CharVocab.from_text("ab")
    vocab.char_to_ix["a"] = 99
    assert vocab.encode("a").tolist() == [0]


@pytest.mark.parametrize("text", ["hello", "The quick brown fox.\nJumps!", "héllo wörld ✓", "a"])
def test_encode_decode_round_trip(text):
    vocab = CharVocab.from_text(text)
    ids = vocab.encode(text)
    assert len(ids) == len(text)
    assert ids.min() >= 0 and ids.max() < len(vocab)
    assert vocab.decode(ids) == text
    assert vocab.decode(ids.tolist()) == text  # any int sequence works
    assert vocab.decode([]) == ""
    assert vocab.encode("").shape == (0,)


def test_unicode_text():
    text = "héllo wörld ✓"
    vocab = CharVocab.from_text(text)
    assert len(vocab) == len(set(text)) == 10
    assert "✓" in vocab and "é" in vocab
    assert vocab.chars[-1] == "✓"  # sorted by code point
    assert vocab.decode(vocab.encode("✓ wé")) == "✓ wé"


def test_unknown_character_names_it_and_its_position():
    vocab = CharVocab.from_text("hello")
    with pytest.raises(ValueError) as info:
        vocab.encode("hexlo")
    msg = str(info.value)
    assert "'x'" in msg
    assert "position 2" in msg
    assert "vocabulary" in msg


def test_decode_out_of_range():
    vocab = CharVocab.from_text("hello")
    with pytest.raises(ValueError, match=r"id 4 is outside the vocabulary \(valid ids are 0\.\.3\)"):
        vocab.decode([0, 4])
    with pytest.raises(ValueError, match="id -1 is outside"):
        vocab.decode(np.array([-1, 2]))


def test_invalid_vocabularies():
    with pytest.raises(ValueError, match="empty"):
        CharVocab.from_text("")
    with pytest.raises(ValueError, match="twice"):
        CharVocab(("a", "b", "a"))
    with pytest.raises(ValueError, match="single character"):
        CharVocab(("a", "bc"))


def test_repr_mentions_size():
    assert "4 chars" in repr(CharVocab.from_text("hello"))


# ------------------------------------------------------------------ data_path
def test_bundled_hello():
    path = data_path("hello.txt")
    assert path.parent == DATA_DIR
    assert load_text(path) == "hello"


def test_missing_bundled_file_lists_the_shipped_ones():
    with pytest.raises(FileNotFoundError) as info:
        data_path("no_such_file.txt")
    assert "no_such_file.txt" in str(info.value)
    assert "hello.txt" in str(info.value)


# ------------------------------------------------------------------ load_text
def test_load_text_reads_utf8(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("héllo wörld ✓\nsecond line", encoding="utf-8")
    assert load_text(path) == "héllo wörld ✓\nsecond line"
    assert load_text(str(path)) == "héllo wörld ✓\nsecond line"  # str paths work too


def test_load_text_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file"):
        load_text(tmp_path / "missing.txt")


def test_load_text_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="is a folder"):
        load_text(tmp_path)


def test_load_text_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(ValueError, match="is empty"):
        load_text(path)


@pytest.mark.parametrize(
    "data,offset", [(b"hello \xff world", 6), (b"caf\xe9 au lait", 3), (b"\x80abc", 0), ("ok ✓".encode() + b"\xc3", 6)]
)
def test_load_text_invalid_utf8_gives_the_byte_offset(tmp_path, data, offset):
    path = tmp_path / "latin.txt"
    path.write_bytes(data)
    with pytest.raises(ValueError) as info:
        load_text(path)
    msg = str(info.value)
    assert "not valid UTF-8" in msg
    assert f"byte offset {offset}" in msg
    assert f"0x{data[offset]:02x}" in msg


def test_load_text_too_short_states_the_minimum(tmp_path):
    path = tmp_path / "short.txt"
    path.write_text("hello", encoding="utf-8")
    seq_length = 25
    with pytest.raises(ValueError) as info:
        load_text(path, min_length=seq_length + 1)
    msg = str(info.value)
    assert "has 5 characters" in msg
    assert "at least 26" in msg
    assert "seq_length" in msg
    assert load_text(path, min_length=5) == "hello"  # exactly the minimum is enough


def test_load_text_default_minimum_is_two(tmp_path):
    path = tmp_path / "one.txt"
    path.write_text("a", encoding="utf-8")
    with pytest.raises(ValueError, match="at least 2"):
        load_text(path)


def test_load_text_strips_a_byte_order_mark(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "héllo".encode())
    text = load_text(path)
    assert text == "héllo"
    assert "\ufeff" not in CharVocab.from_text(text)


def test_load_text_bom_only_counts_as_too_short(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf")
    with pytest.raises(ValueError, match="has 0 characters"):
        load_text(path)


def test_load_text_keeps_other_characters_exactly(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes(b"a\r\nb\tc  \n")
    assert load_text(path) == "a\r\nb\tc  \n"  # no newline translation, no stripping
