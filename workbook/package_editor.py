"""A plan's edits (`edits.Editor`) carried out on the workbook file as a package, part by part,
as recalc stores its values: History's and the moves log's new rows are appended to their
sheets' XML and their Tables grown, the next month's sheets are added as new parts built by the
one builder (`sheets.month`), the closed month's removed, the roster's cells put in. Every part
the month end does not own (charts, images, pivot tables, slicers, comments, HR's other sheets,
the VBA project) is copied byte for byte, so nothing of HR's is lost and nothing is refused."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter, defaultdict
from functools import partial
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from defusedxml import ElementTree
from openpyxl.chart._chart import ChartBase
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.formula.translate import Translator
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.cell import absolute_coordinate, quote_sheetname
from openpyxl.utils.escape import escape as ooxml_escape
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import ColumnDimension, RowDimension
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

from xlfuncs import schema
from xlfuncs.book import find_sheet
from xlfuncs.policy import Ladder, Policy

from . import files, formula_text, package, sheet_xml
from .book_part import BookPart
from .file_book import Deleted, Put
from .sheets.dashboard import chart_title, dashboard
from .sheets.month import FIRST, month_sheet, rows_below
from .sheets.style import Names
from .sheets.tables import fitted, list_range, widened
from .styles_part import PART as STYLES, UNSURE, Styles

_REF = re.compile(r'(<(?:table|autoFilter)\b[^>]*?\sref=")([^"]*)(")')
_STYLE = re.compile(r'\ss="(\d+)"')
_COLUMNS = re.compile(r'(<tableColumns\b[^>]*?\scount=")(\d*)(")')


class PackageEditor:
    """The edits of a plan on the package at `path`; `parts()` is what changed."""

    def __init__(self, path: Path, policy: Policy, lang: str):
        self.zip = zipfile.ZipFile(path)
        self.policy, self.names = policy, Names(lang)
        self.book = BookPart(self.zip)
        self.styles = Styles(self.zip)
        self.edited: dict[str, bytes | list] = {}  # a list: the pieces of a sheet (`sheet_xml.put_pieces`)
        self.inflated: dict[str, bytes] = {}  # parts read and not edited yet (`_read`)
        self.cells: dict[str, dict[int, dict]] = defaultdict(lambda: defaultdict(dict))  # put at once, per sheet
        self.appended: dict[str, tuple] = {}  # rows under a sheet's last, made (`_append`), put with its cells
        self.removed: set[str] = set()  # sheets
        self.changes: dict[str, list | None] = {}  # sheet → its edits as read back; None: unsure
        self.made: dict[tuple, tuple] = {}  # (value's type, value, style, date format) → (read back, cell XML)
        self.formulas: set[str] = set()  # parts given a formula cell (a Table's calculated column)

    def close(self) -> None:
        self.zip.close()

    def _read(self, part: str) -> bytes:
        """A part as edited so far; one not edited yet inflated once (History is read for its
        first record's styles, then edited)."""
        if isinstance(self.edited.get(part), list):  # read again after its cells were put: joined
            self.edited[part] = b"".join(self.edited[part])
        if part in self.edited:
            return self.edited[part]
        if part not in self.inflated:
            self.inflated[part] = package.member(self.zip, part)
        return self.inflated[part]

    def _edit(self, part: str, data: bytes | list) -> None:
        self.edited[part] = data
        self.inflated.pop(part, None)  # as read: not held beside its edit

    def _put(self, sheet: str) -> int:
        """The rows appended to `sheet` (`_append`), then the cells written to it so far, put
        into its XML, each in one pass; the last column they reach (0: none), to which its
        dimension is fitted."""
        appended, cells = self.appended.pop(sheet, None), self.cells.pop(sheet, None)
        last_column = max((max(row) for row in (cells or {}).values() if row), default=0)
        if appended:
            rows, last, reach, changes = appended
            last_column = max(last_column, reach)
            part = self.book.part(sheet)
            self._edit(part, sheet_xml.append_pieces(self._read(part), sheet, rows, last, last_column))
            self._changed(sheet, *changes)
        if cells:
            part = self.book.part(sheet)
            self._edit(part, sheet_xml.put_pieces(self._read(part), sheet, cells, fit=last_column))
        return last_column

    def delete_rows(self, sheet, first, count):
        self._put(sheet)
        part = self.book.part(sheet)
        self._edit(part, sheet_xml.fit_dimension(sheet_xml.delete_rows(self._read(part), sheet, first, count), sheet))
        self.book.remove_calc_chain()
        self._changed(sheet, Deleted(first, count))

    def write_rows(self, sheet, first, rows, like_row):
        """The rows, each value in the style of row `like_row`'s cell above it; a Table's
        calculated columns left blank get its formula, as Excel fills them in a row it adds."""
        part = self.book.part(sheet)
        like = sheet_xml.styles(self._read(part), like_row)
        table = self._rows_table(sheet, first)
        calculated = {column: (formula, f"{get_column_letter(column)}{table.box[0] + table.header_row}")
                      for column, formula in (table.calculated if table else ())}  # as in its first row
        if not calculated and sheet not in self.cells and sheet not in self.appended \
                and first > sheet_xml.last_row(self._read(part), sheet):
            self._append(sheet, first, rows, like)
            return
        for r, row in enumerate(rows, first):
            for c, value in enumerate(row, 1):
                if value is not None:
                    self.cells[sheet][r][c] = partial(self._cell, sheet, r, c, value, like.get(c), "yyyy-mm-dd")
            for c, (formula, origin) in calculated.items():
                if c > len(row) or row[c - 1] is None:
                    moved = Translator(f"={formula}", origin=origin).translate_formula(f"{get_column_letter(c)}{r}")
                    self.cells[sheet][r][c] = partial(self._formula, sheet, r, c, moved[1:], like.get(c))

    def _append(self, sheet: str, first: int, rows: list[list], like: dict[int, int]) -> None:
        """`write_rows`' rows under the sheet's last, made at once for `_put`, each cell as
        `_cell` makes it, rather than a maker a cell put one by one: History's 115,000 new
        cells at a 5,000-person close."""
        letters = [get_column_letter(c) for c in range(1, max(map(len, rows), default=0) + 1)]
        out, changes, last, last_column = [], [], 0, 0
        for r, row in enumerate(rows, first):
            cells = []
            for c, value in enumerate(row, 1):
                if value is not None:
                    read, after = self._made(value, like.get(c), "yyyy-mm-dd")
                    cells.append(f'<c r="{letters[c - 1]}{r}"{after}')
                    changes.append(None if read is UNSURE else Put(r, c, read))
                    last_column = max(last_column, c)
            if cells:
                out.append(f'<row r="{r}">{"".join(cells)}</row>')
                last = r
        if out:
            self.appended[sheet] = ("".join(out), last, last_column, changes)

    def set_cell(self, sheet, row, column, value):
        self.cells[sheet][row][column] = partial(self._cell, sheet, row, column, value, None, None)

    def set_formula(self, sheet, row, column, formula):
        """A formula (without "=") in place of the cell's, in its style."""
        self.cells[sheet][row][column] = partial(self._formula, sheet, row, column, formula, None)

    def write_list(self, sheet, column, name, items, old):
        """A dropdown's list written anew under its name in row 1, the rest of a longer old one
        emptied, and its defined name set over it."""
        for row, item in enumerate(items, 2):
            self.set_cell(sheet, row, column, item)
        for row in range(len(items) + 2, old + 2):
            self.set_cell(sheet, row, column, None)
        self.book.define(name, None, list_range(sheet, column, len(items)))

    def _cell(self, sheet, row, column, value, like: int | None, date_format: str | None, attrs: str | None,
              inner) -> str:
        """The new cell: in its own style if it has one, else in the style of the row it is
        like (`like`); None empties it."""
        style = _style(attrs, like)
        if value is None:
            self._changed(sheet, Put(row, column, None))
            styled = f' s="{style}"' if style else ""
            return f'<c r="{get_column_letter(column)}{row}"{styled}/>'
        read, after = self._made(value, style, date_format)
        self._changed(sheet, None if read is UNSURE else Put(row, column, read))
        return f'<c r="{get_column_letter(column)}{row}"{after}'

    def _made(self, value, style: int | None, date_format: str | None) -> tuple:
        """(what a reader reads back, the cell's XML after its reference) of `value` in `style`,
        made once: History's columns repeat their months, levels, yes/no and scores."""
        key = (type(value), value, style, date_format)
        if key not in self.made:
            self.made[key] = (self.styles.read_back(value, style, date_format),
                              self.styles.cell(value, style, date_format))
        return self.made[key]

    def _formula(self, sheet, row, column, formula: str, like: int | None, attrs: str | None, inner) -> str:
        """A formula cell, its value left for the recalc step to compute: a reader reads it blank."""
        self._changed(sheet, Put(row, column, None))
        self.formulas.add(self.book.part(sheet))
        return _formula_cell(f"{get_column_letter(column)}{row}", _style(attrs, like), formula, attrs, inner)

    def _changed(self, sheet: str, *changes) -> None:
        """Changes to `sheet`'s cells as a reader reads them back; None among them: one it cannot
        vouch for, and the sheet is read again."""
        if None in changes:
            self.changes[sheet] = None
        elif self.changes.get(sheet, []) is not None:
            self.changes.setdefault(sheet, []).extend(changes)

    def fit_table(self, sheet, first, last_row):
        table = self._rows_table(sheet, first)
        if table:
            xml = _REF.sub(lambda m: f"{m[1]}{fitted(m[2], last_row)}{m[3]}", self._read(table.part).decode("utf-8"))
            self._edit(table.part, xml.encode("utf-8"))

    def add_columns(self, sheet, row, first, headers):
        """The headers written from column `first` of the header row `row`, in the style and
        width of the header left of them; the Table they stand beside, headed in that row,
        widened over them, as Excel widens a Table when a header is typed beside it."""
        part = self.book.part(sheet)
        like = sheet_xml.styles(self._read(part), row).get(first - 1)
        self._edit(part, sheet_xml.widen_like(self._read(part), first, len(headers)))
        for c, text in enumerate(headers, first):
            self.cells[sheet][row][c] = partial(self._cell, sheet, row, c, text, like, None)
        table = next((t for t in files.sheet_tables(self.zip, sheet, self.book.part(sheet))
                      if t.header_row and t.box[0] == row and t.box[3] == first - 1), None)
        xml = _with_columns(self._read(table.part).decode("utf-8"), headers) if table else None
        if xml is not None:  # (a Table part in prefixed XML, not Excel's, is left as it is: the columns beside it)
            xml = _REF.sub(lambda m: f"{m[1]}{widened(m[2], first + len(headers) - 1)}{m[3]}", xml)
            self._edit(table.part, xml.encode("utf-8"))

    def _rows_table(self, sheet: str, first: int) -> files.Table | None:
        tables = files.sheet_tables(self.zip, sheet, self.book.part(sheet))
        found = files.rows_table([t.box for t in tables], first)
        return None if found is None else tables[found]

    def print_rows(self, sheet, first, last):
        """Rows `first` to `last` as the sheet's print area, across the columns its dimension
        spans once the cells written are put (read before: History is then left in pieces)."""
        spanned = sheet_xml.dimension(self._read(self.book.part(sheet)))[2]
        columns = max(spanned, self._put(sheet))
        cells = absolute_coordinate(f"A{first}:{get_column_letter(columns)}{last}")
        self.book.define("Print_Area", sheet, f"{quote_sheetname(sheet)}!{cells}")

    def add_month_sheet(self, ladder: Ladder, title: str, month: dt.datetime, people: list[dict],
                        own: tuple[str, ...] = (), looks: str | None = None):
        """The sheet as `sheets.month` builds it (with HR's `own` columns after ours), in the
        package's own styles, with the column widths of the template `looks` and the number
        formats of its first person's row (HR may have widened one there, or shown ids as
        000123: Excel's macro copies it), before the ladder's template (as the macro
        puts it), with its print titles and filter. openpyxl writes it down to the first
        person's row; the rows under it, as that row, are written here (5,000 people: 0.2 s
        instead of 1.4)."""
        ws = month_sheet(self.styles.wb, self.policy, ladder, title, month, people, self.names.lang, below=False,
                         own=own)
        if looks in self.book.titles():
            looked = self._read(self.book.part(looks))
            columns = [c for c in map(partial(_column, ws), sheet_xml.columns(looked)) if c]
            if columns:
                ws.column_dimensions.clear()
                for column in columns:
                    ws.column_dimensions[column.index] = column
            for column, style in sheet_xml.styles(looked, FIRST).items():  # (the rows under it take its look)
                shown = self.styles.number_format(style)
                if column <= ws.max_column and shown != "General":
                    ws.cell(FIRST, column).number_format = shown
        rows = "".join(f'<row r="{row}">{"".join(self._below(row, *cell) for cell in cells)}</row>'
                       for row, cells in rows_below(ws, people))
        template = self.names.template(ladder)
        self._add_built(ws, rows, template if template in self.book.titles() else self._history())

    def rebuild_template(self, ladder: Ladder, name: str, own: tuple[str, ...] = ()) -> bool:
        """The ladder's template sheet `name` built anew where it is, as `sheets.month` builds it
        (HR's `own` columns after ours): Excel's macro copies it for each month's sheet. Not one
        holding parts of its own (HR's comments, drawings, buttons, a Table; printer settings
        aside), which would be lost with it. Returns whether it was. A missing one is built
        before History, after the month sheets of its ladder added there."""
        if name not in self.book.titles():
            after = self._history()
        elif self._own_parts(name):
            return False
        else:
            after = self._following(name)
            self.delete_sheet(name)
        self._add_built(month_sheet(self.styles.wb, self.policy, ladder, name, lang=self.names.lang, own=own), "",
                        after)
        return True

    def may_lay_out(self, stale) -> bool:
        """Whether the dashboard (`next_month.StaleDashboard`) holds nothing of HR's that laying
        it out anew would lose: beside its tables' charts (each titled as the builder titles
        one; one HR deleted comes back), no other chart, picture, shape or comments; no array
        formula (whose cells would be left as values); nothing HR put on its cells beyond their
        values and styles (`_DRESSING`: links, merged cells, conditional formats, dropdowns,
        sparklines; the sheet as built has none); no cell of HR's the new
        layout would overwrite or misplace (`blocked`)."""
        own = self._own_parts(stale.sheet)
        charts = [target for _, target in files.targets(self.zip, own[0])] if len(own) == 1 else []
        anchors = (len(ElementTree.fromstring(package.member(self.zip, own[0]))) if len(own) == 1
                   and own[0].startswith("xl/drawings/") else -1)
        ours = len(charts) == anchors and all(c.startswith("xl/charts/") for c in charts) and not (
            Counter(chart_title(package.member(self.zip, c)) for c in charts) - Counter(stale.charts))
        xml = self._read(self.book.part(stale.sheet)).decode("utf-8")
        arrays = any(f.array for f in formula_text.found(stale.sheet, xml))
        dressed = any(f"<{tag}" in xml for tag in _DRESSING)
        return not stale.blocked and not arrays and not dressed and (not own or ours)

    def rebuild_dashboard(self, stale) -> bool:
        """The dashboard laid out anew where it is, as `sheets.dashboard` builds it, with new
        parts for its drawing and charts, if it `may_lay_out`; a month HR typed into B2, HR's
        cells beside the tables (`kept`: values as they were, formulas in their style) and the
        widths and heights HR gave them (`_sized_as_it_was`), kept. Returns whether it was."""
        if not self.may_lay_out(stale):
            return False
        old = self._read(self.book.part(stale.sheet))
        theirs = sheet_xml.cells(old, stale.sheet, {(r, c) for r, c, _ in stale.kept})
        kept = {}
        for r, c, formula in stale.kept:
            if formula is None:
                kept.setdefault(r, {})[c] = partial(_as_it_was, theirs[r, c])
            else:  # its value left for the recalc step; a shared formula's cell holds its own text
                kept.setdefault(r, {})[c] = partial(_formula_cell, f"{get_column_letter(c)}{r}",
                                                    _style(theirs[r, c].split(">", 1)[0], None), formula)
        after = self._following(stale.sheet)
        self.delete_sheet(stale.sheet)
        ws = dashboard(self.styles.wb, self.policy, self.names, tops=stale.tops)
        if stale.month is not None:
            ws["B2"] = stale.month
        _sized_as_it_was(ws, old, stale.sheet, set(kept))
        ws.sheet_view.tabSelected = stale.sheet == self.book.active
        writer = WorksheetWriter(ws, BytesIO())
        writer.write()
        data = sheet_xml.put(writer.read(), ws.title, kept, fit=0)
        part = self.book.add_sheet(ws.title, data, after)
        drawing = SpreadsheetDrawing()
        drawing.charts = ws._charts
        for chart in drawing.charts:  # numbered past every part the package holds, one at a time
            chart._id = self.book.free(ChartBase._path[1:])
            self.book.add_beside(chart.path[1:], tostring(chart._write()), chart.mime_type)
        drawing._id = self.book.free(SpreadsheetDrawing._path[1:])
        self.book.add_beside(drawing.path[1:], tostring(drawing._write()), drawing.mime_type)
        self.book.add_beside(get_rels_path(drawing.path)[1:], tostring(drawing._write_rels()), None)
        for rel in writer._rels:  # the sheet's one relationship, to its drawing
            if rel.Type.endswith("/drawing"):
                rel.Target = drawing.path
        self.book.add_beside(get_rels_path(part), tostring(writer._rels.to_tree()), None)
        self.styles.wb.remove(ws)
        return True

    def _own_parts(self, sheet: str) -> list[str]:
        """The parts a sheet leads to (comments, drawings, Tables, controls), printer settings aside."""
        return [target for _, target in files.targets(self.zip, self.book.part(sheet))
                if not target.startswith("xl/printerSettings/")]

    def _following(self, sheet: str) -> str | None:
        """The sheet after `sheet` (None: it is the last), before which one built anew goes."""
        titles = self.book.titles()
        at = titles.index(sheet) + 1
        return titles[at] if at < len(titles) else None

    def _history(self) -> str | None:
        """History's sheet, before which a ladder added to the policy gets its sheets (as a new
        workbook has them: each ladder's month sheet and template, then History)."""
        return find_sheet(self.book.titles(), schema.RECORDS.names)

    def _add_built(self, ws, rows: str, before: str | None) -> None:
        """A sheet the builder made (`rows`: those under it, as XML), in the package's own styles,
        before the sheet `before`, with its print titles and filter."""
        ws.sheet_view.tabSelected = False  # else Excel opens with it grouped beside the active sheet
        writer = WorksheetWriter(ws, BytesIO())
        writer.write()
        data = sheet_xml.fit_dimension(sheet_xml.append_rows(writer.read(), ws.title, rows), ws.title)
        self.book.add_sheet(ws.title, data, before)
        self.book.define("Print_Titles", ws.title, ws.print_titles)
        filtered = absolute_coordinate(ws.auto_filter.ref)
        self.book.define("_FilterDatabase", ws.title, f"{quote_sheetname(ws.title)}!{filtered}", hidden=True)
        self.styles.wb.remove(ws)

    def _below(self, row: int, column: int, style: int, value) -> str:
        """A cell of a month sheet's person: the value (an id, a name, a level) in the style,
        or the style alone, as openpyxl writes them (a cell of neither is left out)."""
        address = f"{get_column_letter(column)}{row}"
        if value is not None:
            return f'<c r="{address}"{self.styles.cell(value, style or None)}'
        return f'<c r="{address}" s="{style}"/>' if style else ""

    def delete_sheet(self, sheet):
        self.book.remove_sheet(sheet)
        self.removed.add(sheet)

    def changed(self) -> set[str]:
        """The sheets whose cells the edits changed, added or removed (after `parts()`)."""
        sheets = zip(self.book.titles(), self.book.parts_of_sheets())
        return {title for title, part in sheets if part in self.edited or part in self.book.added} | self.removed

    def read_back(self) -> dict[str, list]:
        """The sheets the edits left, each with its changes as a reader reads them back (none:
        its part is as it was); a sheet added, or with a change not vouched for, is left out."""
        sheets = zip(self.book.titles(), self.book.parts_of_sheets())
        return {title: self.changes.get(title, []) for title, part in sheets
                if part not in self.book.added and self.changes.get(title, []) is not None}

    def with_formulas(self) -> set[str]:
        """The parts the edits put a formula into (after `parts()`): the sheets added, built with
        the add-in's formulas, and those given a Table's calculated column. A value written is
        never a formula (text that starts with "=" is text)."""
        return set(self.book.added) | self.formulas

    def parts(self) -> dict[str, bytes | None]:
        """Every part changed (None: removed)."""
        for sheet in {**self.appended, **self.cells}:
            self._put(sheet)
        out = {**self.edited, **self.book.parts()}
        styles = self.styles.xml()
        if styles is not None:
            out[STYLES] = styles
        return out


def _with_columns(xml: str, headers: list[str]) -> str | None:
    """A Table part's XML with columns named `headers` after its last (ids after its highest),
    their names escaped as Excel writes them (a line break as _x000a_, by openpyxl's `escape`,
    which its own Table columns use); None for XML not as Excel writes it (prefixed)."""
    if "</tableColumns>" not in xml or not _COLUMNS.search(xml):
        return None
    root = ElementTree.fromstring(xml.encode("utf-8"))
    ids = [int(c.get("id")) for c in root.iter(f"{{{SHEET_MAIN_NS}}}tableColumn")]
    added = "".join(f'<tableColumn id="{i}" name={quoteattr(ooxml_escape(h))}/>'
                    for i, h in enumerate(headers, max(ids, default=0) + 1))
    xml = _COLUMNS.sub(lambda m: f"{m[1]}{len(ids) + len(headers)}{m[3]}", xml, 1)
    end = xml.index("</tableColumns>")
    return xml[:end] + added + xml[end:]


_DRESSING = ("hyperlinks", "mergeCells", "conditionalFormatting", "dataValidations", "x14:conditionalFormatting",
             "x14:dataValidation", "x14:sparklineGroup")


def _sized_as_it_was(ws, old: bytes, sheet: str, kept_rows: set[int]) -> None:
    """The old dashboard's columns as HR left them (`<col>`: width, hidden, style) on the new
    one, `ws` as built: a column the builder fits to its headers no narrower than either wants;
    and the rows' (`<row>`: height, hidden, style) of those holding a cell of HR's kept or no
    cell at all. A row of the old layout's tables is the new layout's. A `<col>` or `<row>`
    openpyxl cannot read (no Excel writes one) is left to the builder."""
    styles = ws.parent._cell_styles  # the package's, by number (`styles_part.Styles`)
    fitted = {column_index_from_string(letter): d.width for letter, d in ws.column_dimensions.items() if d.customWidth}
    edge = max(fitted, default=0)
    for attrs in sheet_xml.columns(old):
        try:
            low, high = int(attrs["min"]), int(attrs["max"])
        except (KeyError, ValueError):
            continue
        # a span over columns the builder fits, one by one: `<col>` spans may not overlap
        spans = [(c, c) for c in range(low, min(high, edge) + 1)]
        spans += [(max(low, edge + 1), high)] if high > edge else []
        made = [_column(ws, attrs, first, last) for first, last in spans]
        if not all(made):
            continue
        for column in made:
            if column.min in fitted:
                column.width = max(column.width, fitted[column.min])
            ws.column_dimensions[column.index] = column
    for row, (attrs, holds) in sheet_xml.rows(old, sheet).items():
        if row in kept_rows or not holds:
            try:
                if "s" in attrs:
                    attrs["s"] = styles[int(attrs["s"])]
                ws.row_dimensions[row] = RowDimension(ws, **attrs)
            except (IndexError, TypeError, ValueError):
                continue


def _column(ws, attrs: dict[str, str], first: int | None = None, last: int | None = None) -> ColumnDimension | None:
    """A `<col>`'s width, hiding and style (in the package's styles, by number: `styles_part`)
    over columns `first` to `last` of `ws` (default: its own); None for one openpyxl cannot
    read (no Excel writes one)."""
    given = {k: v for k, v in attrs.items() if k in ColumnDimension.__fields__}
    try:
        first = int(attrs["min"]) if first is None else first
        last = int(attrs["max"]) if last is None else last
        if "style" in given:
            given["style"] = ws.parent._cell_styles[int(given["style"])]
        return ColumnDimension(ws, **{**given, "index": get_column_letter(first), "min": first, "max": last})
    except (KeyError, IndexError, TypeError, ValueError):
        return None


def _as_it_was(cell: str, attrs: str | None, inner) -> str:
    """A cell put back as it was (`sheet_xml.put`'s maker, in a sheet built anew)."""
    return cell


def _formula_cell(address: str, style: int | None, formula: str, attrs: str | None, inner) -> str:
    """A formula cell in the style, its value left for the recalc step (a reader reads it blank)."""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{address}"{styled}><f>{escape(formula)}</f></c>'


def _style(attrs: str | None, like: int | None) -> int | None:
    """A cell's own style number (from its old attributes), else that of the row it is like."""
    own = _STYLE.search(attrs or "")
    return int(own[1]) if own else like
