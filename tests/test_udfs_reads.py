"""One bulk read per table per recalculation, whatever the number of employees or formulas."""

from types import SimpleNamespace

import pytest

from workbook.sample import department
from workbooks import frame_rows, sheet
from xlfuncs import schema, udfs


class XlBook:
    """Just enough of an xlwings Book (the caller's `.sheet.book`) to count its reads."""

    def __init__(self, sheets: dict, name: str):
        self.fullname = name
        self.reads = 0
        self.sheets = [XlSheet(self, n, cells) for n, cells in sheets.items()]
        self.sheets = Sheets(self.sheets)


class Sheets(list):
    def __getitem__(self, key):
        return next(s for s in self if s.name == key) if isinstance(key, str) else super().__getitem__(key)


class XlSheet:
    def __init__(self, book, name, cells):
        self.book, self.name, self.cells = book, name, cells
        width = max(len(r) for r in cells)
        self.used_range = SimpleNamespace(last_cell=SimpleNamespace(row=len(cells), column=width))

    def range(self, first, last):
        assert first == (1, 1) and last == (len(self.cells), self.used_range.last_cell.column)
        return XlRange(self)


class XlRange:
    def __init__(self, sheet):
        self.sheet = sheet

    def options(self, **options):
        assert options == {"ndim": 2}
        return self

    @property
    def value(self):
        self.sheet.book.reads += 1
        return self.sheet.cells


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(udfs, "_clock", lambda: now[0])
    monkeypatch.setattr(udfs, "_sessions", {})
    return now


def recalculate(caller, ids):
    """What Excel does in one recalculation of a month sheet: one array formula per computed
    column, plus a handful of single-cell formulas."""
    column = [[float(i)] for i in ids]
    udfs.PROMO_ELIGIBLE(column, None, caller)
    udfs.PROMO_REASON(column, None, None, caller)
    udfs.NEXT_LEVEL(column, caller)
    udfs.RAISE_RANGE(column, None, caller)
    udfs.REVIEW_OUTCOME(column, None, caller)
    udfs.CYCLE_AVG(column, None, caller)
    udfs.DEMOTION_DUE(column, None, caller)
    udfs.TRAINING_REQUIRED(column, None, caller)
    udfs.KPI_SCORE([90.0, 80.0, 70.0, 60.0, 100.0], "cs_rep", caller)
    udfs.POLICY_CHECK(caller)
    for i in ids[:20]:
        udfs.PROMO_ELIGIBLE(float(i), None, caller)


@pytest.mark.parametrize("size", [10, 5000])
def test_reads_per_recalculation_do_not_grow_with_employees(clock, size):
    roster, records = department(size=size, months=24)
    xl = XlBook({"员工名册": sheet(schema.ROSTER, frame_rows(roster)),
                 "历史记录": sheet(schema.RECORDS, frame_rows(records))}, f"dept-{size}.xlsx")
    caller = SimpleNamespace(sheet=xl.sheets[0])
    ids = list(roster["employee"])

    recalculate(caller, ids)
    assert xl.reads == 2  # the roster and the History table, once each
    clock[0] += 0.1
    recalculate(caller, ids)  # calls keep coming: still the same recalculation
    assert xl.reads == 2
    clock[0] += 5  # a pause: the next call belongs to a new recalculation and reads again
    recalculate(caller, ids)
    assert xl.reads == 4
