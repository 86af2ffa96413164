"""Excel's recalculations of the department workbook, replayed (`excel_replay`): each table read
once per recalculation however long the reads take, an input changed between two
recalculations 10 ms apart seen by the second, and `ladderbook recalc` storing what Excel shows."""

import datetime as dt
import shutil

import pytest
from openpyxl.utils import range_boundaries

from excel import cell, shown
from excel_replay import Caller, XlBook, department_book, formulas, replay
from workbook import recalc, templates
from workbook.file_book import FileBook
from workbook.sample import department
from xlfuncs import session, udfs
from xlfuncs.excel import CellError

TABLES = {"员工名册", "历史记录", "政策"}  # and each month sheet


_built = {}


def workbook_of(size):
    if size not in _built:
        _built[size] = department_book(size)
    return _built[size]


@pytest.fixture
def excel(monkeypatch):
    """A fresh add-in process whose clock is the replayed book's."""
    monkeypatch.setattr(session, "_sessions", {})

    def open_(cells):
        book = XlBook(cells)
        monkeypatch.setattr(session, "_clock", book.clock)
        return book
    return open_


@pytest.mark.parametrize("size", [300, 1000])  # History's read costs 1.0 s, then 3.4 s: past the 2 s quiet gap
def test_each_table_is_read_once_per_recalculation(size, excel):
    wb, cells, _ = workbook_of(size)
    book = excel(cells)
    calls = formulas(wb)
    month_sheets = {s for s, _, _ in calls if not s.startswith("模板")}  # templates: formulas, no table
    replay(book, calls)
    assert set(book.reads) == TABLES | month_sheets and set(book.reads.values()) == {1}
    replay(book, calls)  # the next recalculation, straight after: every table read again, once
    assert set(book.reads.values()) == {2}


def eligible_cell(calls, shown, book, employee):
    """Where the month sheets show PROMO_ELIGIBLE for `employee`, and what they show."""
    for sheet, target, text in calls:
        if text.startswith("PROMO_ELIGIBLE("):
            column = [row[0] for row in book.sheets[sheet].grid]
            first = int("".join(ch for ch in target.split(":")[0] if ch.isdigit()))
            for i, value in enumerate(column[first - 1:]):
                if value is not None and str(value).split(".")[0] == str(employee):
                    return shown[sheet, target][i][0]
    raise AssertionError(employee)


def test_an_input_changed_between_two_recalculations_10_ms_apart_is_seen(excel):
    wb, cells, roster = workbook_of(300)
    book = excel(cells)
    calls = formulas(wb)
    first = replay(book, calls)
    employee = next(e for e in roster["employee"] if eligible_cell(calls, first, book, e) is True)
    grid = book.sheets["员工名册"].grid
    at = next(i for i, row in enumerate(grid) if str(row[0]).split(".")[0] == str(employee))
    for column in ("入职日期", "本职级起始日"):  # HR fixes the hire date, and the level's start with it
        grid[at][grid[0].index(next(h for h in grid[0] if str(h).startswith(column)))] = dt.datetime(2026, 9, 1)
    book.spent += 0.010
    second = replay(book, calls)
    assert eligible_cell(calls, second, book, employee) is False  # a year at the company: not yet


def test_a_formula_typed_alone_after_an_edit_reads_the_edit(excel):
    wb, cells, roster = workbook_of(300)
    book = excel(cells)
    replay(book, formulas(wb))
    employee = roster["employee"].iloc[0]
    grid = book.sheets["员工名册"].grid
    at = next(i for i, row in enumerate(grid) if str(row[0]).split(".")[0] == str(employee))
    grid[at][0] = 99999  # HR renumbers the employee, then types a formula five seconds later
    book.spent += 5
    typed = shown(udfs.NEXT_LEVEL, cell(employee), caller=Caller(book, "员工名册", "M2:M2"))
    assert isinstance(typed, CellError) and typed.code == "#N/A"


def test_recalc_stores_what_excel_shows(tmp_path, excel):
    """`ladderbook recalc` on the 300-person demo workbook against the same workbook recalculated
    through xlwings' calling convention: every add-in cell equal."""
    roster, records = department(size=300, months=24)
    path = tmp_path / "部门.xlsx"
    wb = templates.with_department(roster, records)
    wb.save(path)
    stored = FileBook(path)
    book = excel({name: stored.values(name) for name in stored.sheet_names()})
    calls = formulas(wb)
    answers = replay(book, calls)
    computed = tmp_path / "computed.xlsx"
    shutil.copy(path, computed)
    recalc.recalc(computed)
    after = FileBook(computed)
    checked = kpi = 0
    for (sheet, target), rows in answers.items():
        c1, r1, _, _ = range_boundaries(target)
        grid = after.values(sheet)  # (a blank answer where nothing was stored is left so: beyond the cells read)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                cells = grid[r1 - 1 + i] if r1 - 1 + i < len(grid) else []
                got = cells[c1 - 1 + j] if c1 - 1 + j < len(cells) else None
                want = value.code if isinstance(value, CellError) else None if value == "" else value
                assert got == want, (sheet, target, i, j, got, value)
                checked += 1
                kpi += isinstance(value, float) and "KPI" in next(t for s, g, t in calls if (s, g) == (sheet, target))
    # the people's cells, and the ten blank rows under each of the seven ladders' people, each
    # row with its sheet's computed columns (7 + 8 + 8 + 8 + 5 + 8 + 5 = 49 in all): blank there
    assert checked == 7046 + 10 * 49 and kpi > 100
