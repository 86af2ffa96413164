"""Workbooks for the tests, as sheets of cells: what Excel or a file reader hands over."""

import pandas as pd

from xlfuncs import schema


def sheet(table: schema.Table, rows: list[dict], english=False) -> list[list]:
    """A header row (Chinese or English headers) and one row of cells per dict."""
    present = dict.fromkeys(k for r in rows for k in r)
    keys = [f.key for f in table.fields if f.key in present]
    keys += [k for k in present if k not in keys]
    names = {f.key: (f.en if english else f.zh) for f in table.fields}
    return [[names.get(k, k) for k in keys]] + [[r.get(k) for k in keys] for r in rows]


def frame_rows(frame: pd.DataFrame) -> list[dict]:
    clean = frame.astype(object).where(frame.notna(), None)
    return clean.to_dict("records")


class Book:
    """A `book.Source` that counts how often each sheet is read."""

    def __init__(self, sheets: dict):
        self.sheets = sheets
        self.reads = 0

    def sheet_names(self):
        return list(self.sheets)

    def values(self, name):
        self.reads += 1
        return self.sheets[name]


def fill_month_sheets(wb, records: pd.DataFrame, policy=None) -> None:
    """Type `records` (schema field names) into the open month sheets of `wb` (openpyxl), each
    on the row of its employee, as HR does during the month."""
    from xlfuncs import book, values
    from xlfuncs.policy import default_policy
    from xlfuncs.rules import item_fields

    extra = item_fields(policy or default_policy())
    by_id = {values.employee_id(r["employee"]): r for r in records.to_dict("records")}
    for name, _ in book.month_sheets(wb.sheetnames):
        ws = wb[name]
        mapping, _ = schema.match_headers(schema.RECORDS, [c.value for c in ws[2]], extra)
        column = {key: pos + 1 for pos, key in mapping.items()}
        for row in range(3, ws.max_row + 1):
            record = by_id.get(values.employee_id(ws.cell(row, column["employee"]).value))
            for key, value in (record or {}).items():
                if key in column and key not in ("employee", "month") and not pd.isna(value):
                    ws.cell(row, column[key], value.item() if hasattr(value, "item") else value)
