"""Packages built to hurt, or broken: each refused in one line (exit 2) before any reader
parses it, the file left as it was; never a traceback, never "0 cells computed"."""

import random
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from workbook import cli, templates

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "edge-cases"


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("good") / "dept.xlsx"
    templates.department().save(path)
    return path


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {info.filename: z.read(info) for info in z.infolist()}


def rebuilt(path: Path, change) -> Path:
    """The package with `change(parts)` applied to its members (name → bytes)."""
    parts = members(path)
    change(parts)
    out = path.with_name("hostile.xlsx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def first_sheet(parts) -> str:
    return next(n for n in parts if n.startswith("xl/worksheets/sheet"))


def _dtd_late(parts):
    sheet = first_sheet(parts)
    parts[sheet] = parts[sheet].replace(b"<sheetData", b"<!-- " + b"x" * 8192 + b' --><!DOCTYPE x [<!ENTITY a "b">]>'
                                        b"<sheetData", 1)


def _utf16(parts):
    sheet = first_sheet(parts)
    parts[sheet] = parts[sheet].decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")


def _bad_utf8(parts):
    sheet = first_sheet(parts)
    parts[sheet] = parts[sheet].replace(b"<sheetData", b"<!-- \xff\xfe --><sheetData", 1)


def _broken_workbook(parts):
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"][:200]


def _no_relationships(parts):
    del parts["xl/_rels/workbook.xml.rels"]


def _duplicate(parts):
    parts["xl/worksheets/../../evil.xml"] = b"<x/>"


def _prefixed(parts):
    sheet = first_sheet(parts)
    text = parts[sheet].decode("utf-8")
    text = text.replace("<worksheet xmlns=", "<x:worksheet xmlns:x=", 1).replace("</worksheet>", "</x:worksheet>")
    parts[sheet] = text.encode("utf-8")


def _relationship_prefix(parts):
    """A sheet's relationship id under a prefix of its own (ns:id), as the corpus'
    nonstandard-xml-ns-prefix.xlsx has it: valid XML, which xlwings' reader does not follow."""
    book = parts["xl/workbook.xml"].decode("utf-8")
    book = book.replace(" r:id=", " ns:id=").replace(
        "<workbook ", '<workbook xmlns:ns="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ', 1)
    parts["xl/workbook.xml"] = book.encode("utf-8")


def _strict(parts):
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")


def _no_cell_references(parts):
    sheet = next(n for n, d in parts.items() if n.startswith("xl/worksheets/sheet") and b"<f>" in d)
    text = parts[sheet].decode("utf-8")
    start = text.index("<sheetData")
    parts[sheet] = (text[:start] + text[start:].replace(' r="', ' rr="')).encode("utf-8")


def _shared_text_missing(value: str):
    """A text cell whose number in the shared texts is missing (`<v/>`, as some exporters write:
    calamine issue #607) or beyond them, on a sheet recalc reads: xlwings' reader panics."""
    def change(parts):
        sheet = next(n for n, d in parts.items() if n.startswith("xl/worksheets/sheet") and b"<f>" in d)
        parts[sheet] = parts[sheet].replace(b"</sheetData>", f'<row r="60000"><c r="C60000" t="s">{value}</c></row>'
                                            f"</sheetData>".encode(), 1)
    return change


def _dtd_across_megabytes(codec: str, before: int):
    """A DTD whose first `before` bytes end the package check's first megabyte of the part
    (it inflates each part a megabyte at a time): in a sheet (UTF-8), or in a custom XML part
    in UTF-16 (its characters two bytes each from the first), which Excel may write and the
    check reads without asking for UTF-8."""
    def change(parts):
        if codec == "utf-8":
            name = first_sheet(parts)
            head, tail = parts[name].split(b"<sheetData", 1)
            tail = b"<sheetData" + tail
        else:
            name, head, tail = "customXml/item9.xml", '<?xml version="1.0" encoding="UTF-16"?>'.encode(codec), \
                "<r/>".encode(codec)
        mark = '<!DOCTYPE x [<!ENTITY a "b">]>'.encode(codec)
        size = (1 << 20) - before - len(head)  # bytes of whitespace between the head and the mark
        # whitespace mixed as a zip bomb's is not: a megabyte of one byte would be refused as one
        pad = bytes(random.Random(0).choices(b" \t\r\n", k=size // len(" ".encode(codec)))).decode().encode(codec)
        assert len(pad) == size
        parts[name] = head + pad + mark + tail
    return change


CASES = {  # how the package is made hostile → what the one line says
    "a DTD after the first 4 KB": (_dtd_late, "carries a DTD"),
    **{f"a DTD in {codec}, {before} of its bytes before the check's second megabyte":
       (_dtd_across_megabytes(codec, before), "carries a DTD")
       for codec, befores in (("utf-8", (1, 5, 8)), ("utf-16-le", (2, 10, 16))) for before in befores},
    "UTF-16 sheet XML": (_utf16, "is not XML in UTF-8"),
    "invalid UTF-8": (_bad_utf8, "is not XML in UTF-8"),
    "broken workbook XML": (_broken_workbook, "is damaged"),
    "no workbook.xml.rels": (_no_relationships, "is damaged"),
    "a path outside the package": (_duplicate, "duplicate or out-of-package names"),
    "prefixed sheet XML (<x:c>)": (_prefixed, "prefixed XML"),
    "Strict Open XML": (_strict, "Strict Open XML"),
    "a sheet's relationship id under another prefix": (_relationship_prefix, "cannot be read"),
    "cells without an r attribute": (_no_cell_references, "without their reference"),
    "a shared text cell without its number": (_shared_text_missing("<v/>"), "cell C60000 refers to a shared text"),
    "a shared text cell beyond the shared texts": (_shared_text_missing("<v>7</v>"),
                                                   "cell C60000 refers to a shared text"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_or_broken_package_is_refused_in_one_line(good, capsys, case):
    change, said = CASES[case]
    path = rebuilt(good, change)
    before = path.read_bytes()
    assert cli.main(["recalc", str(path)]) == 2
    err = capsys.readouterr().err
    assert said in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert path.read_bytes() == before


def test_duplicate_member_names_are_refused(good, capsys):
    path = good.with_name("twice.xlsx")
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w") as z:
        for info in zin.infolist():
            z.writestr(info, zin.read(info))
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")  # a second roster, as apply-moves once took
    assert cli.main(["apply-moves", str(path)]) == 2
    assert "duplicate or out-of-package names" in capsys.readouterr().err


def _damaged(path: Path) -> Path:
    """A member's compressed bytes altered in the middle: its data no longer inflates to its CRC."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = max(z.infolist(), key=lambda i: i.compress_size)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 50, start + 60):
        data[i] ^= 0xFF
    out = path.with_name("damaged.xlsx")
    out.write_bytes(bytes(data))
    return out


def test_corrupt_member_data_is_refused(good, capsys):
    assert cli.main(["recalc", str(_damaged(good))]) == 2
    assert "is damaged and cannot be read" in capsys.readouterr().err


@pytest.mark.skipif(not (CORPUS / "issue252.xlsx").exists(), reason="../shared/corpus is not beside the project")
def test_a_bad_crc_is_refused(tmp_path, capsys):
    path = tmp_path / "issue252.xlsx"
    path.write_bytes((CORPUS / "issue252.xlsx").read_bytes())
    assert cli.main(["recalc", str(path)]) == 2
    assert "Bad CRC-32" in capsys.readouterr().err


def lying_bomb(good: Path, inflated: int = 300 * 1024 ** 2) -> Path:
    """A roster part that inflates to `inflated` bytes while the package says it holds 10,000:
    written honestly, then its sizes in the local header and the central directory overwritten."""
    out = good.with_name("bomb.xlsx")
    parts = members(good)
    roster = first_sheet(parts)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name == roster:
                with z.open(name, "w") as member:
                    member.write(data[:-len(b"</worksheet>")] + b"<!--")
                    for _ in range(inflated // (1 << 24)):
                        member.write(b" " * (1 << 24))
                    member.write(b"--></worksheet>")
            else:
                z.writestr(name, data)
    with zipfile.ZipFile(out) as z:
        info = z.getinfo(roster)
    data = bytearray(out.read_bytes())
    struct.pack_into("<I", data, info.header_offset + 22, 10_000)  # local header: uncompressed size
    name = roster.encode()
    entry = next(i for i in range(len(data) - 4, 0, -1)  # the central directory is at the end
                 if data[i:i + 4] == b"PK\x01\x02" and data[i + 46:i + 46 + len(name)] == name)
    struct.pack_into("<I", data, entry + 24, 10_000)  # central directory: uncompressed size
    out.write_bytes(bytes(data))
    return out


@pytest.mark.skipif(not Path("/proc/self/status").exists(),
                    reason="reads the command's own peak memory from Linux's /proc")
def test_a_zip_bomb_that_lies_about_its_sizes_is_refused_within_a_memory_bound(good):
    """300 MB of inflated XML declared as 10 KB: refused in a process that never holds more than
    a few hundred MB (such a package took 2.16 GB, then exit 0 with a truncated part written).
    The command's own peak (VmHWM): its ru_maxrss starts at the peak of the test process that
    started it, which has held many workbooks by then."""
    bomb = lying_bomb(good)
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo(first_sheet(members(good))).file_size == 10_000  # the lie is in place
    script = ("import sys\nfrom workbook import cli\ncode = cli.main(['recalc', sys.argv[1]])\n"
              "print(code, int(open('/proc/self/status').read().split('VmHWM:')[1].split()[0]) // 1024)")
    out = subprocess.run([sys.executable, "-c", script, str(bomb)], capture_output=True, text=True, timeout=300)
    code, peak_mb = map(int, out.stdout.split())
    assert code == 2 and ("is damaged" in out.stderr or "too large" in out.stderr), out.stderr
    assert peak_mb < 300, peak_mb
