"""The Excel Tables HR adds rows to (Roster, History, Moves, Training), the hidden lists
their dropdowns take, and the rows written into them."""

from __future__ import annotations

from copy import copy

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, quote_sheetname, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from xlfuncs import moves, schema
from xlfuncs.excel import frozen_fields
from xlfuncs.policy import Policy
from xlfuncs.rules import item_fields

from .style import CNY, DATE, MONTH, Names, header_row, print_setup, typed, validation

# field → a number format, or the named list its dropdown offers
LISTS = ("LadderNames", "LevelNames", "YesNo", "Outcomes", "Decisions")


ROSTER_FORMATS = {"ladder": "LadderNames", "level": "LevelNames", "hire_date": DATE,
                  "level_since": DATE, "probation_until": DATE, "gm_approval": "YesNo",
                  "recommended": "YesNo", "exam_passed": "YesNo", "duties": "0"}


DECISION_FORMATS = {"decision": "Decisions", "to_level": "LevelNames", "raise": CNY}


RECORD_FORMATS = {"month": MONTH, "serious_error": "YesNo", "own_computer": "YesNo", "override": "Outcomes",
                  **DECISION_FORMATS, "result:score": "0.0", "result:cycle_average": "0.0",
                  "result:raise_min": CNY, "result:raise_max": CNY, "result:pay_adjust": CNY}


def dropdown_lists(policy: Policy, lang: str = "zh") -> dict[str, list[str]]:
    """Each dropdown list (its defined name → its items): the policy's ladder, level and
    outcome names, yes/no and the decisions. A workbook in English offers them in its own words,
    those the month end writes there (CS grades, Senior CS, No, Promotion), and the outcomes as
    REVIEW_OUTCOME gives them there (Stay, for the review override), which its readers and the
    dashboard read as they read the Chinese."""
    names = Names(lang)
    return {
        "LadderNames": list(names.ladders(policy).values()),
        "LevelNames": list(dict.fromkeys(names.levels(policy).values())),
        "YesNo": [names.yes_no(True), names.yes_no(False)],
        "Outcomes": list(names.outcomes(policy).values()),
        "Decisions": [names.pick(*kind) for kind in moves.KINDS],
    }


def list_range(sheet: str, column: int, count: int) -> str:
    """Where a dropdown list of `count` items stands, under its name in row 1 of `sheet`."""
    letter = get_column_letter(column)
    return f"{quote_sheetname(sheet)}!${letter}$2:${letter}${max(count, 1) + 1}"


def list_title(names: Names) -> str:
    """The hidden sheet of the dropdown lists, as the workbook's language names it."""
    return names.pick("列表", "Lists")


def list_sheet(wb: Workbook, policy: Policy, names: Names) -> None:
    """A hidden sheet of the dropdown lists, each a defined name the validations point at."""
    ws = wb.create_sheet(list_title(names))
    ws.sheet_state = "hidden"
    for col, (name, items) in enumerate(dropdown_lists(policy, names.lang).items(), 1):
        ws.cell(1, col, name)
        for row, item in enumerate(items, 2):
            ws.cell(row, col, item)
        wb.defined_names[name] = DefinedName(name, attr_text=list_range(ws.title, col, len(items)))


def excel_table(wb: Workbook, names: Names, table: schema.Table, name: str, formats: dict, extra=(),
                pages_wide: int = 1, widths: dict | None = None) -> None:
    """A sheet holding one Excel Table: bilingual headers, typed columns, dropdowns. The Table
    starts with one blank row; Excel carries its formats down to the rows HR adds. A table
    printed `pages_wide` repeats its first two columns (who) on every page. `widths` widens
    columns (by field) to what they will hold, such as the longest level name."""
    ws = wb.create_sheet(names.pick(table.zh, table.en))
    fields = [*table.fields, *extra]
    header_row(ws, 1, [names.header(f.zh, f.en) for f in fields], widest=48 if pages_wide == 1 else 14)
    for col, f in enumerate(fields, 1):
        dimension = ws.column_dimensions[get_column_letter(col)]
        dimension.width = max(dimension.width or 0, (widths or {}).get(f.key, 0))
    last = get_column_letter(len(fields))
    headers = [names.header(f.zh, f.en) for f in fields]  # named here: else openpyxl reads every cell to name them
    ws.add_table(Table(displayName=name, ref=f"A1:{last}2",
                       tableColumns=[TableColumn(id=i, name=h) for i, h in enumerate(headers, 1)],
                       tableStyleInfo=TableStyleInfo(name="TableStyleLight9", showRowStripes=True)))
    for col, f in enumerate(fields, 1):
        letter = get_column_letter(col)
        rule = formats.get(f.key)
        cells = f"{letter}2:{letter}1048576"
        if rule in LISTS:
            validation(ws, rule, cells, names)
        elif rule in (DATE, MONTH):
            validation(ws, "date", cells, names)
        elif f.kind == "number":
            validation(ws, "number", cells, names)
        if rule and rule not in LISTS:
            ws.cell(2, col).number_format = rule
    ws.freeze_panes = "B2"
    print_setup(ws, "1:1")
    if pages_wide > 1:
        ws.page_setup.fitToWidth = pages_wide
        ws.print_title_cols = "A:B"


def fill_table(ws, table: schema.Table, frame, first_row: int, extra=(), header_row: int = 1, rows=None) -> None:
    """Write `frame` (schema field names) under the sheet's headers, matched through the schema;
    a sheet holding a Table grows it to the rows written."""
    headers = [c.value for c in ws[header_row]]
    columns = {key: pos + 1 for pos, key in schema.match_headers(table, headers, extra)[0].items()}
    looks = {col: ws.cell(first_row, col)._style for col in columns.values()}  # the first row's, as Excel's Table
    rows = rows or range(first_row, first_row + len(frame))
    for r, record in zip(rows, frame.to_dict("records")):
        for key, value in record.items():
            if key not in columns or value is None or (not isinstance(value, str) and pd.isna(value)):
                continue
            if isinstance(value, pd.Timestamp):
                value = value.to_pydatetime()
            elif hasattr(value, "item"):
                value = value.item()
            cell = ws.cell(r, columns[key])
            cell._style = copy(looks[columns[key]])
            typed(cell, value)
    fit_table(ws, first_row + len(frame) - 1)


def fit_table(ws, last_row: int) -> None:
    """Each Table of the sheet made to end at `last_row` (with one row at least), its columns
    and filter kept."""
    for table in ws.tables.values():
        table.ref = fitted(table.ref, last_row)
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref


def fitted(ref: str, last_row: int) -> str:
    """A Table's range made to end at `last_row`, with one row under its header at least: what
    Excel keeps of a Table emptied (here and in the package editor)."""
    min_col, min_row, max_col, _ = range_boundaries(ref)
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max(last_row, min_row + 1)}"


def widened(ref: str, last_column: int) -> str:
    """A Table's range made to end at column `last_column` (columns added beside it)."""
    min_col, min_row, _, max_row = range_boundaries(ref)
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(last_column)}{max_row}"


def history_extra(policy: Policy) -> tuple[schema.Field, ...]:
    """History's columns after the schema's record fields: the KPI items, then the results
    the month close freezes."""
    return item_fields(policy) + frozen_fields()
