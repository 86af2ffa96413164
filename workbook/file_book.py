"""Workbook files on disk, as the rules' `book.Source`.

Cells are read with xlwings' own reader (calamine, in Rust, shipped inside xlwings as
`xlwingslib`): the values a file stores, formulas as their cached values, as xlwings hands them
to Python in Excel (blanks as None, dates as dates or datetimes) and with error cells by name ('#N/A'),
as `err_to_str` gives them. python-calamine reads error cells as empty text, indistinguishable
from a blank (python-calamine issue #105), so a review would take a #N/A for a blank.
The reader parses the shared texts again for every sheet it reads: where they are the rich text
LibreOffice writes, it reads a copy whose texts are plain (`_reading_copy`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import weakref
import zipfile
import zlib
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from openpyxl.cell.cell import ERROR_CODES  # Excel 2007's seven, all the reader knows
from openpyxl.reader.strings import read_string_table
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.functions import fromstring
from xlwings import XlwingsError, xlwingslib

from . import files, formula_text, package, shared_texts, sheet_xml, writes
from .files import Refused

# bytes of shared texts from which they are read from a copy with plain texts (`_reading_copy`): LibreOffice's
# 31 MB cost each sheet read 0.2 s; a copy of the bench workbook costs 0.05 s, the texts' joining 0.15 to 0.25 s
RICH_TEXTS = 1 << 20


class FileBook:
    """A workbook file's sheets and the values its cells store (formulas: their cached values)."""

    def __init__(self, path):
        self.path = Path(path)
        self._read = _reading_copy(self.path)  # what the reader opens
        if self._read != self.path:
            weakref.finalize(self, self._read.unlink, missing_ok=True)
        try:
            self._names = list(xlwingslib.get_sheet_names(str(self._read)))
        except XlwingsError as err:  # what the reader cannot follow of a package (a sheet's id under another prefix)
            raise _unreadable_file(self.path, err) from None
        self._values = {}
        self._kept = {}  # sheet → {key: (what was derived from its values, how it grows)} (`kept`)
        self._percent_styles = None  # the style numbers (as text) whose number format is a percentage

    def sheet_names(self) -> list[str]:
        return list(self._names)

    def values(self, sheet: str) -> list[list]:
        """The sheet's rows from A1, read once: the rules, recalc's formulas and the month close
        all ask for History, its largest sheet. Callers read them and never change them."""
        if sheet not in self._values:
            try:
                with _rust_quiet():
                    rows = xlwingslib.get_sheet_values(str(self._read), self._names.index(sheet), True)
            except XlwingsError as err:
                raise _unreadable_file(self.path, err) from None
            except BaseException as err:  # pyo3's PanicException, not importable, derives from BaseException
                if type(err).__name__ != "PanicException":
                    raise
                raise _unreadable(self.path, sheet, err) from None
            for i, row in enumerate(rows):  # row by row, each let go once made anew: History is not held twice
                rows[i] = [v if v is None or (kind := type(v)) is float else _text(v) if kind is str
                           else _day(v) if kind is dt.datetime else v for v in row]  # None first: most cells
            self._values[sheet] = rows if rows != [[]] else []
        return self._values[sheet]

    def percents(self, sheet: str) -> set[tuple[int, int]]:
        """(row, column) of the sheet's numbers shown as a percentage: typed as 95%, a cell
        reads 0.95 (what the close asks of a month sheet's KPI items). A reader gives values only."""
        with zipfile.ZipFile(self.path) as z:
            if self._percent_styles is None:
                self._percent_styles = _percent_styles(z)
            if not self._percent_styles:
                return set()
            return sheet_xml.numbers_styled(package.member(z, files.sheet_parts(z)[sheet]), self._percent_styles)

    def formulas(self, sheet: str) -> dict[tuple[int, int], str]:
        """The sheet's formulas (without "="), by (row, column) from 1, as its XML holds them
        (a shared formula's cells each with its own text); array formulas left out."""
        with zipfile.ZipFile(self.path) as z:
            xml = package.member(z, files.sheet_parts(z)[sheet]).decode("utf-8")
        return {coordinate_to_tuple(f.cell): f.text for f in formula_text.found(sheet, xml) if not f.array}

    def kept(self, sheet: str, key, make, grow=None):
        """What `make()` derives from the sheet's values (the rules' frame of it, `book.read`),
        made once per reading of them: a month end's recalc step asks again for every frame its
        plan made. `grow(made, values, after)`, if given: the same of the sheet with rows appended
        under Excel row `after`, made from `made` (`carried`)."""
        held = self._kept.setdefault(sheet, {})
        if key not in held:
            held[key] = (make(), grow)
        return held[key][0]

    def carried(self, read_back: dict[str, list], path: Path) -> FileBook:
        """A reader of the file as the month end edited it (written to `path`), which reads
        again only what it must: the values already read of each sheet in `read_back` are carried over,
        with that sheet's changes (`Deleted`, `Put`, as a reader reads them back) made to them,
        and what was derived from a sheet left as it was (`kept`), or grown by the rows appended
        to it. History, the largest sheet, is not read twice for the rows a close appends to it,
        nor framed twice past apply-moves, nor framed again whole past the close."""
        book = FileBook(path)
        book._values = {sheet: _changed(rows, read_back[sheet]) for sheet, rows in self._values.items()
                        if sheet in read_back}
        for sheet, kept in self._kept.items():
            changes, read = read_back.get(sheet), len(self._values[sheet])
            if changes == []:  # unchanged
                book._kept[sheet] = kept
            elif changes and all(isinstance(c, Put) and c.row > read for c in changes):  # rows appended
                book._kept[sheet] = {key: (grow(made, book._values[sheet], read), grow)
                                     for key, (made, grow) in kept.items() if grow is not None}
        return book


def _reading_copy(path: Path) -> Path:
    """What the reader opens for `path`: the file itself, or, where its shared texts are
    rich text of a size the reader's parse of them for each sheet would cost more than a copy
    (LibreOffice's), a copy beside it (ours: `writes.held` removes one a killed run left)
    with each text's runs joined (`shared_texts.plain`), removed when the book is let go. A
    file that cannot be copied (damaged, in a folder we may not write to) is read where it is,
    and the reader refuses a damaged one as before."""
    try:
        with zipfile.ZipFile(path) as z:
            part = shared_texts.part(z)
            texts = shared_texts.plain(package.member(z, part)) \
                if part is not None and z.getinfo(part).file_size >= RICH_TEXTS else None
        if texts is None:
            return path
        copy = writes.temporary_beside(Path(os.path.realpath(path)))  # where `writes.held` looks for ours
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, zlib.error):  # a damaged file, a folder not ours
        return path
    try:
        package.copy(path, copy, {part: texts})
    except BaseException as err:
        copy.unlink(missing_ok=True)
        if isinstance(err, OSError):  # a full disk: read as before
            return path
        raise
    return copy


def _percent_styles(z: zipfile.ZipFile) -> set[str]:
    """The numbers (as a cell's `s` says them) of the package's cell styles whose number format
    shows a percentage: Excel's 0% and 0.00%, or a format with % outside its quoted text."""
    if "xl/styles.xml" not in z.namelist():
        return set()
    sheet = Stylesheet.from_tree(fromstring(z.read("xl/styles.xml")))
    codes = [BUILTIN_FORMATS.get(s.numFmtId, "") if s.numFmtId < BUILTIN_FORMATS_MAX_SIZE
             else sheet.number_formats[s.numFmtId - BUILTIN_FORMATS_MAX_SIZE] for s in sheet.cell_styles]
    return {str(i) for i, code in enumerate(codes) if "%" in re.sub(r'"[^"]*"|\\.', "", code)}


def _text(text: str) -> str | None:
    """A text cell as Excel shows it: _xHHHH_ as the character it stands for (a control
    character, or _x005F_ for a literal underscore: Excel's escaping, which the reader leaves
    as it is); "" (a formula never computed, or one whose answer is empty text) as a blank."""
    if not text:
        return None
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m[1], 16)), text) if "_x" in text else text


@contextmanager
def _rust_quiet():
    """Standard error closed to the reader while it reads: a panic of its Rust code writes its
    own lines there before Python hears of it, and HR is to read one line saying what is wrong."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_TYPED_CELL = r'<c\b[^>]*?\sr="([A-Z]+\d+)"[^>]*?\st="{}"[^>]*>\s*'  # a cell of type t, by its reference
_ERROR_CELL = re.compile(_TYPED_CELL.format("e") + r"<v>([^<]*)</v>")
_SHARED_CELL = re.compile(_TYPED_CELL.format("s") + r"<v\s*(?:/>|>([^<]*)</v>)")  # its number; None: <v/>
_INDEX = re.compile(r"[0-9]+")


def _unreadable_file(path: Path, err: Exception) -> Refused:
    return Refused(f"{path.name} 无法读取（{err}），多为非 Excel 所写：请在 Excel 或 WPS 中打开并另存为 .xlsx 后再用 | "
                   f"{path.name} cannot be read ({err}), most likely not written by Excel: open it in Excel or "
                   f"WPS and save it as .xlsx again first")


def _unreadable(path: Path, sheet: str, err: BaseException) -> Refused:
    """The reader stops at an error value newer than Excel 2007's seven (#SPILL! where a
    dynamic array's range is blocked, #CALC!, #GETTING_DATA…), and at a text cell whose number
    in the shared texts is missing or beyond them (`<v/>`, as some exporters write: calamine
    issue #607): the refusal names the cell."""
    with zipfile.ZipFile(path) as z:
        xml = z.read(files.sheet_parts(z)[sheet]).decode("utf-8")
        found = next((m for m in _ERROR_CELL.finditer(xml) if m[2] not in ERROR_CODES), None)
        broken = _broken_shared_text(z, xml) if found is None else None
    if broken is not None:
        return Refused(f"工作表「{sheet}」的 {broken} 所引用的共享文本不存在，多为非 Excel 所写：请在 Excel 或 WPS 中打开并另存"
                       f"后再用 | the sheet '{sheet}' cell {broken} refers to a shared text the workbook does not have, "
                       f"most likely not written by Excel: open it in Excel or WPS and save it again first")
    if found is None:
        return Refused(f"工作表「{sheet}」无法读取（{err}）| the sheet '{sheet}' cannot be read ({err})")
    cell, code = found.groups()
    return Refused(f"工作表「{sheet}」的 {cell} 是错误值 {code}，读取器不认识：请在 Excel 中改正该单元格（{code} 多为溢出区域"
                   f"被挡住或计算出错）并保存后再用 | the sheet '{sheet}' cell {cell} holds the error {code}, which the "
                   f"reader does not know: correct that cell in Excel (a blocked spill range or a failed calculation) "
                   f"and save, then try again")


def _broken_shared_text(z: zipfile.ZipFile, xml: str) -> str | None:
    """The first text cell of the sheet's XML whose number in the package's shared texts (as
    openpyxl's reader of them counts them) is missing, not a number, or beyond them."""
    part = shared_texts.part(z)
    if part is None:
        texts = 0
    else:
        with z.open(part) as stream:
            texts = len(read_string_table(stream))
    return next((m[1] for m in _SHARED_CELL.finditer(xml)
                 if not m[2] or not _INDEX.fullmatch(m[2]) or int(m[2]) >= texts), None)


class Deleted(NamedTuple):
    first: int  # rows from 1
    count: int


class Put(NamedTuple):
    row: int  # from 1
    column: int
    value: object  # as `values` gives it


def _changed(rows: list[list], changes: list) -> list[list]:
    """A sheet's rows (rectangular, from A1, as read) with `changes` made, in order, in new
    lists: the rows read are shared and never changed."""
    if not changes:
        return rows
    rows, width = list(rows), len(rows[0]) if rows else 0
    mine = set()  # the rows made here, free to change
    for change in changes:
        if isinstance(change, Deleted):
            del rows[change.first - 1:change.first - 1 + change.count]
            continue
        r, c = change.row - 1, change.column - 1
        if c >= width:
            width = c + 1
            rows = [[*row, *[None] * (width - len(row))] for row in rows]
            mine = {id(row) for row in rows}
        while len(rows) <= r:
            rows.append([None] * width)
            mine.add(id(rows[-1]))
        if id(rows[r]) not in mine:
            rows[r] = list(rows[r])
            mine.add(id(rows[r]))
        rows[r][c] = change.value
    return _trimmed(rows) if any(isinstance(change, Deleted) for change in changes) else rows


def _trimmed(rows: list[list]) -> list[list]:
    """Rows without the empty rows and columns after the last value, as a reader gives them
    (rows deleted may have held the last)."""
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((next((i + 1 for i in range(len(row) - 1, -1, -1) if row[i] is not None), 0) for row in rows),
                default=0)
    return rows if rows and width == len(rows[0]) else [row[:width] for row in rows]


def _day(value: dt.datetime):
    """A date cell as the date it shows: the reader gives every date cell as a datetime, and
    what is copied on (History, the archive) should stay a date, not become one at 00:00."""
    return value.date() if value == dt.datetime.combine(value.date(), dt.time()) else value
