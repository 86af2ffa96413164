"""Workbook files handled with care: what is refused before reading, and how one is replaced.

Every command that reads a workbook goes through here: a file open in Excel (its `~$` lock
file beside it), anything that is not a workbook, or a package built to hurt the reader (a DTD,
a zip bomb) is refused before it is parsed; the package's sheets, Tables and defined names are
found through its relationships. How a file is written is `writes`.
"""

from __future__ import annotations

import codecs
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree
from openpyxl.packaging.relationship import get_dependents, get_rels_path
from openpyxl.utils import range_boundaries
from openpyxl.workbook.defined_name import DefinedNameList
from openpyxl.worksheet.table import Table as _TablePart

# A package unzipping to more is refused: about twice the 5,000-employee, 24-month workbook whose
# History holds its results (109 MB as a close writes History, 137 MB as openpyxl does; recalc
# peaks at 677 MB on it: README, Benchmarks). History grows by about 1 KB a person a month: a
# department of 5,000 reaches it after four and a half years, one of 1,000 after twenty
MAX_UNZIPPED = 256 * 1024 ** 2
MAX_RATIO = 200  # nor does a real part compress more than this (a zip bomb does)

_DOCTYPE = [text.encode(codec) for text in ["<!DOCTYPE"] for codec in ("utf-8", "utf-16-le", "utf-16-be")]
_SEAM = len(_DOCTYPE[1])  # the longest mark: what of one chunk's end is searched again with the next's start
FORMULA = re.compile(rb"<f[\s/>]")  # a cell's formula, in a worksheet's XML
_STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


class Refused(Exception):
    """The file cannot be processed; the message says why, in Chinese and English."""


OLE2 = bytes.fromhex("d0cf11e0a1b11ae1")  # a compound file: .xls, or an encrypted package


def refuse_unsafe(path: Path) -> frozenset[str]:
    """Raise `Refused` unless `path` is a workbook, closed, and safe to unpack. Returns the
    package's parts that hold a formula, found as each part is inflated for the check: recalc
    reads only those, and History, the largest sheet, holds none."""
    if not path.exists():
        raise Refused(f"找不到文件 {path} | {path} does not exist")
    lock = path.with_name("~$" + path.name)
    if lock.exists():
        raise Refused(f"{path.name} 正在 Excel 中打开，请先关闭 | {path.name} is open in Excel; close it first")
    if not zipfile.is_zipfile(path):
        with path.open("rb") as f:
            compound = f.read(8) == OLE2  # Excel 97-2003 (.xls), or an .xlsx encrypted with a password
        if compound and path.suffix.lower() == ".xls":
            raise Refused(f"{path.name} 是旧版 Excel 97-2003 文件：请在 Excel 或 WPS 中另存为 .xlsx | {path.name} is an "
                          f"Excel 97-2003 file: save it as .xlsx (Excel or WPS: Save As) first")
        if compound:
            raise Refused(f"{path.name} 设有打开密码：请在 Excel 中取消密码（文件 > 信息 > 保护工作簿）后再用 | "
                          f"{path.name} is protected by a password: remove it in Excel (File > Info > "
                          f"Protect Workbook) first")
        raise Refused(f"{path.name} 不是 Excel 工作簿（.xlsx/.xlsm）| {path.name} is not an Excel workbook")
    try:
        with zipfile.ZipFile(path) as z:
            return _inspect(z, path.name)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError, RuntimeError,
            ElementTree.ParseError) as err:  # RuntimeError: a member encrypted inside the zip
        raise Refused(f"{path.name} 已损坏，无法读取（{err}）| {path.name} is damaged and cannot be read ({err})") from None


def _inspect(z: zipfile.ZipFile, name: str) -> frozenset[str]:
    """Every member inflated once, as a stream, before any reader sees the package: its names
    unique and inside the package, its data whole (CRC), its bytes within MAX_UNZIPPED however
    sizes lie, its XML UTF-8 without a DTD; then the workbook's own XML is Excel's (Transitional,
    unprefixed), which is what recalc edits. Returns the XML parts holding a formula."""
    infos = z.infolist()
    names = [i.filename for i in infos]
    if "xl/workbook.xml" not in names:
        raise Refused(f"{name} 不是 Excel 工作簿 | {name} is not an Excel workbook")
    if len(set(names)) != len(names) or any(n.startswith(("/", "\\")) or ".." in n.replace("\\", "/").split("/")
                                            for n in names):
        raise Refused(f"{name} 的压缩包内有重名或越界的部件，拒绝处理 | {name} has parts with duplicate or "
                      f"out-of-package names; refused")
    if sum(i.file_size for i in infos) > MAX_UNZIPPED or any(
            i.compress_size and i.file_size / i.compress_size > MAX_RATIO for i in infos):
        raise Refused(f"{name} 解压后过大，拒绝处理 | {name} unpacks too large; refused")
    inflated, formulas = 0, set()
    for info in infos:
        xml = info.filename.endswith((".xml", ".rels", ".vml"))
        utf8 = xml and not info.filename.startswith("customXml/")  # Excel's own custom XML may be UTF-16
        decoder = codecs.getincrementaldecoder("utf-8")()
        tail = b""
        with z.open(info) as member:  # zipfile stops at the declared size and checks the CRC
            while chunk := member.read(1 << 20):
                inflated += len(chunk)
                if inflated > MAX_UNZIPPED:
                    raise Refused(f"{name} 解压后过大，拒绝处理 | {name} unpacks too large; refused")
                if not xml:
                    continue
                if utf8:
                    try:
                        decoder.decode(chunk)
                    except UnicodeDecodeError:
                        raise Refused(f"{name} 的 {info.filename} 不是 UTF-8 编码的 XML，拒绝处理 | "
                                      f"{info.filename} in {name} is not XML in UTF-8; refused") from None
                for window in (tail + chunk[:_SEAM], chunk):  # a mark across two chunks, then the chunk
                    # UTF-16's marks hold NULs: looked for only where a NUL is, which no UTF-8 sheet holds
                    if _DOCTYPE[0] in window or b"\0" in window and any(mark in window for mark in _DOCTYPE[1:]):
                        raise Refused(f"{name} 含有 DTD，拒绝处理 | {name} carries a DTD; refused")
                    if utf8 and info.filename not in formulas and FORMULA.search(window):
                        formulas.add(info.filename)
                tail = chunk[-_SEAM:]
    workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    if workbook.tag == f"{{{_STRICT}}}workbook":
        raise Refused(f"{name} 以「Strict Open XML」格式保存：请在 Excel 中另存为「Excel 工作簿 (*.xlsx)」后再用 | "
                      f"{name} was saved as Strict Open XML: save it as an ordinary Excel Workbook (*.xlsx) first")
    listed = len(list(workbook.iter(f"{{{_NS['m']}}}sheet")))
    found = sheet_parts(z)
    if len(found) < listed - _other_sheets(z):
        raise Refused(f"{name} 已损坏：工作表的部件或其关系缺失 | {name} is damaged: parts of its sheets, or the "
                      f"relationships that find them, are missing")
    roots = {_root_tag(z, part) for part in ["xl/workbook.xml", *found.values()]}
    if roots - {"workbook", "worksheet"}:
        raise Refused(f"{name} 的 XML 带命名空间前缀（非 Excel 所写），请在 Excel 或 WPS 中打开并另存后再用 | "
                      f"{name} was written with prefixed XML (not by Excel): open it in Excel or WPS and save it "
                      f"again first")
    return frozenset(formulas)


def _other_sheets(z: zipfile.ZipFile) -> int:
    """Sheets of the workbook that are no worksheets (chart sheets, dialog and macro sheets)."""
    return sum(1 for _, target in targets(z, "xl/workbook.xml") if "worksheets/" not in target
               and target.startswith(("xl/chartsheets/", "xl/dialogsheets/", "xl/macrosheets/")))


def _root_tag(z: zipfile.ZipFile, part: str) -> str:
    """The root element's name as written: `worksheet`, or `x:worksheet` with a prefix."""
    with z.open(part) as member:
        head = member.read(4096).decode("utf-8", "replace")
    start = next((i for i in range(len(head) - 1) if head[i] == "<" and head[i + 1] not in "?!"), None)
    return "" if start is None else head[start + 1:].split(None, 1)[0].split(">", 1)[0].rstrip("/")


def date1904(z: zipfile.ZipFile) -> bool:
    """Whether the workbook counts its dates from 1904 (as old Mac Excel did), not 1900."""
    properties = ElementTree.fromstring(z.read("xl/workbook.xml")).find(f"{{{_NS['m']}}}workbookPr")
    return properties is not None and properties.get("date1904") in ("1", "true")


def sheet_parts(z: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → its part in the package, through the workbook's relationships."""
    workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    places = dict(targets(z, "xl/workbook.xml"))
    names = set(z.namelist())
    out = {}
    for sheet in workbook.iter(f"{{{_NS['m']}}}sheet"):
        part = places.get(sheet.get(f"{{{_NS['r']}}}id"), "")
        if part in names and "worksheets/" in part:
            out[sheet.get("name")] = part
    return out


@dataclass(frozen=True)
class Table:
    """An Excel Table: where it is, for formulas that name it (`History[得分]`)."""
    name: str
    sheet: str
    box: tuple[int, int, int, int]  # first row, first column, last row, last column
    headers: tuple[str, ...]
    header_row: bool
    totals_row: bool
    calculated: tuple[tuple[int, str], ...] = ()  # (column, formula) of each calculated column
    part: str = ""  # its part in the package (xl/tables/table1.xml)


def table_parts(z: zipfile.ZipFile, sheet_part: str) -> list[str]:
    """The parts of the Tables on the worksheet `sheet_part`."""
    return [t for _, t in targets(z, sheet_part) if t.startswith("xl/tables/") and t in z.namelist()]


def tables(z: zipfile.ZipFile) -> list[Table]:
    """The package's Tables, read from their parts by openpyxl's own `Table` (through defusedxml)."""
    return [table for sheet, part in sheet_parts(z).items() for table in sheet_tables(z, sheet, part)]


def sheet_tables(z: zipfile.ZipFile, sheet: str, part: str) -> list[Table]:
    """The Tables on the worksheet `sheet` (its part `part`). A calculated column is one whose
    formula Excel fills into every row the Table gains."""
    out = []
    for target in table_parts(z, part):
        t = _TablePart.from_tree(ElementTree.fromstring(z.read(target)))
        min_col, min_row, max_col, max_row = range_boundaries(t.ref)
        calculated = tuple((min_col + i, c.calculatedColumnFormula.attr_text)
                           for i, c in enumerate(t.tableColumns)
                           if c.calculatedColumnFormula is not None and not c.calculatedColumnFormula.array
                           and c.calculatedColumnFormula.attr_text)
        out.append(Table(t.displayName or t.name, sheet, (min_row, min_col, max_row, max_col),
                         tuple(c.name for c in t.tableColumns), t.headerRowCount != 0,
                         bool(t.totalsRowCount), calculated, target))
    return out


def rows_table(boxes: list[tuple[int, int, int, int]], first: int) -> int | None:
    """Which of a sheet's Tables (their boxes: first row, first column, last row, last column)
    rows put from row `first` on go into or grow, by its position, or None: its top above them,
    its end at most one row above them; of such Tables side by side, the leftmost, where the
    rows start. HR's own Table beside History's records (a lookup in BA1:BB3) is not theirs."""
    fits = [i for i, box in enumerate(boxes) if box[0] < first <= box[2] + 1]
    return min(fits, key=lambda i: boxes[i][1], default=None)


def defined_names(z: zipfile.ZipFile) -> dict[str, list[tuple[str, str]] | None]:
    """Each defined name (upper case, as Excel matches them) → the (sheet, cells) it stands for
    (`names`). Names scoped to one sheet are counted for every sheet: the wider guess."""
    out = {}
    for name, places in names(z):
        known = out.get(name.upper(), [])
        out[name.upper()] = None if places is None or known is None else known + places
    return out


def names(z: zipfile.ZipFile) -> list[tuple[str, list[tuple[str, str]] | None]]:
    """Each defined name as written, and the (sheet, cells) it stands for, by openpyxl's own
    reading; None for a name that is a formula (OFFSET…), whose cells only computing tells."""
    workbook = ElementTree.fromstring(z.read("xl/workbook.xml"))
    found = workbook.find(f"{{{_NS['m']}}}definedNames")
    out = []
    for name in DefinedNameList.from_tree(found).definedName if found is not None else ():
        if name.type == "RANGE":
            places = [(sheet.replace("''", "'"), cells) for sheet, cells in name.destinations]
        else:
            places = [] if name.type in ("NUMBER", "TEXT", "LOGICAL", "ERROR") else None
        out.append((name.name, places))
    return out


def targets(z: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(relationship id, target part) of each internal relationship of `part`, resolved by
    openpyxl's own reader of package relationships (through defusedxml)."""
    rels = get_rels_path(part)
    if rels not in z.namelist():
        return []
    return [(r.Id, r.target) for r in get_dependents(z, rels) if r.TargetMode != "External"]
