"""The parts that say which sheets a package holds: the workbook part (its `<sheets>`, defined
names and active tab), its relationships, `[Content_Types].xml` and docProps/app.xml. Sheets
are added and removed here; the other parts of the package are left to their owners.

The workbook part is edited as text, element by element, so that everything else in it (file
version, calculation settings, Excel's extensions) stays as Excel wrote it; defined names and
relationships are read and written by openpyxl's own classes."""

from __future__ import annotations

import re
import zipfile
from collections import defaultdict
from xml.etree import ElementTree

from openpyxl.packaging.relationship import Relationship, RelationshipList, get_rels_path
from openpyxl.workbook.defined_name import DefinedName, DefinedNameList
from openpyxl.xml.functions import fromstring, tostring

from . import files
from .sheet_xml import ATTR, xml_unescape

WORKBOOK, RELS, TYPES, APP = "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml"
CALC_CHAIN = "xl/calcChain.xml"
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_SHEET_TYPE = f"{_RELS_NS}/worksheet"
_SHEET_CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SHEET = re.compile(r"<sheet\b[^>]*?/>")
_NAMES = re.compile(r"<definedNames\b.*?(?:/>|</definedNames>)", re.S)
_VIEW = re.compile(r"<workbookView\b[^>]*?/?>")


class BookPart:
    """The package's sheets in their order, and the parts that list them, as edited."""

    def __init__(self, z: zipfile.ZipFile):
        self.z = z
        self.xml = z.read(WORKBOOK).decode("utf-8")
        declared = re.search(rf'xmlns:(\w+)="{re.escape(_RELS_NS)}"', self.xml)  # on the root, or on each sheet
        self.prefix = declared[1] if declared else "r"
        self.rels = RelationshipList.from_tree(fromstring(z.read(RELS)))
        places = dict(files.targets(z, WORKBOOK))
        self.sheets = []  # [name, the <sheet> element's text, its part]
        for element in _SHEET.findall(self.xml[self.xml.index("<sheets"):self.xml.index("</sheets>")]):
            attrs = dict(ATTR.findall(element))
            self.sheets.append([xml_unescape(attrs["name"]), element,
                                places.get(attrs[f"{self.prefix}:id"])])
        found = ElementTree.fromstring(self.xml.encode("utf-8")).find(f"{_MAIN}definedNames")
        self.names = list(DefinedNameList.from_tree(found).definedName) if found is not None else []
        view = _VIEW.search(self.xml)
        self.active = self._tab(view, "activeTab") if view else None
        self.first = self._tab(view, "firstSheet") if view else None
        self.added: dict[str, bytes] = {}  # part → its bytes
        self.beside: dict[str, tuple[bytes, str | None]] = {}  # the added sheets' own parts → bytes, content type
        self.removed: set[str] = set()

    def _tab(self, view: re.Match, attribute: str) -> str | None:
        """The name of the sheet a view's tab attribute points at (absent: the first)."""
        at = int(dict(ATTR.findall(view[0])).get(attribute, 0))
        return self.sheets[at][0] if at < len(self.sheets) else None

    def titles(self) -> list[str]:
        return [name for name, *_ in self.sheets]

    def parts_of_sheets(self) -> list[str]:
        return [part for *_, part in self.sheets]

    def index(self, sheet: str) -> int:
        return self.titles().index(sheet)

    def part(self, sheet: str) -> str:
        return self.sheets[self.index(sheet)][2]

    def free(self, pattern: str) -> int:
        """The lowest number n for which the part `pattern.format(n)` is in the package neither
        as it was (removed or not: its content type would be said twice) nor as added
        (xl/charts/chart{}.xml)."""
        taken = set(self.z.namelist()) | set(self.added) | set(self.beside)
        return next(n for n in range(1, len(taken) + 2) if pattern.format(n) not in taken)

    def add_beside(self, part: str, data: bytes, content_type: str | None) -> None:
        """A part an added sheet leads to (its drawing, the drawing's charts; None: a
        relationships part, whose type the package gives by its extension)."""
        self.beside[part] = (data, content_type)

    def add_sheet(self, title: str, data: bytes, before: str | None = None) -> str:
        """A new worksheet part holding `data`, listed as `title` before the sheet `before`
        (None: last), the sheet-scoped names after it moved past it. Returns the part."""
        part = f"xl/worksheets/sheet{self.free('xl/worksheets/sheet{}.xml')}.xml"
        rid = f"rId{max([int(r.Id[3:]) for r in self.rels if r.Id[3:].isdigit()] + [0]) + 1}"
        self.rels.append(Relationship(Id=rid, Type=_SHEET_TYPE, Target=part[len("xl/"):]))
        sheet_id = max([int(dict(ATTR.findall(element))["sheetId"]) for _, element, _ in self.sheets] + [0]) + 1
        element = ElementTree.tostring(ElementTree.Element("sheet", {  # the prefix declared on it, as some writers do
            "name": title, "sheetId": str(sheet_id), f"xmlns:{self.prefix}": _RELS_NS, f"{self.prefix}:id": rid}),
            encoding="unicode")
        at = self.index(before) if before is not None else len(self.sheets)
        self.sheets.insert(at, [title, element, part])
        for name in self.names:
            if name.localSheetId is not None and name.localSheetId >= at:
                name.localSheetId += 1
        self.added[part] = data
        return part

    def remove_sheet(self, sheet: str) -> None:
        """The sheet and every part only it led to (its comments, drawings and their charts),
        with the names scoped to it."""
        at = self.index(sheet)
        _, _, part = self.sheets.pop(at)
        self.names = [n for n in self.names if n.localSheetId != at]
        for name in self.names:
            if name.localSheetId is not None and name.localSheetId > at:
                name.localSheetId -= 1
        self.rels = RelationshipList(r for r in self.rels if _part(r.Target) != part)
        self._remove_parts(part)
        self.remove_calc_chain()

    def remove_calc_chain(self) -> None:
        """Excel's list of formula cells, which names cells by position: wrong once rows or
        sheets move, and rebuilt by Excel when absent."""
        if CALC_CHAIN in self.z.namelist():
            self.rels = RelationshipList(r for r in self.rels if _part(r.Target) != CALC_CHAIN)
            self.removed.add(CALC_CHAIN)

    def _remove_parts(self, part: str) -> None:
        if part in self.added:
            del self.added[part]
            return
        referrers = defaultdict(set)  # part → the parts whose relationships lead to it
        for rels in self.z.namelist():
            if rels.endswith(".rels"):
                for _, target in files.targets(self.z, _owner(rels)):
                    referrers[target].add(_owner(rels))
        gone, todo = set(self.removed), [part]
        while todo:
            current = todo.pop()
            gone.add(current)
            todo += [t for _, t in files.targets(self.z, current) if t not in gone and referrers[t] <= gone]
        self.removed |= gone | ({get_rels_path(p) for p in gone} & set(self.z.namelist()))

    def define(self, name: str, sheet: str | None, value: str, hidden: bool = False) -> None:
        """A name scoped to `sheet` (Print_Area, Print_Titles, _FilterDatabase), or to the
        workbook (None: a dropdown's list), replacing its old value."""
        at = self.index(sheet) if sheet is not None else None
        self.names = [n for n in self.names if not (n.localSheetId == at and n.name in (name, f"_xlnm.{name}"))]
        self.names.append(DefinedName(name=name, localSheetId=at, hidden=hidden or None, attr_text=value))

    def parts(self) -> dict[str, bytes | None]:
        """The parts as edited: new and changed ones, None for the removed."""
        out: dict[str, bytes | None] = {**self.added, **{p: data for p, (data, _) in self.beside.items()},
                                        **{p: None for p in self.removed}}
        xml = self.xml
        start, end = xml.index("<sheets"), xml.index("</sheets>")
        xml = f"{xml[:xml.index('>', start) + 1]}{''.join(e for _, e, _ in self.sheets)}{xml[end:]}"
        names = tostring(DefinedNameList(definedName=self.names).to_tree()).decode("utf-8") if self.names else ""
        if _NAMES.search(xml):
            xml = _NAMES.sub(lambda m: names, xml, 1)
        elif names:
            at = max(xml.index("</sheets>") + len("</sheets>"),
                     *(xml.index(t) + len(t) for t in ("</functionGroups>", "</externalReferences>") if t in xml))
            xml = xml[:at] + names + xml[at:]
        xml = _VIEW.sub(lambda m: self._view(m[0]), xml, 1)
        out[WORKBOOK] = xml.encode("utf-8")
        out[RELS] = tostring(self.rels.to_tree())
        types = self.z.read(TYPES).decode("utf-8")
        for part in out:
            if out[part] is None:
                types = re.sub(rf'<Override\b[^>]*?PartName="/{re.escape(part)}"[^>]*?/>', "", types)
        added = [*((p, _SHEET_CONTENT) for p in self.added),
                 *((p, kind) for p, (_, kind) in self.beside.items() if kind)]
        types = types.replace("</Types>", "".join(
            f'<Override PartName="/{p}" ContentType="{kind}"/>' for p, kind in added) + "</Types>")
        out[TYPES] = types.encode("utf-8")
        if APP in self.z.namelist():  # its list of sheet titles, optional, is dropped rather than left wrong
            app = re.sub(r"<(HeadingPairs|TitlesOfParts)>.*?</\1>", "", self.z.read(APP).decode("utf-8"), flags=re.S)
            out[APP] = app.encode("utf-8")
        return out

    def _view(self, element: str) -> str:
        """The workbook view with its active and first tab on the same sheets as before (the
        first sheet, when theirs is gone)."""
        names = self.titles()
        for attribute, sheet in (("activeTab", self.active), ("firstSheet", self.first)):
            at = names.index(sheet) if sheet in names else 0
            element = re.sub(rf'\s{attribute}="\d+"', "", element)
            if at:
                element = element.replace("<workbookView", f'<workbookView {attribute}="{at}"', 1)
        return element


def _part(target: str) -> str:
    """A workbook relationship's target as a part name."""
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _owner(rels: str) -> str:
    """The part whose relationships `rels` (a/_rels/b.xml.rels) holds: a/b.xml."""
    folder, _, name = rels.rpartition("_rels/")
    return folder + name[:-len(".rels")]
