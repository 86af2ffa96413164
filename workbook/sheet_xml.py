"""A worksheet's rows edited in its XML, from the first row touched on: recalc puts cached
values into formula cells, the month end puts rows into History and cells into the roster.
Everything above the first row touched is copied as bytes, never parsed: History, the largest
part, is appended to without being read. Rows and cells are found as Excel and openpyxl write
them (`<row r=…>`, `<c r=…>`, in order); a sheet whose rows or cells lack their `r` is refused.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import math
import numbers
import re
from typing import Callable
from xml.sax.saxutils import escape

import numpy as np
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import to_excel

from .files import Refused

CELL = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)
ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
ATTR = re.compile(r'([\w:]+)="([^"]*)"')
F = re.compile(r"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_ROW_R = re.compile(r'\sr="(\d+)"')
_CELL_R = re.compile(r'\sr="\$?([A-Z]+)\$?\d+"')
_SPANS = re.compile(r'\sspans="[^"]*"')
_R = re.compile(r'(\sr=")([^"]*)(")')
_ROW_BYTES = re.compile(rb"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)
_EMPTY = re.compile(rb"<sheetData\s*/>")
_DIMENSION = re.compile(rb'(<dimension\b[^>]*\sref=")([^"]*)(")')
_COL = re.compile(rb"<col\b([^>]*?)/>")

_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")

EXCEL_ROWS = 1 << 20  # a worksheet's rows: 1,048,576

# a cell's new XML from its old attributes and content (None, None: the cell is new)
Make = Callable[[str | None, str | None], str]


def excel_text(text: str) -> str:
    """Text as Excel stores a cell's, escaped as Excel writes it and as XlsxWriter's
    xmlwriter.py does: a control character (not allowed in XML) as _xHHHH_, a literal _xHHHH_
    as _x005F_xHHHH_ so that no reader decodes it, the non-characters U+FFFE/U+FFFF likewise.
    What openpyxl is handed (it refuses control characters, and writes _xHHHH_ as it is)."""
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", _ESCAPE.sub(r"_x005F\1", text))
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def xml_text(text: str) -> str:
    """Text as a cell's XML holds it: escaped as Excel stores it (`excel_text`), then & < >."""
    return escape(excel_text(text))


def xml_unescape(text: str) -> str:
    """An element's or attribute's text as the XML means it: the five entities and character
    references (&#30475;), which some writers use for every character beyond ASCII (openpyxl
    through lxml does). A package with a DTD, the one way to declare other entities, is refused
    before it is read (`files.refuse_unsafe`), so HTML's table of them adds none."""
    return html.unescape(text)


def number_text(value) -> str:
    """A number as a cell's `<v>` holds it: whole numbers without a decimal point."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def number_cell(value) -> tuple[str, str]:
    """A number as a cell Excel opens holds it: (its `t`, "" for a number; its `<v>`). A NaN
    or an infinity is #NUM!, as Excel shows a function's: "nan" and "inf" no reader opens."""
    return ("", number_text(value)) if math.isfinite(value) else ("e", "#NUM!")


def value_cell(value, style: Callable[[object], str] = lambda value: "") -> str:
    """A value as a reader gives it (a yes/no, a number, a date, an error value by name as
    `FileBook` reads it, a text) as a plain cell's XML after its reference: `<c r="A1"` + this
    + `</c>`; "" for what no cell holds (NaN, an infinity: a blank). `style(value)`: the
    ` s="…"` of a number, a date or a text, or "". The archive's cells and the engine's."""
    if isinstance(value, (bool, np.bool_)):
        return f' t="b"><v>{int(value)}</v>'
    if isinstance(value, numbers.Number):
        return f"{style(value)}><v>{number_text(value)}</v>" if math.isfinite(value) else ""
    if isinstance(value, dt.date):  # a datetime (and pandas' Timestamp) is a date
        return f"{style(value)}><v>{number_text(to_excel(value))}</v>"
    if value in ERROR_CODES:  # Excel 2007's seven, those the reader gives by name
        return f' t="e"><v>{value}</v>'
    return f'{style(value)} t="inlineStr"><is><t xml:space="preserve">{xml_text(str(value))}</t></is>'


def unplaced(sheet: str) -> Refused:
    return Refused(f"工作表「{sheet}」有未注明位置的单元格或行（非 Excel 所写），请在 Excel 或 WPS 中打开并另存后再用 | "
                   f"the sheet '{sheet}' has cells or rows without their reference (not written by "
                   f"Excel): open the workbook in Excel or WPS and save it again first")


def put(data: bytes, sheet: str, cells: dict[int, dict[int, Make]], fit: int | None = None) -> bytes:
    """The sheet with each cell of `cells` (row → column → how to make it) made anew; rows
    and cells it lacks are added in their order. With `fit`, its `<dimension>` fitted as
    `fit_dimension` fits it (`fit`: the column it reaches at least)."""
    pieces = put_pieces(data, sheet, cells, fit)
    return pieces[0] if len(pieces) == 1 else b"".join(pieces)


def put_pieces(data: bytes, sheet: str, cells: dict[int, dict[int, Make]], fit: int | None = None) -> list:
    """`put`'s sheet as the pieces whose join it is, most of them views of `data`: History is
    up to 130 MB, and the package is written from its pieces (`package.copy`) rather than
    from a copy of it beside `data`, which was the close's peak of memory."""
    if not cells:
        return [data if fit is None else fit_dimension(data, sheet, fit)]
    head, body, tail = _split(data, sheet, min(cells))
    out, pending, at = [], sorted(cells), 0  # the rows and the sheet's rows, merged in one pass
    for number, attrs, inner, whole in _rows(body, sheet):
        while at < len(pending) and pending[at] < number:
            out.append(_row(sheet, pending[at], "", cells[pending[at]]))
            at += 1
        if at < len(pending) and pending[at] == number:
            out.append(_row(sheet, number, inner or "", cells[number], attrs))
            at += 1
        else:
            out.append(whole)
    out += [_row(sheet, row, "", cells[row]) for row in pending[at:]]
    rows = "".join(out).encode("utf-8")
    if fit is None:
        return [head, rows, tail]
    return _fitted_pieces(data, sheet, head, rows, tail, max(pending[-1], last_row(data, sheet)), fit)


def append_pieces(data: bytes, sheet: str, rows: str, last: int, fit: int) -> list:
    """The sheet with `rows` (`<row>` elements numbered after its last, up to row `last`) put
    after its last row, as `put_pieces` gives it with `fit`: the rows a close appends to
    History, made at once rather than cell by cell."""
    head, _, tail = _split(data, sheet, EXCEL_ROWS + 1)  # every row of the sheet is above that
    return _fitted_pieces(data, sheet, head, rows.encode("utf-8"), tail, last, fit)


def _fitted_pieces(data: bytes, sheet: str, head, rows: bytes, tail, last: int, fit: int) -> list:
    """`head`, `rows` and `tail` of `data`'s sheet (`_split`), its `<dimension>` fitted to end
    at row `last` and at column `fit` at least."""
    if not isinstance(head, memoryview):  # an empty <sheetData/> given its first rows: a small sheet
        return [fit_dimension(b"".join((head, rows, tail)), sheet, fit)]
    return [*_fitted(head, _sheet_data(data)[0], last, fit), rows, tail]


def last_row(data: bytes, sheet: str) -> int:
    """The number of the sheet's last row element (0: it has none)."""
    start, end = _sheet_data(data)
    return next((number for _, number in _backwards(data, start, end, sheet)), 0)


def append_rows(data: bytes, sheet: str, rows: str) -> bytes:
    """The sheet with `rows` (`<row>` elements, numbered after its last) put after its last row."""
    head, _, tail = _split(data, sheet, EXCEL_ROWS + 1)  # every row of the sheet is above that
    return b"".join((head, rows.encode("utf-8"), tail))


def delete_rows(data: bytes, sheet: str, first: int, count: int) -> bytes:
    """The sheet without rows `first` to `first + count - 1`, the rows below moved up, their
    formulas moved with them as Excel moves them."""
    head, body, tail = _split(data, sheet, first)
    out = []
    for number, attrs, inner, whole in _rows(body, sheet):
        if number < first + count:
            continue
        moved = number - count
        cells = [_moved_cell(m, count, sheet) for m in CELL.finditer(inner or "")]
        out.append(f"<row{_R.sub(lambda m: f'{m[1]}{moved}{m[3]}', attrs, 1)}>{''.join(cells)}</row>")
    return b"".join((head, "".join(out).encode("utf-8"), tail))


def styles(data: bytes, row: int) -> dict[int, int]:
    """Column → style number of the cells of row `row` (read from the sheet's start: the row
    a table's new rows are like is near its top)."""
    start, end = _sheet_data(data)
    for m in _ROW_BYTES.finditer(data, start, end):
        number = int(dict(ATTR.findall(m[1].decode("utf-8"))).get("r", 0))
        if number >= row:
            if number > row:
                break
            out = {}
            for cell in CELL.finditer((m[3] or b"").decode("utf-8")):
                attrs = dict(ATTR.findall(cell[1]))
                if "r" in attrs and "s" in attrs:
                    out[coordinate_to_tuple(attrs["r"])[1]] = int(attrs["s"])
            return out
    return {}


def cells(data: bytes, sheet: str, wanted: set[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The XML of the cells at `wanted` (row, column from 1) that the sheet holds, as it holds them."""
    start, end = _sheet_data(data)
    rows = {r for r, _ in wanted}
    out = {}
    for number, _, inner, _ in _rows(data[start:end].decode("utf-8"), sheet):
        for m in CELL.finditer(inner or "") if number in rows else ():
            reference = _CELL_R.search(m[1])
            if reference is None:
                raise unplaced(sheet)
            if (number, _column(reference[1])) in wanted:
                out[number, _column(reference[1])] = m[0]
    return out


def numbers_styled(data: bytes, styles: set[str]) -> set[tuple[int, int]]:
    """(row, column) of the sheet's number cells in one of `styles` (style numbers as `s` says them)."""
    if not any(f' s="{s}"'.encode() in data for s in styles):  # (most sheets: none, found without decoding)
        return set()
    out = set()
    for m in CELL.finditer(data.decode("utf-8")):
        attrs = dict(ATTR.findall(m[1]))
        if attrs.get("s") in styles and attrs.get("t", "n") == "n" and "r" in attrs:
            out.add(coordinate_to_tuple(attrs["r"]))
    return out


def columns(data: bytes) -> list[dict[str, str]]:
    """The attributes of each of the sheet's `<col>`: the columns' widths, hiding and styles."""
    return [dict(ATTR.findall(m[1].decode("utf-8"))) for m in _COL.finditer(data, 0, _sheet_data(data)[0])]


def rows(data: bytes, sheet: str) -> dict[int, tuple[dict[str, str], bool]]:
    """Row → (its attributes, whether it holds a cell), for each row whose attributes say more
    than where it is: a height set by hand, hiding, a style. (A height Excel fitted to the
    row's text, without `customHeight`, and its own hints, in other namespaces, are not said.)"""
    start, end = _sheet_data(data)
    out = {}
    for number, attrs, inner, _ in _rows(data[start:end].decode("utf-8"), sheet):
        found = {k: v for k, v in ATTR.findall(attrs) if ":" not in k and k != "spans"}
        if found.get("customHeight") not in ("1", "true"):
            found.pop("ht", None)
        if found.keys() - {"r", "customHeight"}:
            out[number] = found, bool(inner and CELL.search(inner))
    return out


def dimension(data: bytes) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) the sheet's `<dimension>` says it spans."""
    found = _DIMENSION.search(data)
    box = range_boundaries(found[2].decode()) if found else (1, 1, 1, 1)
    return tuple(b if b is not None else 1 for b in box)


def fit_dimension(data: bytes, sheet: str, last_column: int = 0) -> bytes:
    """The sheet's `<dimension>` (the cells it says it spans) made to end at its last row, and
    at `last_column` at least (a column just written)."""
    last = last_row(data, sheet)
    pieces = _fitted(data, _sheet_data(data)[0], last, last_column) if last else [data]
    return data if len(pieces) == 1 else b"".join(pieces)  # one copy of the sheet


def _fitted(data: bytes | memoryview, start: int, last: int, last_column: int) -> list:
    """`data` in pieces whose join is it with its `<dimension>`, found before offset `start`
    (where the schema puts it, before the rows), made to end at row `last` and at
    `last_column` at least; [data] if it has none."""
    found = _DIMENSION.search(data, 0, start)
    if found is None:
        return [data]
    min_col, min_row, max_col, _ = range_boundaries(found[2].decode())
    ref = f"{get_column_letter(min_col)}{min_row or 1}:{get_column_letter(max(max_col or min_col, last_column))}{last}"
    view = memoryview(data)
    return [view[:found.start(2)], ref.encode(), view[found.end(2):]]


def widen_like(data: bytes, first: int, count: int) -> bytes:
    """The sheet with columns `first` to `first + count - 1` as wide as the column left of them
    (its `<col>`), where no `<col>` of the sheet says how wide they are."""
    cols = [(m, dict(ATTR.findall(m[1].decode("utf-8")))) for m in _COL.finditer(data, 0, _sheet_data(data)[0])]
    spans = [(int(a.get("min", 0)), int(a.get("max", 0)), a, m) for m, a in cols]
    left = next((a for low, high, a, _ in spans if low <= first - 1 <= high and "width" in a), None)
    if left is None or any(high >= first and low < first + count for low, high, _, _ in spans):
        return data
    at = max(m.end() for low, _, _, m in spans if low < first)  # after the column left of them, at least
    col = f'<col min="{first}" max="{first + count - 1}" width="{left["width"]}" customWidth="1"/>'.encode()
    return b"".join((data[:at], col, data[at:]))


def _split(data: bytes, sheet: str, first: int) -> tuple[bytes | memoryview, str, bytes | memoryview]:
    """(head, rows, tail): the bytes before the sheet's first row numbered `first` or more,
    the text of the rows from there, and the bytes from `</sheetData>` on. Head and tail are
    views of `data`, joined into the new sheet without a copy of their own (History's head
    is all of its 57 MB)."""
    opening = data.find(b"<sheetData")
    empty = _EMPTY.match(data, opening) if opening >= 0 else None  # <sheetData/>, or <sheetData /> (ElementTree)
    if empty:
        return data[:empty.start()] + b"<sheetData>", "", b"</sheetData>" + data[empty.end():]
    start, end = _sheet_data(data)
    at = end
    for offset, number in _backwards(data, start, end, sheet):  # appending to History reads its last rows only
        if number < first:
            break
        at = offset
    view = memoryview(data)
    return view[:at], data[at:end].decode("utf-8"), view[end:]


def _sheet_data(data: bytes) -> tuple[int, int]:
    """Where the rows of `<sheetData>` start and end (0, 0: an empty `<sheetData/>`). Its end is
    looked for from the back, where it is: from the front, each search read all of History
    (0.07 s, several times a close)."""
    end = data.rfind(b"</sheetData>")
    if end < 0:
        return 0, 0
    return data.index(b">", data.index(b"<sheetData")) + 1, end


def _backwards(data: bytes, start: int, end: int, sheet: str):
    """(offset, number) of each row element between `start` and `end`, the last first."""
    at = end
    while (found := data.rfind(b"<row", start, at)) >= 0:
        at = found
        if data[found + 4:found + 5] not in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            continue
        number = dict(ATTR.findall(data[found:data.index(b">", found)].decode("utf-8"))).get("r")
        if number is None:
            raise unplaced(sheet)
        yield found, int(number)


def _rows(body: str, sheet: str):
    for m in ROW.finditer(body):
        number = _ROW_R.search(m[1])
        if number is None:
            raise unplaced(sheet)
        yield int(number[1]), m[1].rstrip("/"), m[3], m[0]


def _row(sheet: str, number: int, inner: str, todo: dict[int, Make], attrs: str | None = None) -> str:
    """A row with the cells of `todo` made; its other cells and attributes kept, but for the
    columns it says it spans (Excel's hint, which new cells may outgrow)."""
    pending, at = sorted(todo), 0
    # the cells before the first to make are kept as they are, unread: most of a month sheet's row is
    # HR's inputs left of the columns recalc fills
    skip = max(inner.find(f'<c r="{get_column_letter(pending[0])}{number}"'), 0)
    out = [inner[:skip]]
    for m in CELL.finditer(inner, skip):
        reference = _CELL_R.search(m[1])
        if reference is None:
            raise unplaced(sheet)
        column = _column(reference[1])
        while at < len(pending) and pending[at] < column:
            out.append(todo[pending[at]](None, None))
            at += 1
        if at < len(pending) and pending[at] == column:
            out.append(todo[column](m[1], m[3]))
            at += 1
        else:
            out.append(m[0])
    out += [todo[c](None, None) for c in pending[at:]]
    attrs = _SPANS.sub("", attrs) if attrs is not None else f' r="{number}"'
    return f"<row{attrs}>{''.join(out)}</row>"


@functools.lru_cache(maxsize=None)
def _column(letters: str) -> int:
    return column_index_from_string(letters)


def _moved_cell(m: re.Match, count: int, sheet: str) -> str:
    """A cell moved up `count` rows: its reference, and its formula translated as Excel does
    (a shared or array formula, which spans other cells, is refused)."""
    attrs = dict(ATTR.findall(m[1]))
    if "r" not in attrs:
        raise unplaced(sheet)
    row, column = coordinate_to_tuple(attrs["r"])
    new = f"{get_column_letter(column)}{row - count}"
    inner = m[3] or ""
    formula = F.search(inner)
    if formula:
        if "t=" in formula[1]:
            raise Refused(f"工作表「{sheet}」的 {attrs['r']} 有共享或数组公式，无法上移该行 | "
                          f"the sheet '{sheet}' has a shared or array formula at {attrs['r']}: its row cannot be "
                          f"moved up")
        text = xml_unescape(formula[2] or "")
        moved = Translator(f"={text}", origin=attrs["r"]).translate_formula(new)[1:]
        inner = inner.replace(formula[0], f"<f{formula[1]}>{escape(moved)}</f>", 1)
    attrs_text = _R.sub(lambda r: f"{r[1]}{new}{r[3]}", m[1], 1)
    return f"<c{attrs_text}/>" if m[2] == "/>" else f"<c{attrs_text}>{inner}</c>"
