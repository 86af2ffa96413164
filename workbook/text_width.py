"""How wide text shows, in columns: a terminal's, and Excel's column widths (which count a
CJK character as two, as its default fonts draw them)."""

import unicodedata


def display_width(text: str) -> int:
    """Columns a terminal gives `text`: two for each wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def cell_width(text) -> int:
    """Columns a cell's text needs as Excel shows it: its widest line (a two-line header
    wraps)."""
    return max(map(display_width, str(text).split("\n"))) if text is not None else 0
