"""The department workbook as the rules see it: its sheets found by name, read into frames.

Anything that can list sheet names and hand over a sheet's cells is a `Source`: the workbook
Excel is calculating (through xlwings), a file on disk, a stand-in in the tests. Each sheet is
read in one piece, so the cost in round trips is one per table, whatever the number of rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Protocol

import numpy as np
import pandas as pd

from . import policy_sheet, schema, values
from .policy import Policy, default_policy
from .problems import PolicyError, Problem
from .rules import item_fields

MONTH_SHEET = re.compile(r"^\s*(\d{4})\s*[-年/.]\s*(\d{1,2})(?!\d)")
HEADER_SEARCH_ROWS = 5  # a title or a note may sit above the header row


class Source(Protocol):
    def sheet_names(self) -> list[str]: ...

    def values(self, sheet: str) -> list[list]:
        """The sheet's cells from A1 down to its last used cell, row by row."""

    def formulas(self, sheet: str) -> dict[tuple[int, int], str]:
        """The sheet's formulas (without "="), by (row, column) from 1."""

    # A source may also keep what is derived from a sheet's values (the frames below) with them:
    # kept(sheet, key, make) gives make()'s result, made once per reading of the values.


@dataclass
class Inputs:
    roster: pd.DataFrame
    records: pd.DataFrame
    policy: Policy | None
    problems: list[Problem] = field(default_factory=list)


def find_sheet(names: list[str], aliases) -> str | None:
    wanted = {values.fold(a) for a in aliases}
    return next((n for n in names if values.fold(n) in wanted), None)


def month_sheets(names: list[str]) -> list[tuple[str, int]]:
    """Sheets named for a month (2026-10, 2026-10 客户代表, 2026年10月…) and their month."""
    out = []
    for name in names:
        match = MONTH_SHEET.match(name)
        if match and 1 <= int(match.group(2)) <= 12:
            out.append((name, int(match.group(1)) * 12 + int(match.group(2)) - 1))
    return out


def find_header(table: schema.Table, cells: list[list], sheet: str, extra=(), defaults=None):
    """(row number from 1, {column position: field key}) of the sheet's header row, or None
    and the problem naming the sheet and the headers it lacks."""
    defaults = defaults or {}
    best = None
    for r, row in enumerate(cells[:HEADER_SEARCH_ROWS]):
        mapping, missing = schema.match_headers(table, list(row or []), extra)
        missing = [f for f in missing if f.key not in defaults]
        if not missing:
            return (r + 1, mapping), []
        if best is None or len(missing) < len(best):
            best = missing
    if best is None:
        return None, [Problem(f"工作表「{sheet}」是空的", f"Sheet '{sheet}' is empty")]
    return None, schema.missing_columns(sheet, best)


def table_frame(table: schema.Table, cells: list[list], sheet: str, extra=(), defaults=None,
                label_sheet=False, after: int = 0):
    """The rows under the header row as raw cells, one column per field found, indexed by
    Excel row number (with `label_sheet`, by sheet and row); or None and the problem naming
    the sheet and the missing headers. A row is read if a cell under a field's header holds
    something: what other columns show (the add-in's answers on a month sheet's blank rows,
    #NAME? where it is not loaded; HR's own formulas filled down) makes no row. With `after`,
    only the rows under Excel row `after` (those a close appended: `_frame`'s `grow`)."""
    defaults = defaults or {}
    found, problems = find_header(table, cells, sheet, extra, defaults)
    if found is None:
        return None, problems
    header, mapping = found
    r = max(header, after)  # the rows read start under it
    body = cells[r:]
    width = max((len(row) for row in body), default=0)
    # column by column, only the columns mapped: History is 100,000 rows of 48 cells. Each column
    # is taken straight into its array (np.array would look into every cell for a nested list),
    # and the frame keeps the arrays as they are rather than copying them into one block
    padded = [row if len(row) == width else [*row, *[None] * (width - len(row))] for row in body]
    columns = {key: np.fromiter(map(itemgetter(pos), padded), dtype=object, count=len(padded))
               for pos, key in mapping.items() if pos < width}
    blank = np.arange(len(padded))  # the rows with nothing under a field yet: each column looks only at
    for column in columns.values():  # those, and History's first, its month, leaves none
        blank = blank[[values.is_blank(v) for v in column[blank]]]
    read = np.ones(len(padded), dtype=bool)
    read[blank] = False
    index = r + 1 + np.flatnonzero(read)
    if label_sheet:
        index = pd.MultiIndex.from_arrays([[sheet] * len(index), index])
    frame = pd.DataFrame({key: columns[key][read] if key in columns else None for key in mapping.values()},
                         index=pd.RangeIndex(len(index)), dtype=object, copy=False)
    frame.index = index
    for key, value in defaults.items():
        if key not in frame:
            frame[key] = value
    heads = cells[header - 1]  # each column's header as the sheet shows it, which a problem names (`schema.clean`)
    frame.attrs["headers"] = schema.Headers({((sheet, key) if label_sheet else key): heads[pos]
                                             for pos, key in mapping.items() if pos < len(heads)})
    return frame, []


def _frame(source: Source, table: schema.Table, sheet: str, extra=(), defaults=None, label_sheet=False):
    """`table_frame` of the sheet, made once per reading of its values where the source keeps
    what it derives from them (`FileBook.kept`, which a month end carries past an edit that left
    the sheet as it was: History, past apply-moves; or that appended rows to it: History, past
    the close, whose frame grows by the rows added). Each read gets a frame of its own."""
    def make():
        return table_frame(table, source.values(sheet), sheet, extra, defaults, label_sheet)

    def grow(made, cells: list[list], after: int):
        """`made` of the sheet's rows to Excel row `after`, with the frame of the rows under them."""
        frame, problems = made
        if frame is None:  # no header among the rows read: perhaps among those appended
            return table_frame(table, cells, sheet, extra, defaults, label_sheet)
        more, _ = table_frame(table, cells, sheet, extra, defaults, label_sheet, after)
        grown = pd.concat([frame, more]) if len(more) else frame.copy(deep=False)
        grown.attrs["headers"] = frame.attrs["headers"]
        return grown, problems
    kept = getattr(source, "kept", None)
    if kept is None:
        return make()
    frame, problems = kept(sheet, (table.key, tuple(extra), tuple(sorted((defaults or {}).items())), label_sheet),
                           make, grow)
    return (None if frame is None else frame.copy(deep=False)), list(problems)


def read(source: Source) -> Inputs:
    """Roster, monthly records (History and the month sheets) and policy of a workbook."""
    names = source.sheet_names()
    problems: list[Problem] = []

    policy = default_policy()
    policy_name = find_sheet(names, policy_sheet.SHEET)
    if policy_name:
        try:
            policy = policy_sheet.read_policy(source.values(policy_name))
        except PolicyError as err:
            policy = None
            problems += [Problem(f"政策表有误：{p.zh}", f"Policy sheet: {p.en}") for p in err.problems]

    roster = pd.DataFrame(columns=[f.key for f in schema.ROSTER.fields])
    roster_name = find_sheet(names, schema.ROSTER.names)
    if roster_name is None:
        problems.append(Problem(f"工作簿缺少工作表「{schema.ROSTER.zh}」",
                                f"The workbook has no sheet '{schema.ROSTER.en}'"))
    else:
        frame, missing = _frame(source, schema.ROSTER, roster_name)
        problems += missing
        roster = frame if frame is not None else roster

    extra = item_fields(policy or default_policy())
    parts = []
    history = find_sheet(names, schema.RECORDS.names)
    sheets = [(name, {"month": values.month_label(m)}) for name, m in month_sheets(names)]
    sheets += [(history, None)] if history else []
    for name, defaults in sheets:  # month sheets first: a live month sheet wins over History
        frame, missing = _frame(source, schema.RECORDS, name, extra, defaults, label_sheet=True)
        problems += missing
        if frame is not None:
            parts.append(frame)
    records = pd.concat(parts) if parts else pd.DataFrame(columns=["month", "employee"])
    records.attrs["headers"] = schema.Headers({at: text for part in parts
                                               for at, text in part.attrs["headers"].items()})
    return Inputs(roster, records, policy, problems)
