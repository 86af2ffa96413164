"""Workbook files on disk, as the rules' `book.Source`.

Cells are read with calamine (python-calamine, a Rust reader): the values a file stores,
formulas as their cached values, in a fraction of the time openpyxl takes to parse the XML.
"""

from __future__ import annotations

from pathlib import Path

from python_calamine import CalamineWorkbook


class FileBook:
    """A workbook file's sheets and the values its cells store (formulas: their cached values)."""

    def __init__(self, path):
        self.path = Path(path)
        self.key = str(self.path.resolve())
        self._wb = CalamineWorkbook.from_path(str(self.path))
        self._values = {}

    def sheet_names(self) -> list[str]:
        return list(self._wb.sheet_names)

    def values(self, sheet: str) -> list[list]:
        """The sheet's rows, read once: the rules, recalc's formulas and the month close all ask
        for History, its largest sheet. Callers read them and never change them."""
        if sheet not in self._values:
            rows = self._wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            self._values[sheet] = [[None if v == "" else v for v in row] for row in rows]
        return self._values[sheet]

    def close(self) -> None:
        self._wb.close()
