"""The policy sheet: every policy number as a small table HR edits."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from xlfuncs import policy_sheet

from .style import HEADER_FILL, INPUT_FILL, TITLE_FONT, Names, print_setup


def policy_tables(wb: Workbook, data: dict, names: Names) -> None:
    ws = wb.create_sheet(names.pick(*policy_sheet.SHEET))
    after_title, header = False, []
    for r, row in enumerate(policy_sheet.rows(data), 1):
        title = bool(row) and str(row[0]).startswith("■")
        if after_title:  # the header row follows its table's title
            header = row
        elif not row:  # a blank row ends the table
            header = []
        for c, value in enumerate(row, 1):
            cell = ws.cell(r, c, value)
            if title:
                cell.font = TITLE_FONT
            elif after_title:
                cell.font, cell.fill = Font(bold=True), HEADER_FILL
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                ws.row_dimensions[r].height = 32
            elif value is not None:
                cell.fill = INPUT_FILL
                if header[c - 1].endswith("|pay_formula"):
                    cell.number_format = "@"  # typed "=…" stays text instead of becoming #NAME?
        if row and row[0] == "training_bottom_share":
            ws.cell(r, 2).number_format = "0%"
        after_title = title
    for c in range(1, 16):
        ws.column_dimensions[get_column_letter(c)].width = 18
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["C"].width = 30
    ws.freeze_panes = "A2"
    print_setup(ws, "1:1")
    ws.page_setup.fitToWidth = 2  # the rung table is wide: two pages, about 9 pt, not one at 4.7
