"""Shared texts of rich text read from a copy whose texts are plain (`shared_texts`,
`file_book._reading_copy`): the reader's values, its own on the file itself, are the same."""

import gc
import zipfile

import libreoffice
import pytest
from test_month_end_package import lo_saved

from workbook import file_book, shared_texts
from workbook.file_book import FileBook

_SST = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
        b'<si><r><rPr><rFont val="DejaVu Sans"/></rPr><t xml:space="preserve">\xe7\x94\xb1 </t></r>'
        b'<r><rPr><rFont val="Cambria"/></rPr><t xml:space="preserve">ladderbook </t></r></si>'
        b'<si><t> plain, left as it is </t></si>'
        b'<si><r><t> a </t></r><r><t/></r><r><t>x\n y &amp;&lt;_x000D_</t></r></si>'
        b'<si><r><t>\t</t></r></si>'
        b'<si>\n<r><t>spaced out: left as it is</t></r></si>'
        b'<si><r><t>&#13;&#x41;</t></r><r><rPr><b/></rPr><t xml:space="preserve"> B </t></r></si>'
        b'</sst>')


def test_a_texts_runs_are_joined_into_one_plain_text_and_every_other_text_left_as_it_is():
    assert shared_texts.plain(_SST) == (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">'
        b'<si><t xml:space="preserve">\xe7\x94\xb1 ladderbook </t></si>'
        b'<si><t> plain, left as it is </t></si>'
        b'<si><t xml:space="preserve"> a x\n y &amp;&lt;_x000D_</t></si>'
        b'<si><t xml:space="preserve">\t</t></si>'
        b'<si>\n<r><t>spaced out: left as it is</t></r></si>'
        b'<si><t xml:space="preserve">&#13;&#x41; B </t></si>'
        b'</sst>')


@pytest.mark.parametrize("mark", [b'<rPh sb="0" eb="1"><t>\xe3\x81\x82</t></rPh>', b"<phoneticPr fontId=\"1\"/>",
                                  b"<!-- a comment -->", b"<?pi inside?>"])
def test_texts_whose_joining_could_change_them_are_left_to_the_reader(mark):
    """A phonetic run (the reader leaves its text out), a comment, a processing instruction:
    the part is read as it is; and so is one without runs, which has nothing to gain."""
    assert shared_texts.plain(_SST.replace(b"</si></sst>", b"</si><si><t>x</t>" + mark + b"</si></sst>")) is None
    assert shared_texts.plain(_SST.replace(b"<t>\t</t>", b"<t><![CDATA[<b>]]></t>")) is None
    assert shared_texts.plain(b'<sst><si><t>plain</t></si></sst>') is None


def _package(path, sst: bytes) -> None:
    """A workbook of one sheet whose column A holds each shared text in turn."""
    count = sst.count(b"<si>")
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>{i - 1}</v></c></row>' for i in range(1, count + 1))
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<workbook xmlns="{main}" xmlns:r="{rels}"><sheets><sheet name="Texts" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
        z.writestr("xl/worksheets/sheet1.xml", f'<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>')
        z.writestr("xl/sharedStrings.xml", sst)


def _read_both(path, monkeypatch) -> tuple[dict, dict]:
    """Every sheet's values as read from the file itself and through a copy with plain texts,
    which is gone once its reader is."""
    itself = FileBook(path)
    assert itself._read == path  # texts under a megabyte: read where they are
    monkeypatch.setattr(file_book, "RICH_TEXTS", 0)
    copied = FileBook(path)
    copy = copied._read
    assert copy != path and copy.parent == path.parent and copy.exists()
    pair = {s: itself.values(s) for s in itself.sheet_names()}, {s: copied.values(s) for s in copied.sheet_names()}
    del copied
    gc.collect()
    assert not copy.exists()
    return pair


def test_the_reader_reads_a_copys_plain_texts_as_it_reads_their_runs(tmp_path, monkeypatch):
    path = tmp_path / "texts.xlsx"
    _package(path, _SST)
    itself, copied = _read_both(path, monkeypatch)
    assert copied == itself
    assert [row[0] for row in itself["Texts"]] == [  # what the reader gives of the runs, and the copy the same
        "由 ladderbook ", " plain, left as it is ", " a x\n y &<\r", "\t", "spaced out: left as it is", "\rA B "]


@libreoffice.NEEDED
def test_a_workbook_libreoffice_saved_reads_the_same_through_a_copy_with_plain_texts(tmp_path, monkeypatch):
    """LibreOffice writes each text mixing Chinese and Latin letters as runs in two fonts."""
    path = lo_saved(tmp_path)
    assert b"<si><r>" in zipfile.ZipFile(path).read("xl/sharedStrings.xml")
    itself, copied = _read_both(path, monkeypatch)
    assert copied == itself
