"""The month-end macros (workbook.macros) run against a stand-in for xlwings' Book, backed by
openpyxl: the same close and the same moves as the command line, carried out by Excel's API."""

import copy
import datetime as dt
import gc
import shutil
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest
import xlwings as xw
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import TableColumn

from workbook import apply_moves, close, macros, templates
from workbook.collector import THRESHOLDS
from test_apply_moves import department
from test_close import (_with_a_sales_ladder, _with_side_table, headcount, history_rows, older_dashboard, small,
                        zero_padded)


def _number(text: str):
    """What Excel makes of a text put into a General cell that reads as a number: 000123 is 123."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


class Range:
    """The part of xlwings.Range the macros and XlwingsBook use."""

    def __init__(self, ws, first, last=None):
        if isinstance(first, str):
            if ":" in first and first.replace(":", "").isdigit():  # whole rows, "5:7"
                top, bottom = map(int, first.split(":"))
                first, last = (top, 1), (bottom, ws.max_column)
            else:
                c1, r1, c2, r2 = range_boundaries(first)
                first, last = (r1, c1), (r2, c2)
        self.ws, (self.row, self.column) = ws, first
        self.last_row, self.last_column = last or first

    def options(self, ndim, err_to_str):
        assert ndim == 2 and err_to_str  # an error cell must not be read as a blank
        return type("TwoD", (), {"value": self.ndim2})

    @property
    def columns(self):
        return type("Columns", (), {"count": self.last_column - self.column + 1})

    @property
    def last_cell(self):
        return Range(self.ws, (self.last_row, self.last_column))

    def cells(self):
        return [[self.ws.cell(r, c) for c in range(self.column, self.last_column + 1)]
                for r in range(self.row, self.last_row + 1)]

    @property
    def value(self):  # as xlwings gives it: a scalar, a row or column as a list, or rows
        values = [[c.value for c in row] for row in self.cells()]
        if len(values) == 1:
            return values[0][0] if len(values[0]) == 1 else values[0]
        return values if len(values[0]) > 1 else [row[0] for row in values]

    @property
    def ndim2(self):
        return [[c.value for c in row] for row in self.cells()]

    @value.setter
    def value(self, value):
        rows = value if isinstance(value, list) else [[value]]
        for r, row in enumerate(rows, self.row):
            for c, v in enumerate(row, self.column):
                cell = self.ws.cell(r, c)
                cell.value = v  # as Excel takes it: "=…" a formula, "'…" the text after the ', and a
                if isinstance(v, str) and v.startswith("'"):  # text that reads as a number the number
                    cell.value, cell.data_type = v[1:], "s"
                elif isinstance(v, str) and _number(v) is not None:
                    cell.value = _number(v)

    @property
    def number_format(self):
        return self.ws.cell(self.row, self.column).number_format

    @number_format.setter
    def number_format(self, fmt):
        for row in self.cells():
            for c in row:
                c.number_format = fmt

    def delete(self, shift):
        assert shift == "up" and self.column == 1
        self.ws.delete_rows(self.row, self.last_row - self.row + 1)

    def clear_contents(self):
        for row in self.cells():
            for c in row:
                c.value = None

    def copy(self, destination):  # Excel copies values and formats; rows here, as the editor uses it
        source = self.cells()[0]
        for r in range(destination.row, destination.last_row + 1):
            for c in source:
                target = self.ws.cell(r, c.column, c.value)
                target._style = copy.copy(c._style)

    @property
    def column_width(self):
        return self.ws.column_dimensions[get_column_letter(self.column)].width

    @column_width.setter
    def column_width(self, width):
        for c in range(self.column, self.last_column + 1):
            self.ws.column_dimensions[get_column_letter(c)].width = width

    @property
    def wrap_text(self):
        return self.ws.cell(self.row, self.column).alignment.wrap_text

    @wrap_text.setter
    def wrap_text(self, wrap):
        for row in self.cells():
            for c in row:
                c.alignment = Alignment(**{**dict(copy.copy(c.alignment)), "wrapText": wrap})

    @property
    def formula(self):  # as Excel's Formula property: "=…" for a formula, a constant as its text
        rows = tuple(tuple("" if c.value is None else str(c.value) for c in row) for row in self.cells())
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    @formula.setter
    def formula(self, text):
        assert (self.row, self.column) == (self.last_row, self.last_column) and text.startswith("=")
        self.ws.cell(self.row, self.column).value = text

    @property
    def formula_array(self):
        return self.ws.cell(self.row, self.column).value

    @formula_array.setter
    def formula_array(self, text):
        ref = f"{get_column_letter(self.column)}{self.row}:{get_column_letter(self.last_column)}{self.last_row}"
        self.ws.cell(self.row, self.column).value = ArrayFormula(ref, text)

    def address(self):
        return f"{get_column_letter(self.column)}{self.row}:{get_column_letter(self.last_column)}{self.last_row}"


class Table:
    def __init__(self, ws, table):
        self.ws, self.table = ws, table

    @property
    def range(self):
        return Range(self.ws, self.table.ref)

    def resize(self, rng):
        self.table.ref = rng.address()
        columns = self.table.tableColumns  # Excel names the columns it gains by their headers' text
        for c in range(rng.column + len(columns), rng.last_column + 1):
            columns.append(TableColumn(id=max(t.id for t in columns) + 1, name=self.ws.cell(rng.row, c).value))


class Sheet:
    def __init__(self, book, ws):
        self.book, self.ws, self.name = book, ws, ws.title
        self.api = SimpleNamespace(Unprotect=lambda: setattr(ws.protection, "sheet", False),
                                   Protect=lambda **allow: setattr(ws.protection, "sheet", True))
        self.page_setup = SimpleNamespace(print_area=None)

    def range(self, first, last=None):
        return Range(self.ws, first, last)

    @property
    def used_range(self):
        return Range(self.ws, (1, 1), (self.ws.max_row, self.ws.max_column))

    @property
    def tables(self):
        return [Table(self.ws, t) for t in self.ws.tables.values()]

    def copy(self, before, name):
        wb = self.book.wb
        new = wb.copy_worksheet(self.ws)
        new.title = name
        wb.move_sheet(new, wb.index(before.ws) - wb.index(new))
        return Sheet(self.book, new)

    def delete(self):
        del self.book.wb[self.name]


class App:
    def __init__(self, answer):
        self.alerts, self.answer = [], answer
        self.calculation, self.screen_updating = "automatic", True

    def alert(self, prompt, title=None, buttons="ok"):
        self.alerts.append(prompt)
        return self.answer if buttons != "ok" else "ok"


class Book:
    def __init__(self, path, answer="yes"):
        self.path, self.fullname = path, str(path)
        self.wb = openpyxl.load_workbook(path)
        self.app = App(answer)

    @property
    def sheets(self):
        book = self

        class Sheets:
            def __getitem__(self, name):
                return Sheet(book, book.wb[name])

            def __iter__(self):
                return iter([Sheet(book, ws) for ws in book.wb.worksheets])
        return Sheets()

    @property
    def names(self):
        wb = self.wb
        return SimpleNamespace(add=lambda name, refers_to: wb.defined_names.__setitem__(
            name, DefinedName(name, attr_text=refers_to.removeprefix("="))))

    def save(self):
        self.wb.save(self.path)


@pytest.fixture
def excel(monkeypatch):
    """Run a macro as Excel would, on the workbook at a path; returns its message boxes."""
    def run(macro, path, answer="yes"):
        book = Book(path, answer)
        monkeypatch.setattr(xw.Book, "caller", staticmethod(lambda: book), raising=False)
        macro()
        assert book.app.calculation == "automatic" and book.app.screen_updating
        return book.app.alerts
    return run


def test_the_close_macro_does_what_the_command_does(tmp_path, excel):
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    _, twin = closed_by_both(path, excel)
    mine, theirs = openpyxl.load_workbook(path), openpyxl.load_workbook(twin)
    assert mine.sheetnames == theirs.sheetnames
    for ws in (mine["2026-11 客服职级"], theirs["2026-11 客服职级"]):
        assert [c.value for c in ws[3][:3]] == [1002, "李伟", "初级客服"] and ws["B1"].value.month == 11
    assert formulas(mine["2026-11 客服职级"]) == formulas(theirs["2026-11 客服职级"])
    assert (tmp_path / "dept-archive" / "2026-10.xlsx").exists()
    assert len(list((tmp_path / "dept-backups").iterdir())) == 1

    (message,) = excel(macros.LADDERBOOK_APPLY_MOVES, path)
    assert "1002: 初级客服 → 中级客服" in message
    apply_moves.apply_file(twin)
    for name in ("员工名册", "调动记录"):
        mine = [r for r in openpyxl.load_workbook(path, read_only=True)[name].iter_rows(values_only=True)]
        theirs = [r for r in openpyxl.load_workbook(twin, read_only=True)[name].iter_rows(values_only=True)]
        assert mine == theirs


def test_the_next_close_lists_the_blank_inputs_and_changes_nothing(tmp_path, excel):
    path = department(tmp_path, {})
    excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    before = path.read_bytes()
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "2026-11 not closed" in message and "not filled in yet" in message  # the new month: nothing typed
    assert path.read_bytes() == before


def test_the_close_macro_places_an_archive_a_killed_close_left_without_its_line(tmp_path, excel):
    """Excel saved the closed workbook, then the macro was stopped before the archive's line:
    the next close, here the macro's, places the archive (History holds its month)."""
    path = department(tmp_path, {})
    excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    folder = tmp_path / "dept-archive"
    (folder / "2026-10.xlsx").rename(folder / ".~ladderbook-2026-10.xlsx")
    (folder / "SHA256SUMS").unlink()
    excel(macros.LADDERBOOK_CLOSE_MONTH, path)  # November, not filled in: nothing closed
    assert (folder / "2026-10.xlsx").exists() and not (folder / ".~ladderbook-2026-10.xlsx").exists()
    assert (folder / "SHA256SUMS").read_text().endswith("  2026-10.xlsx\n")


def test_closing_a_month_again_asks_first(tmp_path, excel):
    path = department(tmp_path, {})
    excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    wb = openpyxl.load_workbook(path)  # October put back, with another coefficient
    wb["2026-11 客服职级"].title = "2026-10 客服职级"
    wb["2026-10 客服职级"]["B1"] = wb["2026-10 客服职级"]["B1"].value.replace(month=10)
    wb["2026-10 客服职级"]["D3"] = 1.3
    wb.save(path)
    before = path.read_bytes()
    asked, answer = excel(macros.LADDERBOOK_CLOSE_MONTH, path, answer="no")
    assert "History already holds 2026-10" in asked and answer == "未改动 | Nothing changed"
    assert path.read_bytes() == before
    asked, answer = excel(macros.LADDERBOOK_CLOSE_MONTH, path, answer="yes")
    assert "2026-10 closed" in answer and "replacing 1" in answer
    assert [(r["月份"].month, r["得分"]) for r in history_rows(path)] == [(9, 1.2), (10, 1.3)]


def test_a_macro_runs_the_collector_less_often_and_leaves_excels_python_as_it_was(
        tmp_path, excel, monkeypatch, pythons_defaults):
    """The month end holds History's rows to its end (`workbook/collector.py`); Excel's Python
    process goes on after the macro, with its own thresholds."""
    path = department(tmp_path, {})
    planning, during = close.plan, []
    monkeypatch.setattr(close, "plan", lambda *a, **k: during.append(gc.get_threshold()) or planning(*a, **k))
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "2026-10 closed" in message
    assert during == [THRESHOLDS] and gc.get_threshold() == pythons_defaults


def test_problems_come_back_as_a_message_not_a_traceback(tmp_path, excel, monkeypatch):
    path = department(tmp_path, {})
    monkeypatch.setattr(close, "plan", lambda *a, **k: 1 / 0)
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert message.startswith("出错") and "division by zero" in message


def formulas(ws) -> list[tuple[str, str]]:
    return [(c.value.ref, c.value.text) for row in ws.iter_rows() for c in row if isinstance(c.value, ArrayFormula)]


def test_the_close_macro_builds_the_next_month_as_the_command_does_for_any_ladder_size(tmp_path, excel):
    """One builder for the next month's sheets: the macro, too, sizes every array formula to the
    ladder's people and the blank rows under them (150 + 150 / 20 rounded up, but at least 10),
    past the template's 100 rows (it used to refuse)."""
    people = 150
    roster = pd.DataFrame([{"employee": 2000 + i, "name": f"员工{i}", "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2024-01-01")} for i in range(people)])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-10-01"), "employee": 2000 + i, "score": 1.2}
                            for i in range(people)])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_grade"]).save(path)
    _, twin = closed_by_both(path, excel)
    mine, theirs = (openpyxl.load_workbook(p)["2026-11 客服职级"] for p in (path, twin))
    assert formulas(mine) == formulas(theirs) and formulas(mine)[0][0].endswith(f"{people + 10 + 2}")
    assert [c.value for c in mine["A"][2:]] == [c.value for c in theirs["A"][2:]] == [*range(2000, 2000 + people)] + [
        None] * 10


def test_the_close_macro_writes_a_name_starting_with_equals_as_text(tmp_path, excel):
    roster = pd.DataFrame([{"employee": 1003, "name": "=1+1", "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2026-05-01")}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-10-01"), "employee": 1003, "score": 1.2}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_grade"]).save(path)
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "2026-10 closed" in message, message
    cell = openpyxl.load_workbook(path, read_only=True)["2026-11 客服职级"]["B3"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_the_close_macro_keeps_an_id_with_leading_zeros_the_text_it_is(tmp_path, excel):
    """Roster id 000123: the macro puts it on November's sheet as text (with Excel's prefix '),
    not as 123, which Excel would make of it and which is no one on the roster."""
    path = zero_padded(tmp_path)
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "2026-10 closed" in message, message
    cell = openpyxl.load_workbook(path, read_only=True)["2026-11 客服职级"]["A3"]
    assert (cell.value, cell.data_type) == ("000123", "s")


def test_the_close_macro_grows_historys_table_and_not_another_table_beside_it(tmp_path, excel):
    """As the command does (test_close): History's Table grows by October's two rows, to row 5;
    HR's Table of codes beside it, which also ends on row 3, stays BA1:BB3."""
    path = small(tmp_path)
    _with_side_table(path)
    excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    after = {t.displayName: t.ref for t in openpyxl.load_workbook(path)["历史记录"].tables.values()}
    assert after["Codes"] == "BA1:BB3" and after["History"].endswith("5")


def test_the_macro_and_the_command_start_the_next_month_with_hrs_template_columns_alike(tmp_path, excel):
    """HR added 备注 after our columns on the 客服职级 template: Excel's macro copies the template,
    the command builds the sheet; both next-month sheets have the same header row, 备注 last."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    template.cell(2, template.max_column + 1, "备注\nNotes")
    wb.save(path)
    _, twin = closed_by_both(path, excel)
    mine, theirs = ([c.value for c in openpyxl.load_workbook(p, read_only=True)["2026-11 客服职级"][2]]
                    for p in (path, twin))
    assert mine == theirs and mine[-1] == "备注\nNotes"


def test_the_close_macro_refuses_a_template_whose_columns_moved_and_changes_nothing(tmp_path, excel):
    """备注 inserted among our columns on the template: the macro, which copies the template and
    writes the built sheet's formulas by column, says so and changes nothing (it wrote them one
    column off their headers)."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    wb = openpyxl.load_workbook(path)
    wb["模板-客服职级"].insert_cols(4)
    wb["模板-客服职级"].cell(2, 4, "备注")
    wb.save(path)
    before = path.read_bytes()
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "has '备注' in column D, where ladderbook's '绩效系数' belongs" in message, message
    assert path.read_bytes() == before and not (tmp_path / "dept-archive").exists()


def test_the_close_macro_refuses_a_ladder_without_a_template_which_the_command_builds(tmp_path, excel):
    """A ladder HR added to the policy (销售客服, its first person hired in November) has no
    template for the macro to copy November's sheet from: the macro says so and changes
    nothing; the command closes October, building November's sheet and the template, and lays
    the dashboard out anew with the ladder on it."""
    path = small(tmp_path)
    _with_a_sales_ladder(path, hired=dt.datetime(2026, 11, 5))
    before = path.read_bytes()
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert message.split(" | ")[1].startswith(
        "the ladder 'Sales service' has no template '模板-销售客服' (a ladder added to the policy): the month-end "
        "macro copies the template for the month's sheet, so it does not run; close this month once with the "
        "command ladderbook close-month"), message
    assert path.read_bytes() == before
    closed = close.close_file(path)
    assert (closed.rebuilt, closed.dashboard) == (["模板-销售客服"], "看板")
    assert {rung: n for rung, n in headcount(path).items() if rung.startswith("销售客服")} == {"销售客服·销售-初级": 1}  # 1003
    names = openpyxl.load_workbook(path).sheetnames
    assert names.index("2026-11 销售客服") + 1 == names.index("模板-销售客服") == names.index("历史记录") - 1


def closed_by_both(path, excel):
    """The workbook closed by the macro, and its twin (a copy made first) by the command:
    (the macro's message, the twin), History the same in both."""
    twin = path.parent / "twin" / path.name
    twin.parent.mkdir()
    shutil.copy(path, twin)
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "2026-10 closed" in message, message
    close.close_file(twin)
    assert history_rows(path) == history_rows(twin)
    return message, twin


def test_a_dashboard_laid_out_for_an_older_policy_is_laid_out_anew_by_the_close_and_said_by_the_macro(tmp_path,
                                                                                                      excel):
    """The outcome 保持 (stay) renamed 维持 in the policy sheet: the command's close lays the
    dashboard out anew, its outcomes' header with it; Excel's macro, which cannot lay out charts,
    says to run start-month."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    for row in wb["政策"].iter_rows():
        for cell in row:
            if cell.value == "保持":
                cell.value = "维持"
    wb.save(path)
    message, twin = closed_by_both(path, excel)
    assert "laid out for the policy as it was" in message and "ladderbook start-month" in message
    heads = [[c.value for c in next(row for row in openpyxl.load_workbook(p, read_only=True)["看板"].iter_rows()
                                    if row[0].value == "序列\nLadder")] for p in (path, twin)]
    assert "保持" in heads[0] and "维持" in heads[1]


def test_the_close_macro_gives_history_a_column_it_lacks_as_the_command_does(tmp_path, excel):
    """History made before the close froze 薪酬增减(元) and 距可晋升(月) (its last two columns
    removed): the macro and the command both put back the one October fills (1002: 0, 1001:
    150 + 2 × 30 = 210; no one is months from eligible) after History's last header, widen
    History's Table over it and fill October's rows."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    assert str(ws.cell(1, 47).value).startswith("薪酬增减(元)")
    ws.delete_cols(47, 2)
    for letter in ("AU", "AV"):  # and their widths
        del ws.column_dimensions[letter]
    ws.tables["History"].ref = "A1:AT3"
    del ws.tables["History"].tableColumns[-2:]
    wb.save(path)
    message, twin = closed_by_both(path, excel)
    assert "columns added to History: 薪酬增减(元)" in message
    for book in (path, twin):
        ws = openpyxl.load_workbook(book)["历史记录"]
        assert (ws.cell(1, 47).value, ws.cell(1, 48).value) == ("薪酬增减(元)\nPay adjustment (CNY)", None)
        assert ws.cell(1, 47).alignment.wrap_text and ws.column_dimensions["AU"].width == 14  # as AT's
        table = ws.tables["History"]
        assert table.ref == "A1:AU5" and table.tableColumns[-1].name == ws.cell(1, 47).value
        assert [(ws.cell(r, 2).value, ws.cell(r, 47).value) for r in range(2, 6)] == [
            (1001, None), (1002, None), (1002, 0), (1001, 210)]


def test_the_close_macro_brings_the_dropdown_lists_up_to_the_policy_as_the_command_does(tmp_path, excel):
    """HR removes the ladder 审核助理 (no one on it) from the policy sheet: the macro and the
    command both write the lists of ladders and levels anew, one shorter (7 → 6 ladders, 24 →
    23 levels), the last cell of each emptied and its defined name one row shorter."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["政策"]
    for row in sorted((c.row for c in ws["A"] if c.value == "review_assistant"  # its ladder and its rung,
                       and ws.cell(c.row, 4).value in (None, "review_assistant")), reverse=True):  # not its role
        ws.delete_rows(row)
    wb.save(path)
    message, twin = closed_by_both(path, excel)
    assert "dropdown lists brought up to the policy: LadderNames, LevelNames" in message
    for book in (path, twin):
        wb = openpyxl.load_workbook(book)
        lists = [[c.value for c in row] for row in wb["列表"].iter_rows(min_row=2, max_col=2)]
        assert "审核助理" not in [v for row in lists for v in row]
        assert [len([v for v in column if v]) for column in zip(*lists)] == [6, 23]
        assert lists[6][0] is None and (len(lists) < 24 or lists[23][1] is None)
        assert wb.defined_names["LadderNames"].attr_text == "'列表'!$A$2:$A$7"
        assert wb.defined_names["LevelNames"].attr_text == "'列表'!$B$2:$B$24"


def test_the_close_macro_writes_todays_formulas_into_a_dashboard_an_older_ladderbook_wrote(tmp_path, excel):
    """tests/data/chinese-dashboard-edb34a9.xlsx (test_close): Excel's macro writes into the
    dashboard's 95 count cells and its empty A3 the formulas the command writes, reading the old
    ones through Excel's Formula property; HR's note in D3 and the month typed into B2 stay."""
    path = older_dashboard(tmp_path)
    twin = tmp_path / "twin" / "dept.xlsx"
    twin.parent.mkdir()
    shutil.copy(path, twin)
    (message,) = excel(macros.LADDERBOOK_CLOSE_MONTH, path)
    assert "the dashboard's formulas brought up to this version: 看板, 96 cells" in message
    assert "the dashboard's formulas brought up to this version: 看板, 96 cells" in close.close_file(twin).text()
    mine, theirs = (openpyxl.load_workbook(p)["看板"] for p in (path, twin))
    written = [{c.coordinate: c.value for row in ws.iter_rows() for c in row if c.data_type == "f"}
               for ws in (mine, theirs)]
    assert len(written[0]) == 96 and written[0] == written[1]
    assert '"cs_grade"' in mine["B7"].value and "Intermediate CS" in mine["B7"].value  # counted by id and English name
    assert (mine["B2"].value, mine["D3"].value) == (dt.datetime(2026, 10, 1), "王经理已核对 2026-11-02")
