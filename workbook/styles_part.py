"""The package's styles (xl/styles.xml), loaded into a scratch openpyxl workbook so that cells
and sheets built there (History's new rows, the next month's sheets, by the same builders as
ever) carry the package's own style numbers; the styles they add are appended to styles.xml,
whose existing entries stay as they are, so every cell of the workbook keeps its look."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from copy import copy
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell._writer import etree_write_cell
from openpyxl.styles.cell_style import CellStyle
from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, NumberFormat
from openpyxl.styles.stylesheet import Stylesheet, apply_stylesheet
from openpyxl.utils.datetime import CALENDAR_MAC_1904
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.xml.functions import fromstring, tostring

from .sheets.style import typed

PART = "xl/styles.xml"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_COUNT = re.compile(r'\scount="\d*"')
_NEXT = {"numFmts": "fonts", "dxfs": "tableStyles"}  # where a list the part lacks goes: before these


class Styles:
    """The package's styles as a scratch openpyxl workbook (`wb`) and what was added to them."""

    def __init__(self, z: zipfile.ZipFile):
        self.wb = Workbook()
        self.ws = self.wb.active  # cells are made on it, never written as a sheet
        apply_stylesheet(z, self.wb)
        workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
        properties = workbook.find(f"{_MAIN}workbookPr")
        if properties is not None and properties.get("date1904") in ("1", "true"):
            self.wb.epoch = CALENDAR_MAC_1904
        self.original = z.read(PART)
        self.formats = {code: fmt_id for fmt_id, code in Stylesheet.from_tree(fromstring(self.original))
                        .custom_formats.items()}
        self.counts = {"fonts": len(self.wb._fonts), "fills": len(self.wb._fills),
                       "borders": len(self.wb._borders), "cellXfs": len(self.wb._cell_styles),
                       "dxfs": len(self.wb._differential_styles.styles)}

    def cell(self, address: str, value, style: int | None, date_format: str | None = None) -> str:
        """A `<c>` holding `value` as HR typed it (`sheets.style.typed`), in the package's
        style number `style` (None: the default); a date in a style that is no date format
        takes `date_format`, if given."""
        row, column = coordinate_to_tuple(address)
        cell = Cell(self.ws, row=row, column=column)
        if style is not None:
            cell._style = copy(self.wb._cell_styles[style])
        typed(cell, value)
        if date_format and isinstance(value, dt.datetime) and cell.number_format == "yyyy-mm-dd h:mm:ss":
            cell.number_format = date_format  # what openpyxl gave a date in a General column
        made = []
        etree_write_cell(_Into(made), self.ws, cell, cell.has_style)
        return tostring(made[0]).decode("utf-8")

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
                text = _append(text, tag, [tostring(item.to_tree()).decode("utf-8") for item in items])
        return text.encode("utf-8")


class _Into:
    """Where openpyxl's cell writer puts the element it makes."""

    def __init__(self, made: list):
        self.write = made.append


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
