"""The package's styles (xl/styles.xml), loaded into a scratch openpyxl workbook so that cells
and sheets built there (History's new rows, the next month's sheets, by the same builders as
ever) carry the package's own style numbers; the styles they add are appended to styles.xml,
whose existing entries stay as they are, so every cell of the workbook keeps its look."""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import zipfile
from copy import copy

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles.cell_style import CellStyle
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE, NumberFormat, is_date_format
from openpyxl.styles.stylesheet import Stylesheet, apply_stylesheet
from openpyxl.cell.cell import TIME_FORMATS
from openpyxl.utils.datetime import CALENDAR_MAC_1904, to_excel
from openpyxl.xml.functions import fromstring, tostring

from . import files
from .sheet_xml import number_cell, number_text, xml_text

PART = "xl/styles.xml"
_COUNT = re.compile(r'\scount="\d*"')
_NEXT = {"numFmts": "fonts", "dxfs": "tableStyles"}  # where a list the part lacks goes: before these
UNSURE = object()  # what `Styles.read_back` gives for a value whose reading back it cannot vouch for
_DATE_LETTERS = re.compile("[dmyhs]", re.I)  # a number format a reader may take for a date's
_ESCAPED = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]|_x")  # text written escaped (`xml_text`), or \r


class Styles:
    """The package's styles as a scratch openpyxl workbook (`wb`) and what was added to them."""

    def __init__(self, z: zipfile.ZipFile):
        self.wb = Workbook()
        self.ws = self.wb.active  # cells are made on it, never written as a sheet
        apply_stylesheet(z, self.wb)
        if files.date1904(z):
            self.wb.epoch = CALENDAR_MAC_1904
        self.original = z.read(PART)
        self.formats = {code: fmt_id for fmt_id, code in Stylesheet.from_tree(fromstring(self.original))
                        .custom_formats.items()}
        self._date_styles = {}
        self._formats = {}
        self.counts = {"fonts": len(self.wb._fonts), "fills": len(self.wb._fills),
                       "borders": len(self.wb._borders), "cellXfs": len(self.wb._cell_styles),
                       "dxfs": len(self.wb._differential_styles.styles)}

    def cell(self, value, style: int | None, date_format: str | None = None) -> str:
        """A `<c>` holding `value` as HR typed it, from after its reference (`<c r="A1"` + this,
        the same for every cell of the value), in the package's style number `style` (None: the
        default): a text as text (one that starts with "=" too), a date as Excel's day number,
        in a date format if the style has none (`date_format`, else openpyxl's)."""
        kind = ""
        if isinstance(value, (bool, np.bool_)):
            kind, inner = ' t="b"', f"<v>{int(bool(value))}</v>"
        elif isinstance(value, numbers.Number):
            t, text = number_cell(value)
            kind, inner = f' t="{t}"' if t else "", f"<v>{text}</v>"
        elif isinstance(value, (dt.datetime, dt.date)):
            inner = f"<v>{number_text(to_excel(value, self.wb.epoch))}</v>"
            style = self._dated(style, value, date_format)
        else:
            text = str(value)
            space = ' xml:space="preserve"' if text != text.strip() else ""
            kind, inner = ' t="inlineStr"', f"<is><t{space}>{xml_text(text)}</t></is>"
        styled = f' s="{style}"' if style else ""
        return f"{styled}{kind}>{inner}</c>"

    def read_back(self, value, style: int | None, date_format: str | None = None):
        """The value `FileBook` reads from the cell `cell` writes, or UNSURE: a number in a
        format with letters (a reader may take it for a date), a time of day, text written
        escaped or empty. The month end's recalc step takes the rows it wrote from here
        instead of reading History again."""
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if isinstance(value, numbers.Number):
            number = float(value)
            plain = style is None or not _DATE_LETTERS.search(self.number_format(style))
            return number if plain and math.isfinite(number) else UNSURE
        if isinstance(value, (dt.datetime, dt.date)):
            if isinstance(value, dt.datetime) and value.time() != dt.time():
                return UNSURE
            day = value.date() if isinstance(value, dt.datetime) else value  # a date as FileBook gives it
            return day if is_date_format(self.number_format(self._dated(style, value, date_format))) else UNSURE
        if isinstance(value, str):
            return value if value and not _ESCAPED.search(value) else UNSURE
        return UNSURE

    def number_format(self, style: int) -> str:
        """The style's number format; one of the ids Excel keeps for its own locale's formats
        (Chinese dates among them), which openpyxl reads as General, as a date's."""
        if style not in self._formats:
            fmt_id = self.wb._cell_styles[style].numFmtId
            cell = Cell(self.ws, row=1, column=1)
            cell._style = copy(self.wb._cell_styles[style])
            known = fmt_id >= BUILTIN_FORMATS_MAX_SIZE or fmt_id in BUILTIN_FORMATS
            self._formats[style] = cell.number_format if known else "yyyy-mm-dd"
        return self._formats[style]

    def _dated(self, style: int | None, value, date_format: str | None) -> int:
        """`style`, or that style in a date format if it has none (as openpyxl gives a date; a
        datetime at midnight, a day such as a move's date, as a date: 2026-11-01, not 0:00:00)."""
        timed = isinstance(value, dt.datetime) and value.time() != dt.time()
        kind = dt.datetime if timed else dt.date
        key = (style, kind, date_format)
        if key not in self._date_styles:
            cell = Cell(self.ws, row=1, column=1)
            if style is not None:
                cell._style = copy(self.wb._cell_styles[style])
            if not is_date_format(cell.number_format):
                cell.number_format = date_format or TIME_FORMATS[kind]
            self._date_styles[key] = cell.style_id
        return self._date_styles[key]

    def xml(self) -> bytes | None:
        """styles.xml with the styles added since loading appended (None: none added)."""
        wb = self.wb
        added = {"fonts": wb._fonts[self.counts["fonts"]:], "fills": wb._fills[self.counts["fills"]:],
                 "borders": wb._borders[self.counts["borders"]:],
                 "dxfs": wb._differential_styles.styles[self.counts["dxfs"]:]}
        xfs, formats = [], []
        for style in wb._cell_styles[self.counts["cellXfs"]:]:
            xf = CellStyle.from_array(style)
            if style.numFmtId >= BUILTIN_FORMATS_MAX_SIZE:  # openpyxl's number for it → the package's
                code = wb._number_formats[style.numFmtId - BUILTIN_FORMATS_MAX_SIZE]
                if code not in self.formats:
                    self.formats[code] = max([*self.formats.values(), BUILTIN_FORMATS_MAX_SIZE - 1]) + 1
                    formats.append(NumberFormat(self.formats[code], code))
                xf.numFmtId = self.formats[code]
            xf.alignment = wb._alignments[style.alignmentId] if style.alignmentId else None
            xf.protection = wb._protections[style.protectionId] if style.protectionId else None
            xfs.append(xf)
        if not any(added.values()) and not xfs:
            return None
        text = self.original.decode("utf-8")
        for tag, items in (("numFmts", formats), *added.items(), ("cellXfs", xfs)):
            if items:
                text = _append(text, tag, [tostring(item.to_tree(*(("numFmt",) if tag == "numFmts" else ())))
                                           .decode("utf-8") for item in items])
        return text.encode("utf-8")


def _append(text: str, tag: str, items: list[str]) -> str:
    """`items` appended to the list element `tag` of styles.xml, its count grown; the list
    made where the schema puts it if the part has none."""
    found = re.search(rf"<{tag}\b[^>]*?(/?)>", text)
    if found is None:
        at = next((m.start() for t in (_NEXT.get(tag), "colors", "extLst", "/styleSheet")
                   if t and (m := re.search(rf"<{t}\b", text))), len(text))
        return f'{text[:at]}<{tag} count="{len(items)}">{"".join(items)}</{tag}>{text[at:]}'
    old = re.search(r'\scount="(\d+)"', found[0])  # optional: grown when the part says it
    start = _COUNT.sub("", found[0].rstrip("/>")) + (f' count="{int(old[1]) + len(items)}"' if old else "") + ">"
    if found[1]:  # <dxfs count="0"/>
        return f"{text[:found.start()]}{start}{''.join(items)}</{tag}>{text[found.end():]}"
    end = text.index(f"</{tag}>", found.end())
    return f"{text[:found.start()]}{start}{text[found.end():end]}{''.join(items)}{text[end:]}"
