"""Small helpers for counting words and lines in a plain-text file.

This module is training data for a character-level language model: it is short,
regular and well indented, so that a tiny network can pick up the shape of
Python code (def, colons, four-space blocks, docstrings) in a few seconds.
"""


def read_lines(path):
    """Return the lines of a UTF-8 text file, without their line endings."""
    with open(path, encoding="utf-8") as handle:
        return handle.read().splitlines()


def count_words(lines):
    """Count how often each lower-case word appears in a list of lines."""
    counts = {}
    for line in lines:
        for word in line.lower().split():
            word = word.strip(".,;:!?\"'()")
            if not word:
                continue
            counts[word] = counts.get(word, 0) + 1
    return counts


def most_common(counts, n=10):
    """Return the n most frequent (word, count) pairs, the most frequent first."""
    pairs = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return pairs[:n]


def line_lengths(lines):
    """Return the number of characters of every line."""
    return [len(line) for line in lines]


def mean(values):
    """Return the arithmetic mean of a list of numbers (0.0 for an empty list)."""
    if not values:
        return 0.0
    return sum(values) / len(values)


def median(values):
    """Return the middle value of a list of numbers (0.0 for an empty list)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def longest_line(lines):
    """Return the index and the text of the longest line (-1 and "" if there are none)."""
    best_index, best_line = -1, ""
    for index, line in enumerate(lines):
        if len(line) > len(best_line):
            best_index, best_line = index, line
    return best_index, best_line


def blank_lines(lines):
    """Return the indices of the lines that hold only spaces or nothing at all."""
    return [index for index, line in enumerate(lines) if not line.strip()]


def indent_depth(line, width=4):
    """Return how many blocks of `width` spaces a line starts with."""
    spaces = len(line) - len(line.lstrip(" "))
    return spaces // width


def histogram(values, bins=5):
    """Count the values that fall into `bins` equal-width bins.

    Returns a list of (low, high, count) triples, from the smallest bin up.
    """
    if not values:
        return []
    low, high = min(values), max(values)
    if low == high:
        return [(low, high, len(values))]
    width = (high - low) / bins
    counts = [0] * bins
    for value in values:
        index = int((value - low) / width)
        if index == bins:
            index = bins - 1
        counts[index] += 1
    return [(low + i * width, low + (i + 1) * width, counts[i]) for i in range(bins)]


def summary(lines):
    """Return a dictionary of simple statistics about a list of lines."""
    lengths = line_lengths(lines)
    counts = count_words(lines)
    index, text = longest_line(lines)
    return {
        "lines": len(lines),
        "blank": len(blank_lines(lines)),
        "words": sum(counts.values()),
        "distinct words": len(counts),
        "mean length": round(mean(lengths), 2),
        "median length": median(lengths),
        "longest line": index,
        "longest text": text,
    }


def format_summary(stats):
    """Return the statistics as aligned "name: value" lines."""
    width = max(len(name) for name in stats)
    rows = []
    for name, value in stats.items():
        rows.append(f"{name.rjust(width)}: {value}")
    return "\n".join(rows)


def main(path):
    """Print a summary and the ten most common words of the file at `path`."""
    lines = read_lines(path)
    print(format_summary(summary(lines)))
    print()
    for word, count in most_common(count_words(lines)):
        print(f"{count:6d}  {word}")


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 2:
        print("usage: python sample_code.py FILE")
        sys.exit(2)
    main(sys.argv[1])
