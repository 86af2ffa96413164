"""Ordinary formulas (a COUNTIFS over History, the dashboard) computed headlessly by pycel.

pycel evaluates a formula after the formulas it depends on. It reads the workbook through
`_Cells`, a view of what recalc already holds rather than a second openpyxl load: the values
the file stores (xlwings' reader), the add-in's fresh answers laid over them, and the formula texts
recalc parsed from the sheets' XML. Add-in cells reach pycel as values, so pycel never calls
the add-in, one cell at a time, itself. Whatever pycel cannot evaluate (a function it lacks, a
defined name, a Table reference, an array formula) is returned as left alone, never guessed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import namedtuple
from contextlib import contextmanager

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from pycel import ExcelCompiler, excelutil
from pycel.excelcompiler import REF_FORMAT, _CellRange
from pycel.excelutil import ERROR_CODES, AddressCell, AddressRange, is_address
from pycel.excelwrapper import ExcelOpxWrapper, ExcelWrapper

from xlfuncs.excel import CellError

logging.getLogger("pycel").setLevel(logging.CRITICAL)  # failures are reported per cell instead

_TableAndSheet = namedtuple("TableAndSheet", "table, sheet_name")


_Range = ExcelWrapper.RangeData  # (address, formula, values), as pycel's wrappers answer


class _Cells(ExcelOpxWrapper):
    """The workbook as pycel reads it. `grid(sheet)` gives the cells' values as rows;
    `formulas[sheet][address]` the texts of the formulas pycel is to evaluate."""

    def __init__(self, path, grid, formulas: dict[str, dict[str, str]]):
        # ExcelOpxWrapper.__init__ would want an openpyxl workbook loaded: nothing is loaded
        self.filename = str(path)
        self.grid, self.formulas = grid, formulas
        self._max_col_row = {}

    @property
    def defined_names(self):
        return {}

    def table(self, table_name):
        return _TableAndSheet(None, None)

    def table_name_containing(self, address):
        return None

    def conditional_format(self, address):
        return []

    def max_col_row(self, sheet):
        """Where a whole row or column (A:A) is cut off: the sheet's used size, at least two
        cells long, since pycel takes a one-cell range for the cell itself and loops."""
        if sheet not in self._max_col_row:
            rows = self.grid(sheet)
            self._max_col_row[sheet] = max([2, *(len(r) for r in rows)]), max(2, len(rows))
        return self._max_col_row[sheet]

    def get_range(self, address):
        if not is_address(address):
            address = AddressRange(address)
        sheet = address.sheet
        if address.is_unbounded_range:
            address = address & AddressRange((1, 1, *self.max_col_row(sheet)), sheet=sheet)
        rows, formulas = self.grid(sheet), self.formulas.get(sheet, {})

        def cell(r, c):  # a formula's stored value is not given: pycel would trust it
            formula = formulas.get(f"{get_column_letter(c)}{r}", "")
            return formula, None if formula else _value(rows, r, c)

        if isinstance(address, AddressCell):
            return _Range(address, *cell(address.row, address.col_idx))
        columns = range(address.start.col_idx, address.end.col_idx + 1)
        lines = range(address.start.row, address.end.row + 1)
        if not formulas:  # a sheet of values (History): the common case, and the big one
            return _Range(address, (("",) * len(columns),) * len(lines),
                          tuple(tuple(_value(rows, r, c) for c in columns) for r in lines))
        cells = [[cell(r, c) for c in columns] for r in lines]
        return _Range(address, tuple(tuple(f for f, _ in row) for row in cells),
                      tuple(tuple(v for _, v in row) for row in cells))

    def get_used_range(self):  # pragma: no cover - pycel asks only when exporting
        raise NotImplementedError

    def get_active_sheet_name(self):
        raise NotImplementedError("every formula's references name their sheet")


class _Values(_CellRange):
    """A range of plain values, evaluated from the start. It skips `_CellRange.__init__`, which
    makes an address object per cell only for pycel to evaluate the cells one by one."""

    def __init__(self, data, excel):  # noqa: super().__init__ deliberately not called
        self.formula, self.excel, self.address = None, excel, data.address
        self.size, self.value = data.address.size, data.values

    @property
    def addresses(self):
        return self.address.resolve_range


class _Compiler(ExcelCompiler):
    """pycel, with a range of plain values made one node that holds them. pycel makes a node
    per cell of a range (and logs the whole range as text), which over History's 100,000 rows
    costs many times the formulas themselves."""

    def _make_cells(self, address):
        if address.is_range:
            data = self.excel.get_range(address)
            if not any(any(row) for row in data.formula):
                plain = _Values(data, self.excel)
                self.cell_map[str(data.address)] = plain
                if data.address != address:  # A:A, cut at the sheet's end: refer to the cut range
                    ref = self.Cell(address, formula=REF_FORMAT.format(data.address), excel=self.excel)
                    self.cell_map[str(address)] = ref
                    self.dep_graph.add_node(ref)
                    self.graph_todos.append(ref)
                return
        super()._make_cells(address)


def _value(rows, r: int, c: int):
    """A cell's value as pycel expects it: dates as Excel serials, errors as their codes."""
    row = rows[r - 1] if r - 1 < len(rows) else ()
    value = row[c - 1] if c - 1 < len(row) else None
    if isinstance(value, (dt.datetime, dt.date)):
        return to_excel(value)
    if isinstance(value, CellError):
        return value.code
    return value


@contextmanager
def _criteria_remembered():
    """pycel matches a COUNTIFS criterion against its range cell by cell on every call; a
    dashboard asks the same (range, criterion) dozens of times over History's rows. Each answer
    is kept for the run (the range held too, so that its id is not reused meanwhile)."""
    original = excelutil.find_corresponding_index
    memo = {}

    def remembered(rng, criteria):
        try:
            key = (id(rng), criteria)
            hash(key)
        except TypeError:
            return original(rng, criteria)
        if key not in memo:
            memo[key] = (rng, original(rng, criteria))
        return memo[key][1]

    excelutil.find_corresponding_index = remembered
    try:
        yield
    finally:
        excelutil.find_corresponding_index = original


def evaluate(path, grid, formulas: dict[str, dict[str, str]], unknown=frozenset(), progress=None):
    """Each formula's value, by sheet and address, and the (sheet, address) pycel could not
    evaluate. `formulas`: sheet → address → text without "=", all ordinary formulas of the
    workbook (those that depend on one another included); `unknown`: (sheet, address) of cells
    whose stored values are stale, so that what depends on them fails rather than use them;
    `progress(n)` hears after each formula how many are done."""
    texts = {sheet: {a: f"={t}" for a, t in cells.items()} for sheet, cells in formulas.items()}
    for sheet, address in unknown:
        texts.setdefault(sheet, {})[address] = f"={_STALE}()"
    book = _Cells(path, grid, texts)
    compiler = _Compiler(excel=book)
    results, failed = {}, []
    done = 0
    with _criteria_remembered():
        for sheet, cells in formulas.items():
            quoted = "'" + sheet.replace("'", "''") + "'"
            for address in cells:
                done += 1
                if progress:
                    progress(done)
                try:
                    value = compiler.evaluate(f"{quoted}!{address}")
                except Exception:  # noqa: BLE001 - pycel raises many kinds; each is reported
                    failed.append((sheet, address))
                    compiler = _Compiler(excel=book)  # a failure can leave half-built cells behind
                    continue
                value = _cell_value(value)
                if value is _NOT_A_VALUE:
                    failed.append((sheet, address))
                else:
                    results.setdefault(sheet, {})[address] = value
    return results, failed


_NOT_A_VALUE = object()
_STALE = "LADDERBOOK_NOT_COMPUTED"  # no function of that name: pycel raises on it and on what uses it


def _cell_value(value):
    """pycel's answer as a cell's value, or _NOT_A_VALUE: an array or a reference, or #NAME?,
    which pycel gives for a defined name or a function it lacks, not as Excel would."""
    if hasattr(value, "item") and getattr(value, "size", 1) == 1:  # a numpy number
        value = value.item()
    if value == "#NAME?" or not isinstance(value, (str, bool, int, float, type(None))):
        return _NOT_A_VALUE
    if isinstance(value, str) and value in ERROR_CODES:
        return CellError(value, "公式结果为错误值", "the formula gives an error")
    return value
