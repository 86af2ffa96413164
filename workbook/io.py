"""Workbook files on disk, as the rules' `book.Source`."""

from __future__ import annotations

from pathlib import Path

import openpyxl


class FileBook:
    """A workbook file's sheets and the values its cells store (formulas: their cached values)."""

    def __init__(self, path):
        self.path = Path(path)
        self.key = str(self.path.resolve())
        self._wb = openpyxl.load_workbook(self.path, read_only=True, data_only=True)

    def sheet_names(self) -> list[str]:
        return list(self._wb.sheetnames)

    def values(self, sheet: str) -> list[list]:
        ws = self._wb[sheet]
        ws.reset_dimensions()  # read to the last row stored, not the size the file claims
        return [list(row) for row in ws.iter_rows(values_only=True)]

    def close(self) -> None:
        self._wb.close()
