"""A plan's edits carried out on a workbook: what an editor does (the package's,
`package_editor`, for files; Excel's, `macros`), the rows a plan writes lined up with a
sheet's headers, and the edited package, its values computed, put in place of the file in one
rename."""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Callable, Protocol

import pandas as pd
from openpyxl.utils import get_column_letter

from xlfuncs import values
from xlfuncs.policy import Ladder, Policy
from xlfuncs.problems import Problem

from . import package, recalc, writes
from .file_book import FileBook
from .package_editor import PackageEditor


@dataclass
class MonthEnd:
    """What every month-end plan says of itself, for its report and its editors: its month
    (None: no month could be chosen), the policy it was checked against and the workbook's
    language."""
    month: int | None
    _: KW_ONLY
    policy: Policy | None = None
    lang: str = "zh"

    @property
    def label(self) -> str:
        return values.month_label(self.month) if self.month is not None else ""


class Editor(Protocol):
    """What a close (and apply-moves) does to a workbook; rows and columns count from 1."""

    def delete_rows(self, sheet: str, first: int, count: int) -> None: ...
    def write_rows(self, sheet: str, first: int, rows: list[list], like_row: int) -> None: ...
    def set_cell(self, sheet: str, row: int, column: int, value) -> None: ...  # None: emptied
    def set_formula(self, sheet: str, row: int, column: int, formula: str) -> None: ...  # without "="
    def write_list(self, sheet: str, column: int, name: str, items: list[str], old: int) -> None: ...
    def fit_table(self, sheet: str, first: int, last_row: int) -> None: ...  # the rows' Table (from `first`)
    def add_columns(self, sheet: str, row: int, first: int, headers: list[str]) -> None: ...  # in header row `row`
    def print_rows(self, sheet: str, first: int, last: int) -> None: ...
    def add_month_sheet(self, ladder: Ladder, title: str, month: dt.datetime, people: list[dict],
                        own: tuple[str, ...] = (), looks: str | None = None) -> None: ...
    # own: HR's columns after ours; looks: the template whose column widths it takes

    def delete_sheet(self, sheet: str) -> None: ...


def last_row(cells: list[list], header: int) -> int:
    """The last row (from 1) of a sheet's cells holding anything, the header at least. Looked
    for from the end: History's last row holds something."""
    return next((i + 1 for i in range(len(cells) - 1, -1, -1)
                 if any(not values.is_blank(v) for v in cells[i] or [])), header)


def below_records(cells: list[list], header: int, key: int, sheet: str) -> Problem | None:
    """The first cell holding anything under a sheet's last record (a row whose column `key`
    holds a value), as a problem: a Table's totals row, or a note HR typed there, which the rows
    the month end adds after it would leave in the middle of the records (and, a totals row,
    taken for a record by Excel)."""
    last = next((r + 1 for r in range(len(cells) - 1, header - 1, -1)  # from the end, as `last_row`
                 if key < len(cells[r] or []) and not values.is_blank(cells[r][key])), header)
    for r, row in enumerate(cells[last:], last + 1):
        for c, value in enumerate(row or []):
            if not values.is_blank(value):
                where = f"{get_column_letter(c + 1)}{r}"
                return Problem(f"「{sheet}」{where} 在最后一条记录之下（{value}）：是表格的汇总行或备注？"
                               f"请先删除或移走（汇总行：表设计 → 取消勾选「汇总行」），再执行",
                               f"sheet '{sheet}' cell {where} is below the last record ({value}): a Table's "
                               f"totals row or a note? Remove or move it first (a totals row: Table Design → "
                               f"clear Total Row)")
    return None


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
    """An id as a cell: digits as a number, as HR types them; anything else as text, digits
    with a leading zero too (000123 is not 123: the number would be another id)."""
    return int(emp) if emp.isdigit() and not (emp.startswith("0") and len(emp) > 1) else emp


def edit_package(held: writes.Held, carry_out: Callable[[Editor], None], policy: Policy, lang: str,
                 source: FileBook, now: dt.datetime | None) -> Path:
    """`carry_out(editor)` on the package of the workbook `held`, written beside it
    (`edited_copy`); its values computed there (`recalc.store`), a backup of the workbook kept,
    and the workbook replaced by the result in one rename. `source`: the reader the plan read
    the workbook with. Returns the backup."""
    with writes.temporary(held.real) as temp:
        edited = edited_copy(held, carry_out, policy, lang, temp)
        kept = writes.backup(held.path, now)
        recalc.store(held, temp, source.carried(edited.read_back, temp), edited.changed, edited.formulas)
    return kept


def edited_copy(held: writes.Held, carry_out: Callable[[Editor], None], policy: Policy, lang: str,
                target: Path) -> Edited:
    """The package of the workbook `held` with `carry_out(editor)` done (`package_editor`),
    written to `target`; and what the edit did."""
    editor = PackageEditor(held.path, policy, lang)
    try:
        carry_out(editor)
        parts = editor.parts()
        edited = Edited(editor.changed(), editor.read_back(), editor.with_formulas())
    finally:
        editor.close()
    package.copy(held.path, target, parts)
    return edited


@dataclass
class Edited:
    """What an edit of the package did, for the recalc step that ends the month end: the sheets
    whose cells it changed, added or removed (the formulas that read them, a dashboard's count
    over History or the roster, are computed again: the values they store are out of date), and
    each sheet's changes as a reader reads them back (`FileBook.carried`); the parts it put a
    formula into."""
    changed: set[str]
    read_back: dict[str, list]
    formulas: set[str]
