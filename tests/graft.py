"""HR's own things put into a ladderbook workbook from Excel-made files (`../shared/corpus`):
sheets copied with every part they lead to (drawings, charts, images, comments, pivot tables
and their caches) byte for byte, as a workbook of HR's holds them. For tests only."""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from openpyxl.packaging.relationship import Relationship, RelationshipList, get_rels_path
from openpyxl.reader.strings import read_string_table
from openpyxl.xml.functions import fromstring, tostring

from workbook import book_part, files, package, sheet_xml

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PIVOT_CACHE = f"{RELS}/pivotCacheDefinition"


def graft(target: Path, source: Path, sheets: dict[str, str]) -> list[str]:
    """Copy the worksheets of `source` named in `sheets` into the workbook `target`, last, under
    the names `sheets` gives; returns every part copied (shared-string cells of the sheets
    become inline strings, the one change)."""
    with zipfile.ZipFile(source) as zs, zipfile.ZipFile(target) as zt:
        book = book_part.BookPart(zt)
        strings = read_string_table(zs.open("xl/sharedStrings.xml")) if "xl/sharedStrings.xml" in zs.namelist() else []
        rename, todo = {}, []
        for name, title in sheets.items():
            part = files.sheet_parts(zs)[name]
            data = re.sub(rb'<c ([^>]*?)t="s"([^>]*)><v>(\d+)</v></c>',
                          lambda m: b'<c %st="inlineStr"%s><is><t>%s</t></is></c>'
                          % (m[1], m[2], sheet_xml.xml_text(str(strings[int(m[3])])).encode("utf-8")), zs.read(part))
            rename[part] = book.add_sheet(title, data)
            todo.append(part)
        while todo:  # everything the sheets lead to, renamed so as not to meet the workbook's own
            for _, found in files.targets(zs, todo.pop()):
                if found not in rename:
                    folder, name = posixpath.split(found)
                    rename[found] = f"{folder}/hr{name}"
                    todo.append(found)
        parts = book.parts()
        for old, new in rename.items():
            if old not in files.sheet_parts(zs).values():
                parts[new] = zs.read(old)
            if get_rels_path(old) in zs.namelist():
                rels = RelationshipList.from_tree(fromstring(zs.read(get_rels_path(old))))
                for r in rels:
                    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(old), r.Target))
                    if resolved in rename:
                        r.Target = posixpath.relpath(rename[resolved], posixpath.dirname(new))
                parts[get_rels_path(new)] = tostring(rels.to_tree())
        _content_types(parts, zs, rename)
        _pivot_caches(parts, zs, rename)
    temp = target.with_suffix(".grafting")
    package.copy(target, temp, parts)
    temp.replace(target)
    return sorted(set(rename.values()) | {get_rels_path(p) for p in rename.values() if get_rels_path(p) in parts})


def _content_types(parts: dict, zs: zipfile.ZipFile, rename: dict) -> None:
    source = zs.read(book_part.TYPES).decode("utf-8")
    types = parts[book_part.TYPES].decode("utf-8")
    extra = []
    for old, new in rename.items():
        found = re.search(rf'<Override PartName="/{re.escape(old)}" ContentType="([^"]+)"/>', source)
        if found and f'PartName="/{new}"' not in types:
            extra.append(f'<Override PartName="/{new}" ContentType="{found[1]}"/>')
        extension = new.rpartition(".")[2]
        default = re.search(rf'<Default Extension="{extension}" ContentType="([^"]+)"/>', source)
        if default and f'Extension="{extension}"' not in types + "".join(extra):
            extra.append(default[0])
    parts[book_part.TYPES] = types.replace("</Types>", "".join(extra) + "</Types>").encode("utf-8")


def _pivot_caches(parts: dict, zs: zipfile.ZipFile, rename: dict) -> None:
    """The workbook's list of pivot caches, for the caches the copied pivot tables use."""
    workbook = zs.read(book_part.WORKBOOK).decode("utf-8")
    places = dict(files.targets(zs, book_part.WORKBOOK))
    rels = RelationshipList.from_tree(fromstring(parts[book_part.RELS]))
    caches = []
    for cache_id, rid in re.findall(r'<pivotCache cacheId="(\d+)" r:id="(\w+)"/>', workbook):
        if places.get(rid) in rename:
            new_id = f"rId{len(rels) + 100}"
            rels.append(Relationship(Id=new_id, Type=PIVOT_CACHE, Target=rename[places[rid]][len("xl/"):]))
            caches.append(f'<pivotCache cacheId="{cache_id}" r:id="{new_id}"/>')
    if caches:
        xml = parts[book_part.WORKBOOK].decode("utf-8")
        at = xml.index("/>", xml.index("<calcPr")) + 2 if "<calcPr" in xml else xml.index("</workbook>")
        caches = f'<pivotCaches xmlns:r="{RELS}">{"".join(caches)}</pivotCaches>'
        parts[book_part.WORKBOOK] = f"{xml[:at]}{caches}{xml[at:]}".encode()
        parts[book_part.RELS] = tostring(rels.to_tree())
