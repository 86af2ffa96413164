"""Workbook files on disk, as the rules' `book.Source`.

Cells are read with xlwings' own reader (calamine, in Rust, shipped inside xlwings as
`xlwingslib`): the values a file stores, formulas as their cached values, as xlwings hands them
to Python in Excel (blanks as None, dates as dates or datetimes) and with error cells by name ('#N/A'),
as `err_to_str` gives them. python-calamine reads error cells as empty text, indistinguishable
from a blank (python-calamine issue #105), so a review would take a #N/A for a blank.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlwings import xlwingslib


class FileBook:
    """A workbook file's sheets and the values its cells store (formulas: their cached values)."""

    def __init__(self, path):
        self.path = Path(path)
        self.key = str(self.path.resolve())
        self._names = list(xlwingslib.get_sheet_names(str(self.path)))
        self._values = {}

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def values(self, sheet: str) -> list[list]:
        """The sheet's rows from A1, read once: the rules, recalc's formulas and the month close
        all ask for History, its largest sheet. Callers read them and never change them."""
        if sheet not in self._values:
            rows = xlwingslib.get_sheet_values(str(self.path), self._names.index(sheet), True)
            self._values[sheet] = [[_day(v) if type(v) is dt.datetime else None if v == "" else v for v in row]
                                   for row in rows] if rows != [[]] else []  # "": a formula never computed
        return self._values[sheet]


    def carried(self, unchanged) -> FileBook:
        """A reader of the file as rewritten in place: the values already read of the sheets
        `unchanged` (whose parts the rewrite copied byte for byte) carried over, not read again."""
        book = FileBook(self.path)
        book._values = {sheet: rows for sheet, rows in self._values.items() if sheet in unchanged}
        return book


def _day(value: dt.datetime):
    """A date cell as the date it shows: the reader gives every date cell as a datetime, and
    what is copied on (History, the archive) should stay a date, not become one at 00:00."""
    return value.date() if value == dt.datetime.combine(value.date(), dt.time()) else value
