"""How a function meets Excel: its declaration, read once by everyone, and its error values.

`excel_function` writes what Excel needs to know of a function onto it (`__ladderbook__`: each
argument's doc and xlwings conversion options, the answer's converter) and hands the same to
xlwings' decorators, which on Windows build `__xlfunc__` for "Import Functions". Off Windows
xlwings' decorators do nothing, so the headless recalculation and the tests read
`__ladderbook__` to call a function exactly as xlwings would.

Errors. An answer Excel should show as an error is a `CellError`: text of what is wrong in
Chinese and English, carrying the Excel error it stands for. On its way to Excel (the `Answer`
converter, run by xlwings' own return conversion) it becomes a true error value,
`win32com.client.VARIANT(VT_ERROR, scode)`: pywin32 turns that object into a VT_ERROR VARIANT
(oleargs.cpp, `ConvertPyVariant`, the first thing `PyCom_VariantFromPyObject` tries, which also
converts the COM server's return value), so `IFERROR`, `ISERROR` and `ISNA` work. The text stays
reachable through `=WHY(cell)`.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from dataclasses import dataclass, field

import numpy as np
import xlwings as xw
from xlwings.conversion import Converter

from . import schema, session

CATEGORY = "ladderbook"
MAX_ARRAY_TEXT = 255  # a longer text inside an array answer turns all of it into #VALUE! (xlwings #456)

try:  # Windows, where Excel calls: the VARIANT pywin32 hands Excel as a true error
    import pythoncom
    from win32com.client import VARIANT
    from xlwings._xlwindows import cell_errors as _SCODES
except ImportError:
    VARIANT = None


class CellError(str):
    """Text standing for an Excel error: '#N/A 工号 9 不在员工名册中 | Employee 9 is not…'."""

    def __new__(cls, code: str, zh: str, en: str):
        error = super().__new__(cls, f"{code} {zh} | {en}")
        error.code = code
        return error


@dataclass(frozen=True)
class Arg:
    name: str
    doc: str
    options: dict = field(default_factory=dict)  # xlwings conversion options of the argument
    default: object = inspect.Parameter.empty

    @property
    def optional(self) -> bool:
        return self.default is not inspect.Parameter.empty


@dataclass(frozen=True)
class Column:
    """A computed column of the month sheets that a function fills (one array formula over the
    sheet's people), frozen into History by the month close."""

    key: str  # History's column is result:<key>
    zh: str
    en: str
    review: str  # the review table's column whose value the close freezes
    on: str = ""  # the ladders that show it: "" all, "items" KPI-scored, "cycle" band-reviewed, "raise" with raises
    number_format: str = "General"
    width: int | None = None


@dataclass(frozen=True)
class Declaration:
    name: str
    doc: str
    args: tuple[Arg, ...]
    ret: dict  # xlwings conversion options of the answer
    volatile: bool = True
    macro: bool = False  # a Sub for the Macros dialog, not a worksheet function
    columns: tuple[Column, ...] = ()  # the month-sheet columns it fills, side by side
    # its arguments on a month sheet, by name: ids, month (the sheet's B1), level, items (the
    # KPI item block), item_headers, lang (the workbook's); default: the ids, the month if it
    # takes as_of, the language if it takes lang
    sheet_args: tuple[str, ...] = ()


DECLARED: dict = {}  # every declared function and macro by Excel name, in the order declared


def declared() -> list:
    """The declared functions and macros: the add-in's own (imported here so that they are
    declared) and any other module's that has been imported."""
    importlib.import_module("xlfuncs.udfs")
    return list(DECLARED.values())


def computed_columns() -> list[Column]:
    """Every month-sheet column a function fills, in the order the functions are declared.
    Their headers are no input field's names, so what Excel last showed in them is never read
    back as an input."""
    return [c for fn in declared() for c in fn.__ladderbook__.columns]


def shown_columns() -> list[tuple[Column, bool]]:
    """Every month-sheet column a function fills, and whether the month sheet hands the
    function its language (PROMO_REASON): its words are then in the workbook's, as History
    and the archive freeze them (`Review.worded`)."""
    return [(c, "lang" in fn.__ladderbook__.sheet_args) for fn in declared() for c in fn.__ladderbook__.columns]


def frozen_fields() -> tuple[schema.Field, ...]:
    """History's columns of results, after the inputs: the ladder and level the month was
    assessed at, every computed column, the months until eligible."""
    return (*schema.ASSESSED, *(schema.Field(f"result:{c.key}", c.zh, c.en, "text") for c in computed_columns()),
            schema.ELIGIBLE_IN)


class Answer(Converter):
    """The answer as Excel takes it: numbers as floats, errors as error values, and texts
    inside an array cut to 255 characters (only arrays: one cell holds 32,767)."""

    @staticmethod
    def write_value(value, options):
        if isinstance(value, (list, tuple)):
            nested = value and all(isinstance(r, (list, tuple)) for r in value)
            rows = [list(r) for r in value] if nested else [list(value)]  # flat: one row, as xlwings
            several = sum(map(len, rows)) > 1
            return [[_cell(v, several) for v in row] for row in rows]
        return _cell(value, False)


def spread(answer, height: int, width: int, beyond=None) -> list[list]:
    """The cells of a `height` × `width` formula range as Excel fills them from `answer`: a
    value everywhere; a one-row (or flat) array repeated down, a one-column one repeated
    across; `beyond` in the cells past the array (Excel shows #N/A there)."""
    if not isinstance(answer, (list, tuple)):
        return [[answer] * width for _ in range(height)]
    rows = [list(r) for r in answer] if answer and isinstance(answer[0], (list, tuple)) else [list(answer)]
    out = []
    for i in range(height):
        row = rows[i] if i < len(rows) else rows[0] if len(rows) == 1 else None
        out.append([beyond if row is None else row[j] if j < len(row) else row[0] if len(row) == 1 else beyond
                    for j in range(width)])
    return out


def _cell(value, in_array: bool):
    if isinstance(value, CellError):
        return VARIANT(pythoncom.VT_ERROR, _scode(value.code)) if VARIANT else value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if in_array and isinstance(value, str) and len(value) > MAX_ARRAY_TEXT:
        return value[: MAX_ARRAY_TEXT - 1] + "…"
    return value


def _scode(code: str) -> int:
    return next((scode for scode, name in _SCODES.items() if name == code),
                next(s for s, n in _SCODES.items() if n == "#VALUE!"))


# Every argument reads error cells as their names ('#N/A'), not as blanks (xlwings' default):
# a function must never take an error for an empty cell.
READ_ERRORS = {"err_to_str": True}


def excel_function(columns: tuple[Column, ...] = (), sheet_args: tuple[str, ...] = (),
                   **args: str | tuple[str, dict]):
    """Declare the decorated function to Excel: `args` gives each argument's doc, or (doc,
    extra xlwings options) such as `ndim=2` for a range whose shape matters; `columns`, the
    month-sheet columns it fills (and `sheet_args` its arguments there). Every function is
    volatile (it reads the workbook behind Excel's back) and in the `ladderbook` category.
    Whatever goes wrong inside comes back as a message in the cell, never a traceback. The
    recalculation, the VBA module, the month sheets, History and the close read the
    declaration; a new function is the function and its declaration."""
    def wrap(fn):
        arguments = []
        for name, param in inspect.signature(fn).parameters.items():
            if name == "caller":
                continue
            doc, extra = args[name] if isinstance(args[name], tuple) else (args[name], {})
            arguments.append(Arg(name, doc, {**READ_ERRORS, **extra}, param.default))

        at = list(inspect.signature(fn).parameters).index("caller")

        @functools.wraps(fn)
        def run(*a, **kw):
            caller = kw.get("caller", a[at] if len(a) > at else None)
            try:
                answer = fn(*a, **kw)
            except Exception as err:  # noqa: BLE001 (the cell is the only place left to say it)
                answer = CellError("#VALUE!", f"计算出错，请把此信息发给维护人员：{type(err).__name__}: {err}",
                                   f"internal error, please report: {type(err).__name__}: {err}")
            session.answered(caller, answer)
            return answer

        names = [a.name for a in arguments]
        run.__ladderbook__ = Declaration(
            fn.__name__, fn.__doc__ or "", tuple(arguments), {"convert": Answer}, columns=tuple(columns),
            sheet_args=tuple(sheet_args) or (("ids", "month") if "as_of" in names else ("ids",))
            + (("lang",) if "lang" in names else ()))
        DECLARED[fn.__name__] = run
        return to_xlwings(run, xw.func, xw.arg, xw.ret, xw.script)
    return wrap


def excel_macro(fn):
    """Declare the decorated function a macro (a VBA Sub in the Macros dialog)."""
    fn.__ladderbook__ = Declaration(fn.__name__, fn.__doc__ or "", (), {}, volatile=False, macro=True)
    DECLARED[fn.__name__] = fn
    return to_xlwings(fn, xw.func, xw.arg, xw.ret, xw.script)


def to_xlwings(fn, func, arg, ret, script):
    """`fn`'s declaration handed to xlwings' decorators (`xw.func` … on Windows, where they
    write `__xlfunc__`; no-ops elsewhere)."""
    declared = fn.__ladderbook__
    if declared.macro:
        return script(fn)
    for a in declared.args:
        fn = arg(a.name, doc=a.doc, **a.options)(fn)
    fn = ret(**declared.ret)(fn)
    return func(category=CATEGORY, volatile=declared.volatile)(fn)
