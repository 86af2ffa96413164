"""The month's archive: the closed month sheets as values and the review of everyone on them,
as a workbook HR can read, placed beside the department workbook with its SHA-256 in the
folder's manifest, never overwritten."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import stat
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from xlfuncs import book, schema, values
from xlfuncs.excel import computed_columns
from xlfuncs.policy import Policy
from xlfuncs.problems import Problem
from xlfuncs.rules import Review, item_fields

from . import files, sheet_xml, writes
from .edits import id_cell
from .report import review_header
from .sheets.style import DATE, MONTH, Names, print_setup, typed
from .text_width import LINE_HEIGHT, cell_width, display_width, line_count, wide

if TYPE_CHECKING:  # the close's plan, which the archive is made from
    from .close import Plan


WRAP_AT = 24  # characters: a longer text (the unmet criteria, the reasons) wraps in its column
HEADER_LINES = 4  # a header's Chinese and English, each wrapped into two at most
MANIFEST = "SHA256SUMS"  # the archive folder's checksums, as `sha256sum -c` reads them
REPLACED = ".replaced-"  # 2026-10.replaced-20261101-093000.xlsx: an archive a --replace close replaced, kept
# The archive's review sheet: columns of the review table, headed as `report.review_header` says.
REVIEW_COLUMNS = ("name", "ladder", "level", "next_level", "tenure_months", "months_in_level", "score",
                  "average", "cycle_average", "outcome", "eligible", "reasons", "raise_min", "raise_max",
                  "demotion_due", "demotion_reasons", "training_required", "training_reasons",
                  "pay_adjust", "pay_detail", "problem")


def archive_sheets(source: book.Source, out: Plan, review: Review, results: pd.DataFrame,
                   policy: Policy) -> dict[str, list[list]]:
    """The month sheets as values, their computed columns holding the results, their titles
    naming the ladder without its id, and the review of everyone on them."""
    computed = {values.fold(name): f"result:{c.key}" for c in computed_columns() for name in (c.zh, c.en)}
    names = Names(out.lang)
    titles = {names.month_title(ladder): names.month_title(ladder, with_id=False) for ladder in policy.ladders}
    sheets = {}
    everyone = []
    for name in out.closed:
        cells = [list(row or []) for row in source.values(name)]
        (header, mapping), _ = book.find_header(schema.RECORDS, cells, name, item_fields(policy),
                                                {"month": None})
        for row in cells[:header - 1]:  # above the header: the title the month sheet was built with
            row[:] = [titles.get(v, v) if isinstance(v, str) else v for v in row]
        employee = next(pos for pos, key in mapping.items() if key == "employee")
        replace = {pos: next((computed[p] for p in schema.header_parts(h) if p in computed), None)
                   for pos, h in enumerate(cells[header - 1])}
        ids = [values.employee_id(row[employee]) if employee < len(row) else None for row in cells[header:]]
        kept = [row for row, emp in zip(cells[header:], ids) if emp not in (None, values.INVALID)]
        ids = [emp for emp in ids if emp not in (None, values.INVALID)]
        everyone += ids
        frozen = results.reindex(ids).astype(object)  # the results, column by column
        frozen = frozen.where(frozen.notna(), None)  # someone without any: blank
        for pos, key in replace.items():
            if key:
                for row, value in zip(kept, frozen[key].tolist()):
                    if pos < len(row):
                        row[pos] = value
        sheets[name] = cells[:header] + kept
    t = review.table.loc[[e for e in everyone if e in review.table.index]]
    head = [names.header(zh, en) for zh, en in [(schema.EMPLOYEE.zh, schema.EMPLOYEE.en),
                                                 *map(review_header, REVIEW_COLUMNS)]]
    shown = {c: review.worded(c, out.lang).loc[t.index] for c in REVIEW_COLUMNS}  # reasons in the workbook's words
    shown.update({"ladder": t["ladder"].map(names.ladders(policy)),  # names, not ids, as the workbook writes them
                  **{c: pd.Series(names.levels_of(policy, t["ladder"], t[c]), t.index)
                     for c in ("level", "next_level")}})
    columns = [[id_cell(emp) for emp in t.index]] + [[_plain(v, names) for v in shown[c].tolist()]
                                                      for c in REVIEW_COLUMNS]
    body = [list(row) for row in zip(*columns)]
    sheets[_review_sheet(names, out.label)] = [head] + body
    return sheets


def _review_sheet(names: Names, label: str) -> str:
    """The archive's sheet of the month's review: 评审结果 Review 2026-10 (評審結果 in a Traditional workbook)."""
    return f"{names.chinese('评审结果')} Review {label}"


def _plain(value, names: Names):
    """A review value as the archive shows it: yes/no as words, problems as their text."""
    if isinstance(value, (bool, np.bool_)):
        return names.yes_no(value)
    if isinstance(value, Problem):
        return names.chinese(str(value))
    if value is None or (not isinstance(value, (str, list)) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def write_archive(plan: Plan, path: Path) -> None:
    """The archive workbook of a close: values only, one sheet per month sheet and the review,
    laid out to print one page wide (A3 landscape, each row of HR's on one line across): each
    column as wide as its values, a longer text and the two-line headers wrapped within it, each
    row as tall as its wrapped lines. openpyxl writes the workbook with the sheets' title and
    header rows; the rows under them, a quarter of a million cells at 5,000 employees, are put
    into its sheets' XML as `sheet_xml` writes cells, in the styles registered here."""
    wb = openpyxl.Workbook(write_only=True)
    wrap = Alignment(wrap_text=True)  # at the bottom, as the numbers beside it: its last line is theirs
    bodies = {}
    for title, rows in plan.archive.items():
        ws = wb.create_sheet(title[:31])
        header = 2 if title in plan.closed else 1  # the month sheets: a title row above
        widths = _widths(rows, header)
        for col, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(col)].width = width
        print_setup(ws, f"1:{header}")  # as the month sheets print: landscape, headers repeated
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A3  # one page wide: 7 to 9-point text; on A4, 5 to 6
        ws.page_margins = PageMargins(left=0.25, right=0.25, top=0.75, bottom=0.75)  # Excel's "narrow"
        for number, row in enumerate(rows[:header], 1):
            lines = [line_count(v, width) if isinstance(v, str) and number == header else 1
                     for v, width in zip(row, widths)]
            if max(lines, default=1) > 1:  # as tall as its lines: not drawn over the title above
                ws.row_dimensions[number].height = LINE_HEIGHT * max(lines)
            ws.append([_wrapped(ws, v, wrap) if n > 1 else _cell(ws, v) for v, n in zip(row, lines)])
        bodies[ws.title] = (header, rows[header:], widths)
    body = _Body(ws, wrap)  # its styles registered in the workbook through a cell of a sheet, never written
    skeleton = io.BytesIO()
    wb.save(skeleton)
    with zipfile.ZipFile(skeleton) as z, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        parts = files.sheet_parts(z)
        filled = {parts[title]: (title, *rest) for title, rest in bodies.items()}
        for info in z.infolist():
            data = z.read(info)
            if info.filename in filled:
                title, header, rows, widths = filled[info.filename]
                data = sheet_xml.fit_dimension(sheet_xml.append_rows(data, title, body.rows(rows, header + 1, widths)),
                                               title)
            out.writestr(info, data)


class _Body:
    """The archive's rows under the header as sheet XML, each value as `_cell` gives it (a
    wrapped text, a month, a date, a fraction in their styles), made once per distinct value."""

    def __init__(self, ws, wrap: Alignment):
        def style(**look) -> str:
            cell = WriteOnlyCell(ws)
            for name, value in look.items():
                setattr(cell, name, value)
            return f' s="{cell.style_id}"'
        self.styles = {"wrapped": style(alignment=wrap), MONTH: style(number_format=MONTH),
                       DATE: style(number_format=DATE), "fraction": style(number_format="0.00")}
        self.made = {}

    def rows(self, rows: list[list], first: int, widths: list[int]) -> str:
        letters = [get_column_letter(c) for c in range(1, max(map(len, rows), default=0) + 1)]
        lines_of = functools.cache(line_count)  # a column repeats its texts
        out = []
        for number, row in enumerate(rows, first):
            cells, tallest = [], 1
            for column, (value, width) in enumerate(zip(row, widths)):
                if value is None or value == "":  # a blank cell, not an empty text
                    continue
                lines = lines_of(value, width) if isinstance(value, str) and (
                    len(value) * 2 >= width or "\n" in value) else 1  # else: one line
                tallest = max(tallest, lines)
                key = (type(value), value, lines > 1)
                if key not in self.made:
                    self.made[key] = self._value(value, lines > 1)
                if self.made[key]:
                    cells.append(f'<c r="{letters[column]}{number}"{self.made[key]}</c>')
            height = f' ht="{LINE_HEIGHT * tallest}" customHeight="1"' if tallest > 1 else ""
            out.append(f'<row r="{number}"{height}>{"".join(cells)}</row>')
        return "".join(out)

    def _value(self, value, wrapped: bool) -> str:
        """A cell's XML after its reference ("": none, `sheet_xml.value_cell`): a fraction to two
        decimals (a whole number as it is), a month as 2026-10 and a date as 2026-10-31, a
        wrapped text wrapped."""
        def style(value) -> str:
            if isinstance(value, str):
                return self.styles["wrapped"] if wrapped else ""
            if isinstance(value, dt.date):
                return self.styles[_date_format(value)]
            return "" if float(value).is_integer() else self.styles["fraction"]
        return sheet_xml.value_cell(value, style)


def _cell(ws, value):
    """A title or header value as HR reads it: a month as 2026-10, text that starts with "="
    as text."""
    if isinstance(value, str) and value.startswith("="):
        return typed(WriteOnlyCell(ws), value)
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = _date_format(value)
        return cell
    return value


def _date_format(day: dt.date) -> str:
    """A month's first day shown as the month (2026-10), any other as the date."""
    return MONTH if day.day == 1 else DATE


def _wrapped(ws, text: str, wrap: Alignment) -> WriteOnlyCell:
    cell = typed(WriteOnlyCell(ws), text)
    cell.alignment = wrap
    return cell


def _widths(rows: list[list], header: int) -> list[int]:
    """Each column's width in characters, for the rows under the `header` row (the title above
    it runs over the empty cells beside it): its widest value as shown (a date as 2026-10-01, a
    number as %g, CJK twice as wide), a text up to WRAP_AT (longer ones wrap), at least 6; then
    widened to the header's longest English word and until the header wraps into at most
    HEADER_LINES lines; one more for the margin."""
    def shown(value) -> int:
        if isinstance(value, dt.date):  # as openpyxl formats them
            return 19 if isinstance(value, dt.datetime) else 10
        return cell_width(f"{value:g}" if isinstance(value, float) else value)
    count = max((len(row) for row in rows), default=0)
    padded = [row if len(row) == count else [*row, *[None] * (count - len(row))] for row in rows]
    heads = padded[header - 1] if len(padded) >= header else [None] * count
    out = []
    for head, column in zip(heads, zip(*padded[header:]) if len(padded) > header else [()] * count):
        width = max(min(max((shown(v) for v in _distinct(column)), default=0), WRAP_AT), 6)
        if isinstance(head, str):  # no English word of it broken, in HEADER_LINES at most
            width = max([width, *(display_width(w) for w in head.split() if not wide(w))])
            while line_count(head, width + 1) > HEADER_LINES:
                width += 1
        out.append(width + 1)
    return out


def _distinct(column) -> list:
    """A column's values, each once (a month's column repeats a handful of levels and scores
    thousands of times); 1 and True apart."""
    try:
        return [v for _, v in {(type(v), v) for v in column}]
    except TypeError:  # something unhashable: every value
        return list(column)


def archive_folder(path: Path) -> Path:
    return path.with_name(f"{path.stem}-archive")


def archive_target(path: Path, the_plan: Plan, replace: bool) -> tuple[Path, Problem | None]:
    """Where the month's archive goes, and the problem if one is there already and may not
    be replaced."""
    target = archive_folder(path) / f"{the_plan.label}.xlsx"
    if target.exists() and not replace:
        return target, Problem(
            f"归档文件 {target} 已存在，未覆盖（加 --replace 重新结账，旧归档会改名保留）",
            f"the archive {target} exists and is not overwritten (--replace closes again and "
            f"keeps the old archive under a new name)")
    return target, None


def repair(folder: Path, closed: Callable[[], set[str]], mode: int) -> list[str]:
    """Archives a killed close left complete under their temporary name, moved into place:
    one its manifest line vouches for (killed between the line and the move), or one of a
    month the workbook shows closed (`closed()`: History holds it, its month sheets are gone)
    without a line of its own (killed between saving the workbook and the line; the archive
    was written before the workbook was replaced). With `--replace` the month's earlier archive
    is there: it is kept under a dated name, as the close would have kept it, or is renamed to
    the dated name its line already has (killed between the lines and that rename). Returns the
    names of the archives placed. What is left is a temporary of a close that did not finish,
    removed once the command ends."""
    manifest = folder / MANIFEST
    placed = []
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []
    vouched = {}
    for line in lines:  # in order: an archive's line renamed to its dated name comes before the new one's
        digest, _, name = line.partition("  ")
        vouched[name] = digest
        pending = folder / f"{writes.PREFIX}{name}"
        if (folder / name).exists():
            continue
        if pending.exists() and _digest(pending) == digest:
            pending.rename(folder / name)
            placed.append(name)
        elif REPLACED in name:  # killed between the lines and keeping the archive replaced: the new one waits
            replaced = folder / f"{name.partition(REPLACED)[0]}{Path(name).suffix}"
            if (folder / f"{writes.PREFIX}{replaced.name}").exists() and replaced.exists() and \
                    _digest(replaced) == digest:
                replaced.rename(folder / name)
    held = None
    for pending in sorted(folder.glob(f"{writes.PREFIX}*.xlsx")):
        name = pending.name.removeprefix(writes.PREFIX)
        if name in placed or (folder / name).exists() and name not in vouched:
            continue  # an archive there that no line vouches for is not ours to replace
        held = closed() if held is None else held  # History read only if there is something to place
        if Path(name).stem not in held:
            continue
        if _complete(pending):
            place_archive(pending, folder / name, mode)
            placed.append(name)
    return placed


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _complete(path: Path) -> bool:
    """Whether a file is a whole workbook package: every member there, its checksum right."""
    try:
        with zipfile.ZipFile(path) as z:
            return z.testzip() is None and "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def place_archive(pending: Path, target: Path, mode: int, now: dt.datetime | None = None) -> str:
    """Move the new archive into place and record its checksum, both with the workbook's `mode`;
    an archive it replaces is kept under a dated name, and the manifest says so. The manifest's
    lines are written first: a run stopped after them leaves lines naming files not yet moved
    (`repair` moves them), never an archive without its line."""
    manifest = target.parent / MANIFEST
    lines = manifest.read_text(encoding="utf-8").splitlines() if manifest.exists() else []
    kept = None
    if target.exists():
        stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = target.with_name(f"{target.stem}{REPLACED}{stamp}{target.suffix}")
        lines = [f"{line.split('  ', 1)[0]}  {kept.name}" if line.endswith(f"  {target.name}") else line
                 for line in lines]
    digest = _digest(pending)
    lines.append(f"{digest}  {target.name}")
    mode = stat.S_IMODE(mode)
    writes.replace(manifest, lambda temp: temp.write_text("\n".join(lines) + "\n", encoding="utf-8"), mode=mode)
    if kept is not None:  # after the line that names it: a kill between the two is repaired (`repair`)
        target.rename(kept)
    os.chmod(pending, mode)
    pending.rename(target)
    return digest
