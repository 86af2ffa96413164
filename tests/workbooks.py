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
