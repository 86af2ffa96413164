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

    def formulas(self, sheet: str) -> dict[tuple[int, int], str]:
        """The sheet's formulas (without "="), by (row, column) from 1, as Excel gives them
        (its Formula property: English names, A1 references); a constant is not one."""
        sheet = self.book.sheets[sheet]
        last = sheet.used_range.last_cell
        grid = sheet.range((1, 1), (last.row, last.column)).formula
        grid = ((grid,),) if isinstance(grid, str) else grid  # one cell: its text, not rows
        return {(r, c): text[1:] for r, row in enumerate(grid, 1) for c, text in enumerate(row, 1)
                if isinstance(text, str) and text.startswith("=")}
