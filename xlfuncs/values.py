"""Reading what HR types into cells: ids, dates, months, yes/no flags and numbers.

Each reader takes a column and returns the clean column and a mask of the cells it could not
read, so the caller can name them. Cells repeat a lot (a month, a yes, an id per record), so
each reader parses the distinct values once and maps them back: a column of millions of cells
costs as much as its few thousand distinct values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

import numpy as np
import pandas as pd

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # Excel's serial 1 is 1900-01-01 (its 1900 leap-year bug)
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "错"}
_INVALID = object()


def _by_unique(column, parse, dtype=object):
    """Apply `parse` to each distinct value; `_INVALID` marks what it cannot read."""
    column = pd.Series(column)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    parsed = [parse(v) for v in uniques]
    bad_unique = np.fromiter((p is _INVALID for p in parsed), bool, len(parsed))
    fill = None if dtype is object else np.nan
    values = np.array([fill if p is _INVALID or p is None else p for p in parsed], dtype=dtype)
    valid = codes >= 0
    out = np.full(len(column), fill, dtype=dtype)
    out[valid] = values[codes[valid]]
    bad = np.zeros(len(column), bool)
    bad[valid] = bad_unique[codes[valid]]
    return out, pd.Series(bad, index=column.index)


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip()) or value is pd.NaT


def employee_id(value):
    """1001, 1001.0, ' 1001 ' and '１００１' are all employee '1001'."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return _INVALID
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else _text(value)
    text = _text(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text or None


def employee_ids(column):
    out, bad = _by_unique(column, employee_id)
    return pd.Series(out, index=bad.index, dtype=object), bad


def date(value):
    """A day from an Excel serial, a datetime, or text like 2024-11-01, 2024/11/1, 2024年11月1日."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return _INVALID
    if isinstance(value, (dt.date, np.datetime64)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not 1 <= value < 2958466:  # 9999-12-31
            return _INVALID
        return EXCEL_EPOCH + pd.Timedelta(days=math.floor(value))
    text = _text(value)
    match = _DATE.match(text)
    if match:
        try:
            return pd.Timestamp(*(int(g) for g in match.groups()))
        except ValueError:
            return _INVALID
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return date(float(text))
    return _INVALID


def dates(column):
    out, bad = _by_unique(column, date)
    return pd.Series(pd.to_datetime(out), index=bad.index), bad


def month(value):
    """A month as a whole number (year * 12 + month - 1) from 2026-10, 2026年10月, a date or serial."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        match = _MONTH.match(_text(value))
        if match:
            year, mon = int(match.group(1)), int(match.group(2))
            return year * 12 + mon - 1 if 1 <= mon <= 12 else _INVALID
    day = date(value)
    if day is _INVALID or day is None:
        return day
    return day.year * 12 + day.month - 1


def months(column):
    out, bad = _by_unique(column, month, dtype=float)
    return pd.Series(out, index=bad.index), bad


def month_label(index: int) -> str:
    return f"{int(index) // 12:04d}-{int(index) % 12 + 1:02d}"


def month_end(index) -> pd.Timestamp:
    return pd.Timestamp(int(index) // 12, int(index) % 12 + 1, 1) + pd.offsets.MonthEnd(0)


def flag(value):
    """Yes/no as 是/否, Y/N, TRUE/FALSE, 1/0, √/×; a blank cell is no."""
    if is_blank(value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return bool(value) if value in (0, 1) else _INVALID
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return _INVALID


def flags(column):
    out, bad = _by_unique(column, flag)
    return pd.Series(out, index=bad.index).fillna(False).astype(bool), bad


def number(value):
    """A number, also when typed as text with full-width digits; a blank cell is no number."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return _INVALID
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    try:
        result = float(_text(value).replace(",", ""))
    except ValueError:
        return _INVALID
    return result if math.isfinite(result) else _INVALID


def numbers(column):
    out, bad = _by_unique(column, number, dtype=float)
    return pd.Series(out, index=bad.index), bad


def texts(column):
    out, bad = _by_unique(column, lambda v: None if is_blank(v) else _text(v))
    return pd.Series(out, index=bad.index, dtype=object), bad
