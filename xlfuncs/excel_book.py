"""A workbook open in Excel, read through xlwings, as the rules' `book.Source`."""

from __future__ import annotations


class XlwingsBook:
    """A workbook open in Excel as a `book.Source`: one bulk read per sheet, error cells read
    as their names ('#N/A'), never as blanks."""

    def __init__(self, xl_book):
        self.book = xl_book

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def values(self, sheet: str) -> list[list]:
        sheet = self.book.sheets[sheet]
        last = sheet.used_range.last_cell
        return sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
