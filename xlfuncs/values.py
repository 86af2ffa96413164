"""Reading what HR types into cells: ids, dates, months, yes/no flags and numbers.

Each reader takes a column and returns the clean column and a mask of the cells it could not
read, so the caller can name them. Cells repeat a lot (a month, a yes, an id per record), so
each reader parses the distinct values once and maps them back: a column of millions of cells
costs as much as its few thousand distinct values.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata

import numpy as np
import opencc
import pandas as pd
from openpyxl.utils.datetime import from_excel

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
_FALSE = {"否", "n", "no", "false", "0", "×", "✗", "✘", "错"}
INVALID = object()  # what a reader returns for a cell it cannot read
# a Chinese character: the unified ideographs, extension A and the compatibility ideographs
CHINESE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ERRORS = frozenset(("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                    "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!"))


def is_error(value) -> bool:
    """Whether a cell holds an Excel error, as xlwings' `err_to_str` and the file reader give
    them ('#N/A', '#VALUE!' …): never a value, never a blank."""
    return isinstance(value, str) and value in ERRORS


def _series(array: np.ndarray, index) -> pd.Series:
    """A column around an array this module just made (pandas would copy it again); text
    stays in object columns, blanks as None, whatever pandas would infer."""
    return pd.Series(array, index=index, copy=False, dtype=array.dtype)


def _distinct(column: pd.Series):
    """Codes and distinct values of a column (object arrays factorize fastest)."""
    data = column.to_numpy(object) if not pd.api.types.is_numeric_dtype(column) else column
    return pd.factorize(data, use_na_sentinel=True)


def _spread(codes, parsed: np.ndarray, bad_unique: np.ndarray, fill, index):
    """Distinct results back onto every cell; blanks (code -1) get `fill` and are not bad."""
    parsed = np.append(parsed, np.array([fill], dtype=parsed.dtype))
    bad_unique = np.append(bad_unique, False)
    return parsed[codes], _series(bad_unique[codes], index)


def by_distinct(column, parse, dtype=object, fill=None):
    """Apply `parse` to each distinct value and spread the results; `INVALID` marks what it
    cannot read, blanks get `fill`. Returns (array, bad mask)."""
    column = pd.Series(column)
    codes, uniques = _distinct(column)
    parsed = [parse(v) for v in uniques]
    bad_unique = np.fromiter((p is INVALID for p in parsed), bool, len(parsed))
    values = np.array([fill if p is INVALID or p is None else p for p in parsed], dtype=dtype)
    return _spread(codes, values, bad_unique, fill, column.index)


def _text(value) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


# Traditional Chinese read as its Simplified twin, words included (OpenCC's Taiwan-to-mainland
# conversion): the department's own Traditional document writes 技術支援 and 高階 for 技术支持 and 高级.
_SIMPLIFIED = opencc.OpenCC("tw2sp")


@functools.lru_cache(maxsize=65536)
def fold(text) -> str:
    """A name as compared: NFKC (full-width letters and digits as plain ones), trimmed,
    case-folded, in Simplified Chinese: 'ＶＩＰ客户经理 ', 'vip客户经理' and 'VIP客戶經理' are
    all 'vip客户经理'."""
    return _SIMPLIFIED.convert(_text(text)).casefold()


@functools.cache
def _traditional() -> opencc.OpenCC:
    """Made when first needed: its dictionaries take 40 MB, which a month end of a Simplified
    workbook would otherwise hold while it reads History, its peak."""
    return opencc.OpenCC("s2twp")


@functools.lru_cache(maxsize=65536)
def traditional(text: str) -> str:
    """Simplified Chinese as HR in Taiwan writes it, words included (技术支持 as 技術支援; `fold`
    reads it back): a Traditional workbook's headers and names, and the add-in's own texts
    on its sheets. Texts repeat (a reason for hundreds of people), so each is converted once."""
    return _traditional().convert(text)


def is_blank(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip()) or value is pd.NaT


def employee_id(value):
    """1001, 1001.0, ' 1001 ' and '１００１' are all employee '1001'."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return INVALID
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else _text(value)
    text = _text(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    return text or None


_NUMBER_TYPES = {int, float, np.int64, np.int32, np.float64, np.float32}  # not bool
_TEXT_TYPES = {str, np.str_}


def employee_ids(column):
    """Employee ids as a categorical column: ids repeat (one per record), and the rules
    match them to the roster through the distinct ids only. Whole numbers (as Excel gives
    ids) and text are read column-wise, anything else one by one."""
    column = pd.Series(column)
    codes, uniques = _distinct(column)
    n, numeric = len(uniques), uniques.dtype.kind in "iuf"
    uniques = np.asarray(uniques, dtype=None if numeric else object)
    if numeric:
        number, string = np.ones(n, bool), np.zeros(n, bool)
    else:
        number = np.fromiter(map(_NUMBER_TYPES.__contains__, map(type, uniques)), bool, n)
        string = np.fromiter(map(_TEXT_TYPES.__contains__, map(type, uniques)), bool, n)
    x = np.full(n, np.nan)
    x[number] = uniques[number].astype(float)
    whole = (x == np.floor(x)) & (np.abs(x) < 2 ** 53)
    plain = string.copy()
    plain[string] = [v.isascii() and v.isalnum() for v in uniques[string]]
    text = string & ~plain
    odd = np.flatnonzero(~whole & ~string)  # fractions, yes/no, dates: one by one

    parsed = np.full(n, None, object)
    parsed[whole] = list(map(str, x[whole].astype(np.int64).tolist()))
    parsed[plain] = uniques[plain]
    if text.any():  # NFKC, trim, and "1001.0" → "1001"
        clean = (pd.Series(uniques[text], dtype=object).str.normalize("NFKC").str.strip()
                 .str.replace(r"^(\d+)\.0+$", r"\1", regex=True))
        parsed[text] = clean.where(clean != "", None).to_numpy(dtype=object)
    parsed[odd] = [employee_id(v) for v in uniques[odd]]
    bad_unique = np.zeros(n, bool)
    bad_unique[odd] = [p is INVALID for p in parsed[odd]]
    parsed[bad_unique] = None
    bad = np.append(bad_unique, False)[codes] if bad_unique.any() else np.zeros(len(codes), bool)
    if not numeric:  # distinct cells may be one id ("1001" and 1001.0): number the clean ids again
        renumber, parsed = pd.factorize(parsed, use_na_sentinel=True)
        codes = np.append(renumber, -1)[codes]
    ids = pd.Categorical.from_codes(codes, categories=pd.Index(parsed, dtype=object), validate=False)
    return pd.Series(ids, index=column.index), _series(bad, column.index)


def date(value):
    """A day from an Excel serial, a datetime, or text like 2024-11-01, 2024/11/1, 2024年11月1日."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return INVALID
    if isinstance(value, (dt.date, np.datetime64)):
        return pd.Timestamp(value).normalize()
    if isinstance(value, (int, float, np.integer, np.floating)):
        if not 1 <= value < 2958466:  # 9999-12-31
            return INVALID
        return pd.Timestamp(from_excel(math.floor(value)))  # openpyxl's: serial 1 is 1900-01-01
    text = _text(value)
    match = _DATE.match(text)
    if match:
        try:
            return pd.Timestamp(*(int(g) for g in match.groups()))
        except ValueError:
            return INVALID
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return date(float(text))
    return INVALID


def dates(column):
    column = pd.Series(column)
    if pd.api.types.is_datetime64_any_dtype(column):
        return pd.to_datetime(column).dt.normalize(), pd.Series(False, index=column.index)
    out, bad = by_distinct(column, date)
    return pd.Series(pd.to_datetime(out), index=bad.index), bad


def month(value):
    """A month as a whole number (year * 12 + month - 1) from 2026-10, 2026年10月, a date or serial."""
    if is_blank(value):
        return None
    if isinstance(value, str):
        match = _MONTH.match(_text(value))
        if match:
            year, mon = int(match.group(1)), int(match.group(2))
            return year * 12 + mon - 1 if 1 <= mon <= 12 else INVALID
    day = date(value)
    if day is INVALID or day is None:
        return day
    return day.year * 12 + day.month - 1


def months(column):
    column = pd.Series(column)
    if pd.api.types.is_datetime64_any_dtype(column):  # Excel dates, the usual case
        codes, days = column.factorize()  # a few distinct days: convert those
        out = np.append((days.year * 12 + days.month - 1).to_numpy(float), np.nan)[codes]
        return _series(out, column.index), _series(np.zeros(len(column), bool), column.index)
    out, bad = by_distinct(column, month, dtype=float, fill=np.nan)
    return _series(out, bad.index), bad


def month_label(index: int) -> str:
    return f"{int(index) // 12:04d}-{int(index) % 12 + 1:02d}"


def month_start(index) -> pd.Timestamp:
    """The first day of month `index` (as `month` numbers them)."""
    return pd.Timestamp(int(index) // 12, int(index) % 12 + 1, 1)


def month_end(index) -> pd.Timestamp:
    return month_start(index) + pd.offsets.MonthEnd(0)


def flag(value):
    """Yes/no as 是/否, Y/N, TRUE/FALSE, 1/0, √/×; a blank cell is no."""
    if is_blank(value):
        return False
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return bool(value) if value in (0, 1) else INVALID
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    return INVALID


def flags(column):
    column = pd.Series(column)
    if pd.api.types.is_bool_dtype(column) and not column.isna().any():
        return column.astype(bool), pd.Series(False, index=column.index)
    out, bad = by_distinct(column, flag, dtype=bool, fill=False)
    return _series(out, bad.index), bad


def number(value):
    """A number, also when typed as text with full-width digits; a blank cell is no number."""
    if is_blank(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return INVALID
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    text = _text(value)
    if "," in text and not _grouped(text):
        return INVALID  # "1,32": a decimal comma or a slip, never 132
    try:
        result = float(text.replace(",", ""))
    except ValueError:
        return INVALID
    return result if math.isfinite(result) else INVALID


def _grouped(text: str) -> bool:
    """Whether the commas of a number typed as text group its thousands (12,345.6)."""
    whole = text.lstrip("+-").split(".", 1)[0].split(",")
    return 1 <= len(whole[0]) <= 3 and all(len(group) == 3 for group in whole[1:])


def numbers(column):
    column = pd.Series(column)
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        data = column.to_numpy(float)
        infinite = np.isinf(data)
        if infinite.any():
            data = np.where(infinite, np.nan, data)
        return _series(data, column.index), _series(infinite, column.index)
    out, bad = by_distinct(column, number, dtype=float, fill=np.nan)
    return _series(out, bad.index), bad


def texts(column):
    out, bad = by_distinct(column, lambda v: INVALID if is_error(v) else None if is_blank(v) else _text(v))
    return _series(out, bad.index), bad
