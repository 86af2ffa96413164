"""How wide text shows, in columns: a terminal's, and Excel's column widths (which count a
CJK character as two, as its default fonts draw them); and how many lines it wraps to in a
column, for the rows that must be as tall as their wrapped text."""

import unicodedata

LINE_HEIGHT = 15  # points: one line of the default 11-point font


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell_width(text) -> int:
    """Columns a cell's text needs as Excel shows it: its widest line (a two-line header
    wraps)."""
    return max(map(display_width, str(text).split("\n"))) if text is not None else 0


def line_count(text: str, width: int) -> int:
    """Lines a text takes wrapped in a column `width` characters wide (one of them the margin),
    as a spreadsheet wraps it: at its line breaks, at spaces, and anywhere in CJK text (which
    has none) or in a word longer than the line."""
    count, room = 0, width - 1
    for line in text.split("\n"):
        count, used = count + 1, 0
        for word in line.split(" "):
            size = display_width(word)
            if used and used + 1 + size > room and not wide(word):
                count, used = count + 1, 0  # a word of Latin letters moves to the next line whole
            used += size + (1 if used else 0)
            while used > room:
                count, used = count + 1, used - room
    return count


def wide(word: str) -> bool:
    """Whether a word holds a CJK character (a line may break anywhere in it)."""
    return any(display_width(c) == 2 for c in word)
