"""Calling a function as Excel on Windows calls it through xlwings, without Windows.

Excel hands a VBA wrapper its arguments; the wrapper hands them to xlwings' COM server, which
runs `xlwings.udfs.call_udf`: an omitted argument becomes the Python default, a range is read
(`Range.Value` through pywin32: one cell as a value, more as rows; dates as pywin32 times, error
cells as their scodes, blanks as None) and every argument goes through `xlwings.conversion.read`
with the argument's options; the answer goes through `xlwings.conversion.write` with the
answer's options, and the COM server squeezes a 1×1 answer to a value and a 1×N one to a flat
row. Excel then fills the formula's cells from that array.

Here the cells' values come from the file, the conversion is xlwings' own pipeline, and its
Windows cleaning (`_clean_value_data_element`, `prepare_xl_data_element`, the error codes) is
xlwings' own code, loaded from `xlwings/_xlwindows.py`, which cannot be imported off Windows.
What is ours: what pywin32 gives for a cell (`com_value`), the squeeze (three lines of
`XLPython.CallUDF`), and Excel's filling of a range (`fill`). `tests/test_excel_calls.py`
checks the whole against xlwings' real `call_udf`.
"""

from __future__ import annotations

import ast
import datetime as dt
import numbers
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import xlwings
from openpyxl.utils import get_column_letter
from xlwings import conversion
from xlwings.utils import np_datetime_to_datetime

from xlfuncs.excel import MAX_ARRAY_TEXT, CellError, spread
from xlfuncs.values import is_error

MISSING = object()  # an argument the formula leaves out at the end


class ComTime(dt.datetime):
    """pywin32's time type (`pywintypes.TimeType`), a datetime in UTC: what a date cell gives."""


def _windows_engine():
    """xlwings' Excel-on-Windows engine, its data cleaning taken from xlwings' source."""
    source = Path(xlwings.__file__).with_name("_xlwindows.py").read_text(encoding="utf-8")
    wanted = {"cell_errors", "time_types", "_com_time_to_datetime", "_datetime_to_com_time",
              "_clean_value_data_element", "Engine"}
    nodes = [node for node in ast.parse(source).body if _defines(node) & wanted]
    utc = SimpleNamespace(utc=lambda: dt.timezone.utc)
    namespace = {"dt": dt, "np": np, "pd": pd, "numbers": numbers, "base_classes": SimpleNamespace(),
                 "pywintypes": SimpleNamespace(TimeType=ComTime),
                 "win32timezone": SimpleNamespace(TimeZoneInfo=utc),
                 "np_datetime_to_datetime": np_datetime_to_datetime}
    exec(compile(ast.Module(nodes, []), str(Path(xlwings.__file__).with_name("_xlwindows.py")), "exec"),
         namespace)
    missing = wanted - namespace.keys()
    if missing:
        raise ImportError(f"xlwings {xlwings.__version__} has no {sorted(missing)} in _xlwindows.py")
    return xlwings.main.Engine(impl=namespace["Engine"]()), namespace["cell_errors"]


def _defines(node) -> set[str]:
    """The names a top-level statement defines (an `if` block's assignments included)."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return {node.name}
    statements = node.body if isinstance(node, ast.If) else [node]
    return {t.id for s in statements if isinstance(s, ast.Assign) for t in s.targets
            if isinstance(t, ast.Name)}


def _engine():
    """The "excel" engine xlwings' conversion uses for UDFs: Excel's own on Windows."""
    if "excel" not in xlwings.engines.engines_by_name:
        xlwings.engines.add(ENGINE)
    return xlwings.engines["excel"]


ENGINE, SCODES = _windows_engine()
_SCODE = {name: scode for scode, name in SCODES.items()}


def com_value(cells: list[list]):
    """What pywin32 gives for a range of cells as stored: one cell as a value, more as a tuple
    of rows; numbers as floats, dates as pywin32 times, error cells as their scodes."""
    rows = tuple(tuple(_com_cell(v) for v in row) for row in cells)
    return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows


def _com_cell(value):
    if value is None or type(value) is float:  # most cells, first
        return value
    if is_error(value):
        return _SCODE.get(value, _SCODE["#VALUE!"])
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return ComTime(value.year, value.month, value.day, *(
            (value.hour, value.minute, value.second) if isinstance(value, dt.datetime) else ()),
            tzinfo=dt.timezone.utc)
    if isinstance(value, numbers.Number):
        return float(value)
    return value


def call(fn, args: list, caller):
    """`fn` called as Excel calls it with `args` (each what pywin32 gives, or `MISSING`): the
    answer as the COM server hands it back to Excel."""
    _engine()
    declared = fn.__ladderbook__
    given = []
    for i, arg in enumerate(declared.args):
        value = args[i] if i < len(args) else MISSING
        if value is MISSING:
            given.append(None if not arg.optional else arg.default)
        elif arg.options.get("convert") == "range":
            given.append(value)  # a `Cell` stand-in for xlwings' Range
        else:
            given.append(conversion.read(None, value, arg.options))
    answer = conversion.write(fn(*given, caller=caller), None, declared.ret)
    if len(answer) == 1 and len(answer[0]) == 1:  # XLPython.CallUDF
        return answer[0][0]
    if len(answer) == 1 and len(answer[0]) > 1:
        return answer[0]
    return answer


def fill(answer, height: int, width: int) -> list[list]:
    """The cells of a `height` × `width` formula range as Excel fills them from `answer`: a value
    everywhere; a one-row (or flat) array repeated down, a one-column one repeated across;
    cells beyond the array #N/A. A text over 255 characters in an array makes every cell #VALUE!."""
    if isinstance(answer, (list, tuple)) and any(
            isinstance(v, str) and not isinstance(v, CellError) and len(v) > MAX_ARRAY_TEXT
            for r in answer for v in (r if isinstance(r, (list, tuple)) else [r])):
        return [[NA_VALUE] * width for _ in range(height)]
    return spread(answer, height, width, NA)


NA = CellError("#N/A", "公式区域大于函数给出的结果", "the formula's range is larger than the answer")
NA_VALUE = CellError("#VALUE!", "数组结果中有超过 255 个字符的文字", "an array answer holds a text over 255 characters")


class Cell:
    """What a function reads of a range of cells that it takes as a range (the caller, `WHY`'s
    argument): xlwings' Range has these too."""

    def __init__(self, book, sheet: str, row: int, column: int, height: int = 1, width: int = 1):
        self.sheet = SimpleNamespace(name=sheet, book=book)
        self.row, self.column, self.shape = row, column, (height, width)
        first = f"${get_column_letter(column)}${row}"
        last = f"${get_column_letter(column + width - 1)}${row + height - 1}"
        self.address = first if (height, width) == (1, 1) else f"{first}:{last}"
