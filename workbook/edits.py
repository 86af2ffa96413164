"""A plan's edits carried out on a workbook file: the editor the month close and apply-moves
hand their plans to (through openpyxl; `workbook.macros` has Excel's), the rows they write
lined up with a sheet's headers, and the rewrite of the file that keeps it safe."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Protocol

import pandas as pd
from openpyxl.utils import get_column_letter

from xlfuncs import values
from xlfuncs.policy import Ladder, Policy

from . import writes
from .sheets.dashboard import DASHBOARD, dashboard
from .sheets.month import month_sheet
from .sheets.style import Names, typed
from .sheets.tables import fit_table


class Editor(Protocol):
    """What a close (and apply-moves) does to a workbook; rows and columns count from 1."""

    def delete_rows(self, sheet: str, first: int, count: int) -> None: ...
    def write_rows(self, sheet: str, first: int, rows: list[list], like_row: int) -> None: ...
    def set_cell(self, sheet: str, row: int, column: int, value) -> None: ...
    def fit_table(self, sheet: str, last_row: int) -> None: ...
    def print_rows(self, sheet: str, first: int, last: int) -> None: ...
    def add_month_sheet(self, ladder: Ladder, title: str, month: dt.datetime, people: list[dict]) -> None: ...
    def delete_sheet(self, sheet: str) -> None: ...


class OpenpyxlEditor:
    """The edits of a plan on a workbook loaded by openpyxl."""

    def __init__(self, wb, policy: Policy, lang: str):
        self.wb, self.policy, self.names = wb, policy, Names(lang)

    def delete_rows(self, sheet, first, count):
        self.wb[sheet].delete_rows(first, count)

    def write_rows(self, sheet, first, rows, like_row):
        ws = self.wb[sheet]
        formats = [ws.cell(like_row, c).number_format for c in range(1, max(map(len, rows), default=0) + 1)]
        for r, row in enumerate(rows, first):
            for c, value in enumerate(row, 1):
                if value is not None:
                    cell = typed(ws.cell(r, c), value)
                    cell.number_format = formats[c - 1]
                    if isinstance(value, dt.datetime) and cell.number_format == "General":
                        cell.number_format = "yyyy-mm-dd"

    def set_cell(self, sheet, row, column, value):
        typed(self.wb[sheet].cell(row, column), value)

    def fit_table(self, sheet, last_row):
        fit_table(self.wb[sheet], last_row)

    def print_rows(self, sheet, first, last):
        ws = self.wb[sheet]
        ws.print_area = f"A{first}:{get_column_letter(ws.max_column)}{last}"

    def add_month_sheet(self, ladder, title, month, people):
        template = self.names.template(ladder)
        index = self.wb.index(self.wb[template]) if template in self.wb.sheetnames else None
        month_sheet(self.wb, self.policy, ladder, title, month, people, self.names.lang, index)

    def delete_sheet(self, sheet):
        del self.wb[sheet]
        self.wb.active = 0


def last_row(cells: list[list], header: int) -> int:
    """The last row (from 1) of a sheet's cells holding anything, the header at least."""
    return max((i + 1 for i, row in enumerate(cells) if any(not values.is_blank(v) for v in row or [])),
               default=header)


def aligned(records: list[dict], column: dict) -> tuple[list[list], set]:
    """`records` (field key → value) as rows of cells, each value at its key's position in
    `column`; blanks left empty, and the keys that have no column."""
    width = max(column.values()) + 1
    rows, lost = [], set()
    for record in records:
        row = [None] * width
        for key, value in record.items():
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if key not in column:
                lost.add(key)
                continue
            row[column[key]] = value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
        rows.append(row)
    return rows, lost


def id_cell(emp: str):
    """An id as a cell: digits as a number, as HR types them; anything else as text."""
    return int(emp) if emp.isdigit() else emp


def rewrite(held: writes.Held, edit, policy: Policy, lang: str, macro: str, allow_drop: bool,
            now: dt.datetime | None) -> Path:
    """`writes.rewrite` with the dashboard built anew after `edit`: its charts are ladderbook's
    own, so openpyxl losing them loses nothing."""
    names = Names(lang)
    name = names.pick(*DASHBOARD)

    def run(wb):
        edit(wb)
        if name in wb.sheetnames:
            index = wb.index(wb[name])
            del wb[name]
            dashboard(wb, policy, names, index)

    return writes.rewrite(held, run, macro, allow_drop, now, rebuilt=name)
