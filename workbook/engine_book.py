"""The package the formula engine loads (`engine`): the workbook's own workbook part (its sheets,
defined names, date system), relationships and styles, each worksheet holding only the cells
the formulas to compute read, with the values the file stores in them (formulas: their cached
values). The dashboard reads one column of History, the largest sheet; formualizer then parses
that column, not all of History (at 5,000 × 24: 0.37 s instead of 0.86 s, and no
memory beyond what the rules already hold instead of 135 MB more).

A formula that reads cells its text does not name (INDIRECT, OFFSET, CELL), or reads another
workbook or several sheets at once, needs the whole file: there is then no trimmed package, and
the engine loads the file itself.
"""

from __future__ import annotations

import io
import zipfile
from typing import Callable

from openpyxl.formula.tokenizer import Token
from openpyxl.utils import get_column_letter

from . import files
from .sheet_xml import value_cell

DYNAMIC = {"INDIRECT", "OFFSET", "CELL", "INFO"}  # read what their text does not name
# Each sheet says the cells it spans, as Excel's do: without a <dimension>, formualizer 0.13 took
# 2.0 s for the dashboard's 97 formulas over a History holding its results (5,000 x 24), 0.35 s
# with it (0.36 s loading the whole file, whose sheets say it: bench/engine_bench.py)
_SHEET = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{}"/>'
          '<sheetData>{}</sheetData></worksheet>')
_EMPTY_STRINGS = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>'


def dynamic(tokens: tuple[Token, ...]) -> bool:
    """Whether a formula calls a function that reads cells its text does not name."""
    return any(t.type == Token.FUNC and t.subtype == Token.OPEN and t.value[:-1].upper().removeprefix("_XLFN.")
               in DYNAMIC for t in tokens)


def trimmed(path, values: Callable[[str], list[list]], reads: dict[str, list]) -> bytes | None:
    """The package at `path` with each worksheet holding only the cells in its boxes of `reads`
    (sheet → [(min_col, min_row, max_col, max_row)], None for an open side), as `values(sheet)`
    gives them; None where a box is on what is not one of its worksheets (another workbook,
    Sheet1:Sheet3) or the workbook counts its dates from 1904."""
    with zipfile.ZipFile(path) as z:
        parts = files.sheet_parts(z)
        if not set(reads) <= set(parts) or files.date1904(z):
            return None
        kept = {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                *(target for _, target in files.targets(z, "xl/workbook.xml") if target in z.namelist())}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as package:
            for name in sorted(kept):
                if name in parts.values():
                    continue
                package.writestr(name, _EMPTY_STRINGS if name.endswith("sharedStrings.xml") else z.read(name))
            for sheet, part in parts.items():
                package.writestr(part, _SHEET.format(*(_rows(values(sheet), reads[sheet]) if sheet in reads
                                                       else ("A1", ""))))
    return out.getvalue()


def _rows(rows: list[list], boxes: list) -> tuple[str, str]:
    """The cells the `<row>`s span (A1: none, as Excel says of an empty sheet), and the rows,
    of the cells in `boxes` that hold a value."""
    boxes = set(boxes)  # the dashboard's 95 formulas read the same two columns of the roster
    width = len(rows[0]) if rows else 0  # rows as read: rectangular; a column beyond them holds nothing

    def columns(c0, c1):
        return range(c0 or 1, min(c1 or width, width) + 1)
    whole = {c for c0, r0, c1, r1 in boxes if r0 is None and r1 is None for c in columns(c0, c1)}
    everywhere = sorted(whole)  # History's five columns the dashboard counts, in every row
    some = [box for box in boxes if box[1] is not None or box[3] is not None]
    letters = [get_column_letter(c) for c in range(1, width + 1)]
    held = {}  # each value's XML, made once: History's month column holds two dozen dates
    out, spanned = [], []  # (row, its first column, its last)
    for r, row in enumerate(rows, 1):
        cells = []
        here = sorted(whole.union(*(columns(c0, c1) for c0, r0, c1, r1 in some if (r0 or 1) <= r <= (r1 or r)))
                      ) if some else everywhere
        for c in here:
            value = row[c - 1]
            if value is not None:
                key = (type(value), value)
                if key not in held:
                    held[key] = value_cell(value)
                if held[key]:
                    if not cells:
                        first = c
                    cells.append(f'<c r="{letters[c - 1]}{r}"{held[key]}</c>')
                    last = c
        if cells:
            out.append(f'<row r="{r}">{"".join(cells)}</row>')
            spanned.append((r, first, last))
    if not spanned:
        return "A1", ""
    left, right = min(first for _, first, _ in spanned), max(last for _, _, last in spanned)
    return f"{letters[left - 1]}{spanned[0][0]}:{letters[right - 1]}{spanned[-1][0]}", "".join(out)
