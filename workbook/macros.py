"""The month-end macros in Excel: close the month and apply the decisions on the open workbook.

Each `@excel_macro` is an xlwings script, a VBA Sub once HR clicks "Import Functions" (the
workbook's xlwings.conf lists this module after xlfuncs.udfs), so they run from the Macros
dialog or a button. They carry out the same plan as the command line (`workbook.close`,
`workbook.apply_moves`) through Excel itself, so charts, buttons and everything else in the
workbook stay as they are. The file on disk before the run is kept as a backup, and the
workbook is saved at the end; what went wrong, if anything, comes back in a message box.
"""

from __future__ import annotations

from pathlib import Path

import xlwings as xw
from openpyxl import Workbook
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.worksheet.formula import ArrayFormula

from xlfuncs import schema, session
from xlfuncs.excel import excel_macro
from xlfuncs.excel_book import XlwingsBook

from . import apply_moves, archive, close, files, writes
from .collector import collecting_less
from .next_month import formulas_up
from .sheets.month import month_sheet
from .sheets.style import TEMPLATE_ROWS, Names, month_rows
from .sheets.tables import list_range

MAX_LINES = 25  # a message box shows the first problems; the rest are counted


class ExcelEditor:
    """The edits of a plan on a workbook open in Excel (xlwings)."""

    def __init__(self, xl_book, lang: str = "zh", policy=None):
        self.book, self.names, self.policy = xl_book, Names(lang), policy

    def delete_rows(self, sheet, first, count):
        self.book.sheets[sheet].range(f"{first}:{first + count - 1}").delete(shift="up")

    def write_rows(self, sheet, first, rows, like_row):
        ws = self.book.sheets[sheet]
        width = max(map(len, rows), default=0)
        if not width:
            return
        ws.range((first, 1)).value = [[_as_typed(v) for v in row] + [None] * (width - len(row)) for row in rows]
        for c in range(1, width + 1):
            ws.range((first, c), (first + len(rows) - 1, c)).number_format = ws.range((like_row, c)).number_format

    def set_cell(self, sheet, row, column, value):
        self.book.sheets[sheet].range((row, column)).value = _as_typed(value)

    def set_formula(self, sheet, row, column, formula):
        self.book.sheets[sheet].range((row, column)).formula = f"={formula}"

    def fit_table(self, sheet, first, last_row):
        ws = self.book.sheets[sheet]
        tables = list(ws.tables)
        boxes = [(t.range.row, t.range.column, t.range.last_cell.row, t.range.last_cell.column) for t in tables]
        found = files.rows_table(boxes, first)
        if found is not None:
            top, left, _, right = boxes[found]
            tables[found].resize(ws.range((top, left), (max(last_row, top + 1), right)))

    def write_list(self, sheet, column, name, items, old):
        """A dropdown's list written anew under its name, the rest of a longer old one emptied,
        its defined name set over it."""
        ws = self.book.sheets[sheet]
        if old > len(items):
            ws.range((len(items) + 2, column), (old + 1, column)).clear_contents()
        ws.range((2, column)).value = [[item] for item in items]
        self.book.names.add(name, f"={list_range(sheet, column, len(items))}")  # Excel replaces the old

    def add_columns(self, sheet, row, first, headers):
        """The headers beside the header row; the Table headed there and ending left of them
        resized over them (Excel names a Table's new columns by the text of their headers)."""
        ws = self.book.sheets[sheet]
        beside = [(t, t.range) for t in ws.tables if t.range.row == row and t.range.last_cell.column == first - 1]
        heads = ws.range((row, first), (row, first + len(headers) - 1))
        heads.value = [list(headers)]  # Excel may widen the Table itself, as it does for typing
        heads.wrap_text = True  # "zh\nen" on two lines, as the headers beside
        heads.column_width = ws.range((row, first - 1)).column_width
        for table, box in beside:
            table.resize(ws.range((box.row, box.column), (box.last_cell.row, first + len(headers) - 1)))

    def print_rows(self, sheet, first, last):
        ws = self.book.sheets[sheet]
        ws.page_setup.print_area = f"$A${first}:${get_column_letter(ws.used_range.last_cell.column)}${last}"

    def add_month_sheet(self, ladder, title, month, people, own=(), looks=None):
        """The ladder's month sheet as the command line builds it (`sheets.month.month_sheet`,
        the one builder): Excel copies the template for its look (HR's `own` columns after ours
        with it), then takes the built sheet's month, people and array formulas, each over
        the ladder's rows and the blank ones under them (`month_rows`); the template's last row
        is copied down for a ladder longer than the template, extra rows removed. The close
        checked the template's columns are where the built sheet has them (`Plan.templates_off`).
        (`looks`: the copy has the template's column widths already.)"""
        built = month_sheet(Workbook(), self.policy, ladder, title, month, people, self.names.lang)
        template = self.book.sheets[self.names.template(ladder)]
        ws = template.copy(before=template, name=title)
        ws.api.Unprotect()
        arrays = [(c.row, c.column, c.value) for row in built.iter_rows() for c in row
                  if isinstance(c.value, ArrayFormula)]
        for row, column, formula in arrays:  # the template's arrays cover TEMPLATE_ROWS rows
            right = range_boundaries(formula.ref)[2]
            ws.range((row, column), (TEMPLATE_ROWS + 2, right)).clear_contents()
        rows, last = month_rows(len(people)), TEMPLATE_ROWS + 2
        if rows > TEMPLATE_ROWS:
            ws.range(f"{last}:{last}").copy(ws.range(f"{last + 1}:{rows + 2}"))
        elif rows < TEMPLATE_ROWS:
            ws.range(f"{rows + 3}:{last}").delete(shift="up")
        ws.range("B1").value = month
        header = [c.value for c in built[2]]
        who = {key: pos + 1 for pos, key in schema.match_headers(schema.ROSTER, header)[0].items()
               if key in ("employee", "name", "level")}
        for key, column in who.items():  # a column in one call
            ws.range((3, column)).value = [[_as_typed(built.cell(r, column).value)] for r in range(3, len(people) + 3)]
        for row, column, formula in arrays:
            left, top, right, bottom = range_boundaries(formula.ref)
            ws.range((top, left), (bottom, right)).formula_array = formula.text
        ws.api.Protect(AllowFormattingColumns=True, AllowFormattingRows=True, AllowSorting=True,
                       AllowFiltering=True)  # as the built sheet's protection allows

    def delete_sheet(self, sheet):
        self.book.sheets[sheet].delete()


@excel_macro
def LADDERBOOK_CLOSE_MONTH():
    """月结：校验月度表、存入历史记录、归档、开始下月 | Close the month: validate, freeze, archive, start the next."""
    _run(_close)


@excel_macro
def LADDERBOOK_APPLY_MOVES():
    """执行已结账月份的调动决定 | Apply the promotions and demotions decided on the closed month."""
    _run(_apply)


def _run(step) -> None:
    """Run `step(book, path)` on the calling workbook with Excel's recalculation and screen
    updates paused; any failure comes back as a message, never a traceback."""
    xl_book = xw.Book.caller()
    app = xl_book.app
    path = Path(xl_book.fullname)
    if not path.exists():
        app.alert("请先保存工作簿 | Save the workbook first", "ladderbook")
        return
    calculation, app.screen_updating = app.calculation, False
    app.calculation = "manual"
    try:
        with collecting_less():
            message = step(xl_book, path)
    except Exception as err:  # noqa: BLE001 (a message box is the only place left to say it)
        message = f"出错，工作簿可能未完整保存，请勿保存并重新打开 | Failed: {err}"
    finally:
        session.forget(xl_book)  # the functions read what the macro wrote, not what was before
        app.calculation = calculation
        app.screen_updating = True
    app.alert(_shorten(message), "ladderbook")


def _close(xl_book, path: Path) -> str:
    source = XlwingsBook(xl_book)
    # an archive a killed close (this macro's or the command's) left under its temporary name
    archive.repair(archive.archive_folder(path), lambda: close.closed_months(source), path.stat().st_mode)
    the_plan = close.plan(source)
    if the_plan.in_history:
        answer = xl_book.app.alert(f"{the_plan.problems[0]}\n\n重新结账并替换该月的行？| Close it again, "
                                   f"replacing that month's rows?", "ladderbook", buttons="yes_no")
        if answer != "yes":
            return "未改动 | Nothing changed"
        the_plan = close.plan(source, replace=True)
    if the_plan.problems:
        return close.Closed(the_plan).text()
    if the_plan.templates_off:  # it copies the templates: formulas would land under the wrong headers
        return "\n".join(str(stale.problem) for stale in the_plan.templates_off)
    target, problem = archive.archive_target(path, the_plan, replace=bool(the_plan.delete))  # a close again
    if problem:
        return str(problem)
    backup = writes.backup(path)
    editor = ExcelEditor(xl_book, the_plan.lang, the_plan.policy)
    dashboard = formulas_up(editor, the_plan.dashboard)  # first: on a sheet HR protected it fails before any edit
    the_plan.carry_out(editor)
    pending = target.with_name(f"{writes.PREFIX}{target.name}")
    target.parent.mkdir(exist_ok=True)
    archive.write_archive(the_plan, pending)
    xl_book.save()
    digest = archive.place_archive(pending, target, path.stat().st_mode)
    return close.Closed(the_plan, target, digest, backup, dashboard=dashboard, by_excel=True).text()


def _apply(xl_book, path: Path) -> str:
    the_plan = apply_moves.plan(XlwingsBook(xl_book))
    if the_plan.problems or the_plan.moves.empty:
        return the_plan.text()
    backup = writes.backup(path)
    the_plan.carry_out(ExcelEditor(xl_book))
    xl_book.save()
    return f"{the_plan.text()}\n备份 | backup: {backup}"


def _as_typed(value):
    """A value as Excel takes it typed: a text Excel would read as a formula (=, +, - or @
    first) or as a number (an id 000123) gets Excel's text prefix ', so a name, an approver or
    an id stays the text it is."""
    if isinstance(value, str) and (value[:1] in ("=", "+", "-", "@") or _numeric(value)):
        return f"'{value}"
    return value


def _numeric(text: str) -> bool:
    """Whether Excel reads the text, typed, as a number (000123, 1e3): Python's reading of a
    number, which is Excel's for these plain forms."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def _shorten(text: str) -> str:
    lines = text.splitlines()
    if len(lines) <= MAX_LINES:
        return text
    return "\n".join(lines[:MAX_LINES] + [f"… +{len(lines) - MAX_LINES}"])
