"""Excel recalculating a department workbook, replayed without Excel.

`XlBook` stands in for the xlwings Book a function's caller belongs to: its sheets are the cells
of a workbook, and each bulk read costs simulated time, as it would through COM. The cost model
comes from xlwings' issues: #397 measured 5.5 s for a UDF taking a 1,000,000 × 1 range through
the generated VBA wrapper (5.5 µs a cell), #1086 about 10 ms for the smallest call into Excel
through xlwings. `replay` calls every add-in formula of the workbook once, sheet by sheet and
top to bottom, as one recalculation does, through the calling convention (`excel_calls`), with
the caller a range of the `XlBook`.
"""

from __future__ import annotations

import time
from collections import Counter
from types import SimpleNamespace

from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from workbook import excel_calls, formula_text, recalc, templates
from workbook.sample import department
from workbooks import frame_rows, sheet as table_cells
from xlfuncs import schema

PER_CALL = 0.010  # s, xlwings #1086
PER_CELL = 5.5e-6  # s, xlwings #397


class XlBook:
    def __init__(self, grids: dict[str, list[list]], fullname="部门.xlsx"):
        self.fullname = fullname
        self.sheets = _Sheets(XlSheet(self, name, [list(r) for r in grid]) for name, grid in grids.items())
        self.reads = Counter()  # sheet → bulk reads
        self.spent = 0.0  # simulated seconds of those reads

    @property
    def sheet_names(self):  # as xlwings' Book has it: a list, not a method
        return [s.name for s in self.sheets]

    def clock(self):
        """Time as the add-in sees it: real time, plus what the reads would have cost."""
        return time.monotonic() + self.spent


class _Sheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)


class XlSheet:
    def __init__(self, book, name, grid):
        self.book, self.name, self.grid = book, name, grid
        width = max((len(r) for r in grid), default=1)
        self.used_range = SimpleNamespace(last_cell=SimpleNamespace(row=max(len(grid), 1), column=width))

    def range(self, first, last):
        return _Read(self, first, last)


class _Read:
    def __init__(self, sheet, first, last):
        self.sheet, self.first, self.last = sheet, first, last

    def options(self, ndim, err_to_str):
        assert ndim == 2 and err_to_str
        return self

    @property
    def value(self):
        (r1, c1), (r2, c2) = self.first, self.last
        book = self.sheet.book
        book.reads[self.sheet.name] += 1
        book.spent += PER_CALL + PER_CELL * (r2 - r1 + 1) * (c2 - c1 + 1)
        return [list(row) + [None] * (c2 - len(row)) for row in self.sheet.grid[r1 - 1:r2]]


class Caller:
    """The formula's range, as xlwings hands it to a function (its `caller`)."""

    def __init__(self, book, sheet, target):
        c1, r1, c2, r2 = range_boundaries(target)
        self.sheet = SimpleNamespace(name=sheet, book=book)
        self.row, self.column, self.shape = r1, c1, (r2 - r1 + 1, c2 - c1 + 1)
        self.address = f"${get_column_letter(c1)}${r1}:${get_column_letter(c2)}${r2}"


def department_book(size: int, months: int = 24):
    """(openpyxl workbook, its cells as Excel holds them, roster) of a sample department of
    `size` employees × `months`: the template's month sheets filled for the latest month,
    History built straight into its cells (openpyxl would take most of a minute at 5,000);
    formula cells hold nothing yet."""
    roster, records = department(size=size, months=months)
    latest = records["month"].max()
    wb = templates.with_department(roster, records[records["month"] == latest])
    cells = {ws.title: [[None if hasattr(v, "text") or (isinstance(v, str) and v.startswith("=")) else v
                         for v in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    cells["历史记录"] = table_cells(schema.RECORDS, frame_rows(records[records["month"] < latest]))
    return wb, cells, roster


def formulas(wb) -> list[tuple[str, str, str]]:
    """(sheet, target range, formula text) of every add-in formula of an openpyxl workbook,
    in the order one recalculation calls them."""
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                text, target = (c.value.text, c.value.ref) if isinstance(c.value, ArrayFormula) else (
                    c.value, c.coordinate)
                if (isinstance(text, str) and text.startswith("=")
                        and formula_text.one_call(formula_text.tokenized(text[1:]), recalc.functions())):
                    out.append((ws.title, target, text[1:]))
    return out


def replay(book: XlBook, calls) -> dict[tuple[str, str], object]:
    """One recalculation: every formula of `calls` called as Excel calls it; what each formula
    range shows, by (sheet, target)."""
    # Excel hands the arguments' cells over itself: reading them costs no bulk read
    cells = formula_text.StoredCells(SimpleNamespace(sheet_names=lambda: [s.name for s in book.sheets],
                                                     values=lambda sheet: book.sheets[sheet].grid))
    shown = {}
    for sheet, target, text in calls:
        name, args = formula_text.one_call(formula_text.tokenized(text), recalc.functions())
        fn = recalc.functions()[name]
        values = [cells.argument(sheet, a, arg.options.get("convert") == "range")
                  for a, arg in zip(args, fn.__ladderbook__.args)]
        caller = Caller(book, sheet, target)
        answer = excel_calls.call(fn, values, caller)
        shown[sheet, target] = excel_calls.fill(answer, *caller.shape)
    return shown
