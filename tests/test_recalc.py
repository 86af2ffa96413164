"""ladderbook recalc: the add-in's answers stored as cached values, nothing else touched."""

import base64
import gc
import random
import shutil
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import xlwings
from xlwings import xlwingslib
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.worksheet.formula import ArrayFormula

import libreoffice
from test_apply_moves import department as deciding
from test_close import small
from workbook.collector import THRESHOLDS
from workbook.file_book import FileBook
from workbook import apply_moves, cli, close, files, formula_text, package, recalc, sheet_xml, templates
from workbook.sample import department
from workbooks import without_templates
from workbook.styles_part import Styles
from xlfuncs.rules import evaluate


@pytest.fixture(scope="module")
def dept(tmp_path_factory):
    roster, records = department(size=80)
    path = tmp_path_factory.mktemp("dept") / "dept.xlsx"
    templates.department_file(path, roster, records)
    return path, roster, records


def copy(path, tmp_path, name="book.xlsx"):
    target = tmp_path / name
    shutil.copy(path, target)
    return target


def members(path) -> dict:
    with zipfile.ZipFile(path) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def test_month_sheet_values_are_the_rules_answers(dept, tmp_path):
    path, roster, records = dept
    book = copy(path, tmp_path)
    report = recalc.recalc(book)
    assert report.left_alone == [] and report.computed > 0
    expected = evaluate(roster, records).table
    ws = openpyxl.load_workbook(book, data_only=True, read_only=True)["2026-10 客户代表"]
    heads = [str(c.value).split("\n")[0] for c in ws[2]]
    rows = [dict(zip(heads, r)) for r in ws.iter_rows(min_row=3, values_only=True)]
    people = (roster["ladder"] == "客户代表").sum()
    assert len(rows) == people + 10  # the blank rows under them: a twentieth of the people, at least ten
    assert {(row["工号"], row["可晋升"]) for row in rows[people:]} == {(None, None)}  # no answer on a blank row
    for row in rows[:people]:
        want = expected.loc[str(row["工号"])]
        assert row["可晋升"] is want["eligible"]
        assert row["未达条件"] == (want["reasons"] or None)
        assert row["应降级"] is want["demotion_due"]
        assert row["评审结果"] == want["outcome"]
        assert row["周期平均"] == pytest.approx(want["cycle_average"])


def test_every_other_part_is_byte_identical(dept, tmp_path):
    path, _, _ = dept
    wb = openpyxl.load_workbook(path)
    guide = wb.worksheets[0]
    guide["C3"] = 3
    guide["C4"] = 4
    chart = BarChart()
    chart.add_data(Reference(guide, min_col=3, min_row=3, max_row=4))
    guide.add_chart(chart, "E5")
    guide["A1"].comment = Comment("备注 comment", "HR")
    wb.calculation.fullCalcOnLoad = False
    book = tmp_path / "rich.xlsm"
    wb.save(book)
    with_vba_and_image(book)
    before = members(book)
    recalc.recalc(book)
    after = members(book)
    assert list(after) == list(before)
    changed = {name for name in before if before[name] != after[name]}
    assert changed and all(name.startswith("xl/worksheets/sheet") for name in changed)
    for name in ("xl/vbaProject.bin", "xl/media/image1.png", "xl/styles.xml", "xl/workbook.xml"):
        assert after[name] == before[name]
    assert any(n.startswith("xl/charts/") for n in after) and any("comments" in n for n in after)
    assert "xl/vbaProject.bin" in openpyxl.load_workbook(book, keep_vba=True).vba_archive.namelist()


PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


def with_vba_and_image(path):
    """Make the saved workbook an .xlsm with a real VBA project (xlwings' quickstart's) and a
    picture in its first drawing, each wired into the package as Excel wires them."""
    with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart.xlsm") as z:
        vba = z.read("xl/vbaProject.bin")
    parts = members(path)
    types = parts["[Content_Types].xml"].decode()
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        "<Default ", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                    '<Default Extension="png" ContentType="image/png"/><Default ', 1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode().replace("</Relationships>", (
        '<Relationship Id="rIdVBA" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject"'
        ' Target="vbaProject.bin"/></Relationships>'))
    drawing = parts["xl/drawings/drawing1.xml"].decode().replace("</wsDr>", (
        '<oneCellAnchor xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><from><col>1</col><colOff>0</colOff><row>20</row><rowOff>0</rowOff></from>'
        '<ext cx="952500" cy="952500"/><pic><nvPicPr><cNvPr id="90" name="Picture 1"/><cNvPicPr/></nvPicPr>'
        '<blipFill><a:blip r:embed="rIdImg"/><a:stretch><a:fillRect/></a:stretch></blipFill>'
        '<spPr><a:prstGeom prst="rect"/></spPr></pic><clientData/></oneCellAnchor></wsDr>'))
    drawing_rels = parts["xl/drawings/_rels/drawing1.xml.rels"].decode().replace("</Relationships>", (
        '<Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
        ' Target="../media/image1.png"/></Relationships>'))
    parts.update({"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels": rels.encode(),
                  "xl/drawings/drawing1.xml": drawing.encode(),
                  "xl/drawings/_rels/drawing1.xml.rels": drawing_rels.encode(),
                  "xl/vbaProject.bin": vba, "xl/media/image1.png": PNG})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_single_cell_formulas_down_a_column_read_the_workbook_once(dept, tmp_path, monkeypatch):
    """Each formula is one call, as Excel makes it; the roster is read once for all of them."""
    path, roster, records = dept
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("汇总")
    ids = list(roster["employee"][:30])
    for row, emp in enumerate(ids, 2):
        ws.cell(row, 1, int(emp))
        ws.cell(row, 2, f"=NEXT_LEVEL(A{row})")
        ws.cell(row, 3, f'=IF(PROMO_ELIGIBLE(A{row}),"是","否")')
    ws["E1"] = '=RAISE_RANGE("中级客服","高级客服")'
    ws["E2"] = "=A2+1"
    wb.calculation.fullCalcOnLoad = False
    book = tmp_path / "dash.xlsx"
    wb.save(book)
    reads = []
    original = xlwingslib.get_sheet_values
    monkeypatch.setattr(xlwingslib, "get_sheet_values", lambda *a: reads.append(a[1]) or original(*a))
    report = recalc.recalc(book)
    assert reads.count(FileBook(book).sheet_names().index("员工名册")) == 1
    values = openpyxl.load_workbook(book, data_only=True, read_only=True)["汇总"]
    table = evaluate(roster, records).table
    assert [values.cell(r, 2).value for r in range(2, 32)] == [
        table.at[str(e), "next_level"] or None for e in ids]
    assert values["E1"].value == 1000  # the left cell of the {min, max} pair
    assert values["C2"].value is None  # a nested call is left alone, and said
    assert ("汇总!C2", 'IF(PROMO_ELIGIBLE(A2),"是","否")') in report.left_alone


@pytest.mark.parametrize("reference", ["A1", "'S'!A1"])
def test_shared_formulas_are_expanded(dept, tmp_path, reference):
    """Excel stores a formula filled down as one shared formula and followers that name it;
    each follower's references move along, also where they name their sheet."""
    path, roster, records = dept
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("S")["A1"] = "placeholder"
    wb.save(tmp_path / "s.xlsx")
    data = members(tmp_path / "s.xlsx")
    part = next(n for n in data if n.startswith("xl/worksheets/") and b"placeholder" in data[n])
    ids = [int(e) for e in roster["employee"][:3]]
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="n"><v>{e}</v></c><c r="B{r}">'
        + (f'<f t="shared" ref="B1:B3" si="0">NEXT_LEVEL({reference})</f>' if r == 1 else '<f t="shared" si="0"/>')
        + "</c></row>" for r, e in enumerate(ids, 1))
    xml = data[part].decode()
    xml = xml[:xml.index("<sheetData>")] + f"<sheetData>{rows}</sheetData>" + xml[xml.index("</sheetData>") + 12:]
    with zipfile.ZipFile(tmp_path / "shared.xlsx", "w") as z:
        for name, content in data.items():
            z.writestr(name, xml if name == part else content)
    recalc.recalc(tmp_path / "shared.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "shared.xlsx", data_only=True, read_only=True)["S"]
    expected = evaluate(roster, records).table
    assert [ws.cell(r, 2).value for r in (1, 2, 3)] == [expected.at[str(e), "next_level"] or None for e in ids]


def test_formulas_are_found_in_their_own_cells_among_others():
    """Found by the formula, then its cell: past a self-closed cell, a <col>-like tag, a cell
    with a value, an array formula's range; a formula in a cell without its reference (or in
    no cell of its own) is refused, not given to the cell before it."""
    xml = ('<worksheet><cols><col min="1" max="2"/></cols><sheetData><row r="1"><c r="A1" s="2"/>'
           '<c r="B1"><v>3</v></c><c r="C1" t="str"><f>SUM(A1:B1)&amp;"&lt;"</f><v>3&lt;</v></c>'
           '<c\nr="D1"><f t="array" ref="D1:D3">NEXT_LEVEL(A1:A3)</f></c></row></sheetData></worksheet>')
    assert [(f.cell, f.text, f.target) for f in formula_text.found("S", xml)] == [
        ("C1", 'SUM(A1:B1)&"<"', "C1"), ("D1", "NEXT_LEVEL(A1:A3)", "D1:D3")]
    for unplaced in ('<c r="A1" s="2"/><c><f>1+1</f></c>', '<c r="A1"><v>1</v></c><c s="1"><f>1+1</f></c>',
                     '<row r="1"><f>1+1</f></row>'):
        with pytest.raises(files.Refused, match="without their reference"):
            formula_text.found("S", f"<worksheet><sheetData>{unplaced}</sheetData></worksheet>")


def test_arguments_it_cannot_read_leave_the_formula_alone_and_said(dept, tmp_path):
    path, roster, _ = dept
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("N")
    ws["A1"] = int(roster["employee"].iloc[0])
    ws["B1"] = "=NEXT_LEVEL(Staff)"           # a defined name
    ws["B2"] = "=NEXT_LEVEL(Gone!A1)"         # a sheet the file no longer has
    ws["B3"] = "=NEXT_LEVEL(A1+0)"            # an expression
    ws["B4"] = "=NEXT_LEVEL('N'!A1)"          # a reference it can read
    wb.save(tmp_path / "n.xlsx")
    report = recalc.recalc(tmp_path / "n.xlsx")
    alone = {address for address, _ in report.left_alone}
    assert {"N!B1", "N!B2", "N!B3"} <= alone and "N!B4" not in alone
    assert openpyxl.load_workbook(tmp_path / "n.xlsx", data_only=True)["N"]["B4"].value


def test_errors_are_true_error_cells_and_reported(dept, tmp_path):
    path, _, _ = dept
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("E")
    ws["A1"], ws["B1"] = 99999, "=PROMO_ELIGIBLE(A1)"
    wb.save(tmp_path / "e.xlsx")
    report = recalc.recalc(tmp_path / "e.xlsx")
    assert ("E!B1", "#N/A 工号 99999 不在员工名册中 | employee 99999 is not on the roster") in report.errors["#N/A"]
    with zipfile.ZipFile(tmp_path / "e.xlsx") as z:
        sheet = next(z.read(n).decode() for n in z.namelist() if b"PROMO_ELIGIBLE(A1)" in z.read(n))
    assert '<c r="B1" t="e"><f>PROMO_ELIGIBLE(A1)</f><v>#N/A</v></c>' in sheet
    assert pd.isna(pd.read_excel(tmp_path / "e.xlsx", sheet_name="E", header=None, engine="openpyxl").iloc[0, 1])


def test_refuses_open_files_and_non_workbooks(dept, tmp_path, capsys):
    path, _, _ = dept
    book = copy(path, tmp_path)
    (tmp_path / ("~$" + book.name)).write_text("lock")
    assert cli.main(["recalc", str(book)]) == 2
    assert "正在 Excel 中打开" in capsys.readouterr().err
    (tmp_path / "notes.xlsx").write_text("not a workbook")
    with pytest.raises(files.Refused, match="not an Excel workbook"):
        recalc.recalc(tmp_path / "notes.xlsx")
    data = members(path)
    data["xl/workbook.xml"] = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>' + data["xl/workbook.xml"][38:]
    with zipfile.ZipFile(tmp_path / "dtd.xlsx", "w") as z:
        for name, content in data.items():
            z.writestr(name, content)
    with pytest.raises(files.Refused, match="DTD"):
        recalc.recalc(tmp_path / "dtd.xlsx")


def test_a_failed_save_leaves_the_original_intact(dept, tmp_path, monkeypatch):
    path, _, _ = dept
    book = copy(path, tmp_path)
    before = book.read_bytes()
    original = package._raw
    copied = []

    def failing(raw, info):
        copied.append(info)
        if len(copied) > 5:  # the disk full half way through the package
            raise OSError("No space left on device")
        return original(raw, info)

    monkeypatch.setattr(package, "_raw", failing)
    with pytest.raises(OSError, match="No space left"):
        recalc.recalc(book)
    assert book.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [book.name]  # no temporary file left behind


def test_output_elsewhere_and_as_of(dept, tmp_path):
    path, roster, records = dept
    out = tmp_path / "out.xlsx"
    before = path.read_bytes()
    assert cli.main(["recalc", str(path), "--output", str(out), "--as-of", "2026-09"]) == 0
    assert path.read_bytes() == before
    ws = openpyxl.load_workbook(out, data_only=True, read_only=True)["2026-10 客服职级"]
    heads = [str(c.value).split("\n")[0] for c in ws[2]]
    first = dict(zip(heads, next(ws.iter_rows(min_row=3, values_only=True))))
    want = evaluate(roster, records, as_of="2026-09").table.loc[str(first["工号"])]
    assert first["未达条件"] == (want["reasons"] or None)


@libreoffice.NEEDED
def test_libreoffice_shows_the_stored_values_of_single_cell_formulas(tmp_path):
    """The two-person department of test_close: 1002, 初级客服, is next 中级客服 on the policy's
    CS grades, as LibreOffice shows the value recalc stored."""
    wb = openpyxl.load_workbook(small(tmp_path))
    without_templates(wb)
    ws = wb.create_sheet("汇总")
    ws["A1"], ws["B1"] = 1002, "=NEXT_LEVEL(A1)"
    wb.calculation.fullCalcOnLoad = False
    book = tmp_path / "lo.xlsx"
    wb.save(book)
    recalc.recalc(book)
    libreoffice.convert([book], "xlsx", tmp_path / "out")
    shown = openpyxl.load_workbook(tmp_path / "out" / "lo.xlsx", data_only=True, read_only=True)["汇总"]
    assert shown["B1"].value == "中级客服"


def test_progress_hears_of_every_step(dept, tmp_path):
    path, _, _ = dept
    seen = []
    report = recalc.recalc(copy(path, tmp_path), progress=lambda done, total: seen.append((done, total)))
    steps = report.calls + report.ordinary  # each add-in call, then the ordinary formulas by batches
    assert seen and seen[-1][0] == seen[-1][1] == steps and report.ordinary > 90  # the dashboard
    assert [d for d, _ in seen[:report.calls]] == list(range(1, report.calls + 1))
    assert len(seen) > report.calls and all(a < b for (a, _), (b, _) in zip(seen, seen[1:]))


def test_ordinary_formulas_follow_the_new_answers_in_dependency_order(tmp_path):
    """The formula engine computes the other formulas over the add-in's fresh answers; what it
    cannot compute keeps its stored value and is listed."""
    roster = pd.DataFrame([
        {"employee": 1001, "name": "王芳", "ladder": "客服职级", "level": "初级客服", "hire_date": pd.Timestamp("2024-03-01")},
        {"employee": 1002, "name": "李伟", "ladder": "客服职级", "level": "初级客服", "hire_date": pd.Timestamp("2024-03-01")},
        {"employee": 1003, "name": "张敏", "ladder": "客服职级", "level": "中级客服", "hire_date": pd.Timestamp("2024-03-01")},
    ])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-10-01"), "employee": e, "score": 1.2} for e in (1001, 1002, 1003)])
    wb = templates.with_department(roster, records)
    ws = wb.create_sheet("汇总")
    for row, emp in enumerate((1001, 1002, 1003), 2):
        ws.cell(row, 1, emp)
        ws.cell(row, 2, f"=NEXT_LEVEL(A{row})")
    ws["C2"], ws["C3"] = pd.Timestamp("2026-09-01").to_pydatetime(), pd.Timestamp("2026-10-01").to_pydatetime()
    ws["D1"] = '=E1*10'                      # depends on a cell below it on the sheet
    ws["E1"] = '=COUNTIF(B2:B4,"中级客服")'   # over the add-in's answers: 初级客服 → 中级客服 twice
    ws["D2"] = "=MAX(C:C)"                   # a whole column of dates: the latest, as a serial
    ws["D3"] = "=FOOBAR(1)"                  # a function the engine does not know
    ws["D4"] = "=Staff*2"                    # a defined name
    ws["D5"] = "=D3+1"                       # depends on it: over Excel's stored 7
    ws["D6"] = ArrayFormula("D6:D7", "=B2:B3")  # an array formula over two cells
    ws["D8"] = "=D7&\"!\""                  # depends on it
    ws["D11"] = ArrayFormula("D11", '=SUM(IF(B2:B4="中级客服",1,0))')  # an array formula of one cell
    for row in (2, 3, 4):                    # a nested add-in call: left alone, its stored value stale
        ws.cell(row, 6, f'=IF(PROMO_ELIGIBLE(A{row}),"是","否")')
    ws["D9"] = '=COUNTIF(F2:F4,"否")'        # so this is not computed from the stale values either
    wb.create_sheet("空")
    ws["D10"] = "=SUM('空'!A:A)+1"            # a whole column of an empty sheet
    wb.calculation.fullCalcOnLoad = False
    book = tmp_path / "ordinary.xlsx"
    wb.save(book)
    data = members(book)
    part = next(n for n in data if n.startswith("xl/worksheets/") and b"FOOBAR" in data[n])
    old = re.sub(r"<f>FOOBAR\(1\)</f><v ?/>|<f>FOOBAR\(1\)</f><v></v>", "<f>FOOBAR(1)</f><v>7</v>", data[part].decode())
    assert old != data[part].decode()
    with zipfile.ZipFile(book, "w") as z:  # the cached value Excel last stored: 7
        for name, content in data.items():
            z.writestr(name, old if name == part else content)

    report = recalc.recalc(book)
    values = openpyxl.load_workbook(book, data_only=True, read_only=True)["汇总"]
    assert [values.cell(r, 2).value for r in (2, 3, 4)] == ["中级客服", "中级客服", "高级客服"]
    assert values["E1"].value == 2 and values["D1"].value == 20
    assert values["D2"].value == 46296  # 2026-10-01
    assert values["D3"].value == 7       # kept as Excel stored it: it reads nothing of ours
    assert values["D5"].value == 8       # not computed before: over the stored 7
    assert values["D10"].value == 1
    alone = {address for address, _ in report.left_alone}
    assert {"汇总!D4", "汇总!D6", "汇总!D8", "汇总!F2", "汇总!D9", "汇总!D11"} <= alone
    assert "汇总!D3" not in alone and "汇总!D5" not in alone
    assert "汇总!D1" not in alone and "汇总!E1" not in alone


CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@pytest.mark.skipif(not (CORPUS / "edge-cases" / "errors.xlsx").exists(),
                    reason="../shared/corpus (Excel-made test files) is not beside the project")
def test_error_cells_of_a_file_are_read_as_errors_not_blanks():
    # calamine's own test file: each cell a formula whose stored value is an Excel error
    values = FileBook(CORPUS / "edge-cases" / "errors.xlsx").values("Feuil1")
    assert [row[0] for row in values[:7]] == ["#DIV/0!", "#NAME?", "#VALUE!", "#NULL!", "#REF!", "#NUM!", "#N/A"]


@pytest.mark.parametrize("text", ["a\x01b", "literal _x0041_ stays", "<&>", "line\rbreak", "\ufffe"])
def test_text_answers_are_escaped_as_excel_writes_them(text):
    """Control characters are not allowed in XML; Excel (and XlsxWriter) write them as _xHHHH_
    and escape a literal _xHHHH_, so a reader decodes each back to the text."""
    from xml.sax.saxutils import unescape as xml_unescape

    from openpyxl.utils.escape import unescape

    written = sheet_xml.xml_text(text)
    assert not any(ord(c) < 32 and c not in "\t\n" for c in written)
    assert unescape(xml_unescape(written)) == text


@pytest.mark.parametrize("as_of", ["foo", "2026-13"])
def test_a_review_month_that_is_no_month_is_refused_before_anything_is_written(dept, tmp_path, capsys, as_of):
    path, _, _ = dept
    before = path.read_bytes()
    assert cli.main(["recalc", str(path), "--as-of", as_of]) == 2
    assert f"评审月份「{as_of}」无法识别" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_workbook_with_nothing_to_compute_is_not_rewritten(tmp_path):
    wb = openpyxl.Workbook()
    wb.active["A1"] = "no formula here"
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    path.chmod(0o640)
    before = path.read_bytes()
    assert recalc.recalc(path).computed == 0
    assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o640


def add_in_formulas(path) -> list[str]:
    names = recalc.functions()
    with zipfile.ZipFile(path) as z:
        return [f for n in z.namelist() if n.startswith("xl/worksheets/")
                for f in re.findall(r"<f\b[^>]*>(.*?)</f>", z.read(n).decode(), re.S)
                if any(f"{name}(" in f for name in names)]


def test_export_keeps_the_answers_as_values_and_the_rest_as_it_was(tmp_path, capsys):
    roster, records = department(size=20, months=6)
    path = tmp_path / "部门.xlsx"
    templates.with_department(roster, records).save(path)
    before = path.read_bytes()
    assert cli.main(["export", str(path)]) == 0
    exported = tmp_path / "部门-values.xlsx"
    assert path.read_bytes() == before and add_in_formulas(path)  # the workbook keeps its formulas
    assert add_in_formulas(exported) == []
    stored = openpyxl.load_workbook(exported, read_only=True)["2026-10 客服职级"]
    heads = [str(c.value).split("\n")[0] for c in stored[2]]
    first = dict(zip(heads, [c.value for c in stored[3]]))
    want = evaluate(roster, records).table.loc[str(first["工号"])]
    assert first["可晋升"] == want["eligible"] and first["应降级"] == want["demotion_due"]
    assert cli.main(["export", str(path), "--output", str(path)]) == 2  # never over the workbook


@libreoffice.NEEDED
def test_libreoffice_shows_the_export_without_name_errors(tmp_path):
    """LibreOffice recomputes array formulas on opening: the workbook's add-in columns show #NAME?
    there (test_month_end_package's LibreOffice-saved workbook), the export's show the answers."""
    roster, records = department(size=20, months=6)
    path = tmp_path / "部门.xlsx"
    wb = templates.with_department(roster, records)
    without_templates(wb)
    wb.save(path)
    recalc.recalc(path)
    recalc.recalc(path, tmp_path / "export.xlsx", values_only=True)
    libreoffice.convert([tmp_path / "export.xlsx"], "xlsx", tmp_path / "lo")
    wb = openpyxl.load_workbook(tmp_path / "lo" / "export.xlsx", data_only=True, read_only=True)
    shown = [v for ws in wb.worksheets if ws.title.startswith("2026-10")
             for row in ws.iter_rows(min_row=3, values_only=True) for v in row]
    assert "#NAME?" not in shown
    stored = openpyxl.load_workbook(tmp_path / "export.xlsx", data_only=True, read_only=True)
    assert shown == [pytest.approx(v, rel=1e-13) if isinstance(v, float) else v  # LibreOffice: 15 digits
                     for ws in stored.worksheets if ws.title.startswith("2026-10")
                     for row in ws.iter_rows(min_row=3, values_only=True) for v in row]


def test_an_old_xls_or_a_password_protected_workbook_is_told_what_to_do(tmp_path, capsys):
    old = tmp_path / "部门.xls"
    old.write_bytes(files.OLE2 + bytes(504))  # an Excel 97-2003 file begins so
    assert cli.main(["recalc", str(old)]) == 2
    assert "save it as .xlsx" in capsys.readouterr().err
    locked = tmp_path / "部门.xlsx"  # Excel writes a workbook with an opening password as a compound file too
    locked.write_bytes(files.OLE2 + bytes(504))
    assert cli.main(["recalc", str(locked)]) == 2
    assert "remove it in Excel" in capsys.readouterr().err
    if (CORPUS / "edge-cases" / "pass_protected.xlsx").exists():  # calamine's encrypted test file
        assert cli.main(["recalc", str(CORPUS / "edge-cases" / "pass_protected.xlsx")]) == 2
        assert "protected by a password" in capsys.readouterr().err


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus (Excel-made test files) is not beside the project")
def test_excel_made_workbooks_with_nothing_of_ours_are_left_exactly_as_they_were(tmp_path, capsys):
    """The corpus: Excel's own files (charts, pivots, VBA, SUBTOTAL over hidden rows …) and
    readers' edge cases. None holds an add-in formula, so recalc stores nothing: each file keeps
    its bytes and its mode, or is refused in one line (encrypted, broken)."""
    for original in sorted(CORPUS.glob("*/*.xls*")):
        path = tmp_path / original.name
        shutil.copy(original, path)
        path.chmod(0o640)
        before = path.read_bytes()
        assert cli.main(["recalc", str(path)]) in (0, 2, 3), original.name
        err = capsys.readouterr().err
        assert "Traceback" not in err and len(err.strip().splitlines()) <= 1, (original.name, err)
        assert path.read_bytes() == before and path.stat().st_mode & 0o777 == 0o640, original.name


def test_a_formula_that_reads_none_of_our_answers_keeps_excels_value(tmp_path):
    """Excel's stored value is the truth unless one of our answers moved beneath it: a SUM over
    plain cells keeps what Excel stored (here, on purpose, not the sum), a COUNTIF over an add-in
    column is computed."""
    roster, records = department(size=5, months=3)
    path = tmp_path / "部门.xlsx"
    wb = templates.with_department(roster, records)
    ws = wb.create_sheet("汇总")
    ws["A1"], ws["A2"], ws["B1"] = 1, 2, "=SUM(A1:A2)"
    ws["C1"] = "=COUNTIF('2026-10 客服职级'!P3:P100,TRUE)"  # over PROMO_ELIGIBLE's column
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        data = {n: z.read(n) for n in z.namelist()}
    part = next(n for n, d in data.items() if n.startswith("xl/worksheets/") and b"SUM(A1:A2)" in d)
    data[part] = re.sub(rb'<c r="B1"[^>]*>.*?</c>', b'<c r="B1"><f>SUM(A1:A2)</f><v>99</v></c>', data[part])
    with zipfile.ZipFile(path, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)
    recalc.recalc(path)
    shown = openpyxl.load_workbook(path, data_only=True, read_only=True)
    assert shown["汇总"]["B1"].value == 99  # Excel's value, kept
    column = [row[15] for row in FileBook(path).values("2026-10 客服职级")[2:]]
    assert shown["汇总"]["C1"].value == sum(v is True for v in column) and column  # computed over our answers


def test_parts_recalc_does_not_change_keep_their_compressed_bytes(dept, tmp_path):
    """Only the sheets holding add-in formulas are deflated anew; History and every other member
    are copied compressed as they were, and the package reads back whole (every CRC checked)."""
    path, _, _ = dept
    book = copy(path, tmp_path)
    with zipfile.ZipFile(book) as z:
        before = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
    raw_before = book.read_bytes()
    recalc.recalc(book)
    with zipfile.ZipFile(book) as z:
        assert z.testzip() is None
        after = {i.filename: (i.CRC, i.compress_size, i.compress_type) for i in z.infolist()}
        history = next(n for n in after if n.startswith("xl/worksheets/") and b"<f" not in z.read(n))
    assert list(after) == list(before)  # the members, in their order
    changed = {n for n in after if after[n] != before[n]}
    assert changed and all(n.startswith("xl/worksheets/") or n == "xl/workbook.xml" for n in changed)
    assert history not in changed and before[history][1] > 0
    with zipfile.ZipFile(path) as z:  # the compressed bytes themselves, found where each header says
        info = z.getinfo(history)
    start = raw_before.index(info.filename.encode()) + len(info.filename.encode())
    assert raw_before[start:start + info.compress_size] in book.read_bytes()


def test_formula_text_written_as_character_references_is_read_as_its_characters(dept, tmp_path):
    """Some writers (openpyxl through lxml among them) write every character beyond ASCII as a
    reference, &#21592; for 员: a sheet's name and a text inside a formula read as what they say."""
    wb = openpyxl.load_workbook(dept[0])
    ws = wb.create_sheet("汇总")
    ws["A1"] = '=LEN("中级客服")'
    ws["A2"] = "=COUNTA('员工名册'!A:A)"
    wb.calculation.fullCalcOnLoad = False
    book = tmp_path / "refs.xlsx"
    wb.save(book)
    data = members(book)
    part = next(n for n in data if n.startswith("xl/worksheets/") and b"LEN(" in data[n])
    data[part] = data[part].decode().encode("ascii", "xmlcharrefreplace")
    assert b"&#20013;" in data[part]
    with zipfile.ZipFile(book, "w") as z:
        for name, content in data.items():
            z.writestr(name, content)
    recalc.recalc(book)
    values = openpyxl.load_workbook(book, data_only=True, read_only=True)["汇总"]
    assert values["A1"].value == 4 and values["A2"].value == 81  # four characters; 80 people and the header


def test_a_number_no_cell_can_hold_is_stored_as_excel_shows_it(tmp_path):
    """A NaN or an infinity (a result gone wrong) is written as the error Excel shows for it,
    #NUM!, by recalc's cached values and by the month end's new cells: written as 'nan', no
    reader would open the file. Read back, the cell is that error."""
    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        new_cell = '<c r="B1"' + Styles(z).cell(float("inf"), None)
        part = files.sheet_parts(z)["Sheet"]
        data = z.read(part)
    cached = recalc._cell_xml(' r="C1"', "", float("nan"))
    assert cached == '<c r="C1" t="e"><v>#NUM!</v></c>' and new_cell == '<c r="B1" t="e"><v>#NUM!</v></c>'
    package.copy(path, tmp_path / "c.xlsx", {part: data.replace(b"</row>", (new_cell + cached).encode() + b"</row>")})
    assert FileBook(tmp_path / "c.xlsx").values("Sheet") == [[1.0, "#NUM!", "#NUM!"]]


def test_a_second_recalc_of_an_unchanged_workbook_leaves_the_file_as_it_is(tmp_path):
    """Its answers are the values the file stores already: nothing is written, the file keeps
    its bytes and its time; it still computed every add-in formula (the dashboard's, computed
    the first time, read no answer and keep their values)."""
    path = tmp_path / "dept.xlsx"
    roster, records = department(size=12, months=4)
    templates.with_department(roster, records).save(path)
    first = recalc.recalc(path)
    before, when = path.read_bytes(), path.stat().st_mtime_ns
    again = recalc.recalc(path)
    assert first.computed - first.ordinary == again.computed > 100
    assert path.read_bytes() == before and path.stat().st_mtime_ns == when


def test_after_apply_moves_the_values_stored_are_those_a_full_recalc_gives(tmp_path):
    """apply-moves' recalc step writes only the answers that changed (the people who moved);
    every add-in cell then holds what a recalc of the same workbook with no value stored gives
    (openpyxl's round trip drops them all)."""
    path = deciding(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    assert close.close_file(path).plan.problems == []
    moved, _ = apply_moves.apply_file(path)
    assert len(moved.moves) == 1
    full = tmp_path / "full.xlsx"
    openpyxl.load_workbook(path).save(full)
    recalc.recalc(full)
    for sheet in [s for s in FileBook(path).sheet_names() if s.startswith("2026-11")]:
        assert FileBook(path).values(sheet) == FileBook(full).values(sheet), sheet


@pytest.mark.parametrize("shift", [-2, -1, 0])
def test_a_formula_where_the_package_check_reads_a_new_megabyte_is_still_computed(tmp_path, shift):
    """recalc reads the sheets the package check saw holding a formula, found as each part is
    inflated a megabyte at a time: a sheet whose one formula straddles that boundary is computed."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"  # never computed: recalc computes it
    plain = tmp_path / "plain.xlsx"
    wb.save(plain)
    book = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(plain) as z, zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as out:
        part = files.sheet_parts(z)["Sheet"]
        xml = z.read(part)
        at = xml.index(b"<sheetData>") + len(b"<sheetData>")
        # whitespace mixed as a zip bomb's is not: a megabyte of one byte would be refused as one
        pad = bytes(random.Random(0).choices(b" \t\r\n", k=(1 << 20) + shift - xml.index(b"<f", at)))
        for info in z.infolist():
            out.writestr(info, xml[:at] + pad + xml[at:] if info.filename == part else z.read(info))
    assert files.refuse_unsafe(book) == {part}
    assert recalc.recalc(book).computed == 1
    assert openpyxl.load_workbook(book, data_only=True, read_only=True)["Sheet"]["A1"].value == 2


def test_a_workbook_written_over_between_the_package_check_and_the_lock_has_its_formulas_found(tmp_path, monkeypatch):
    """The parts the check saw holding formulas are those of the file it checked: another command's
    workbook renamed into place before recalc holds the file is searched for its own."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = "no formula yet"
    book = tmp_path / "book.xlsx"
    wb.save(book)
    wb.active["A1"] = "=1+1"
    wb.save(tmp_path / "theirs.xlsx")
    check = files.refuse_unsafe

    def checked_then_written_over(path):
        found = check(path)
        (tmp_path / "theirs.xlsx").replace(book)
        return found

    monkeypatch.setattr(files, "refuse_unsafe", checked_then_written_over)
    assert recalc.recalc(book).computed == 1
    assert openpyxl.load_workbook(book, data_only=True, read_only=True)["Sheet"]["A1"].value == 2


def test_a_command_runs_the_collector_less_often_while_it_works(dept, tmp_path, monkeypatch, pythons_defaults):
    """`workbook/collector.py`: History's rows, held to the command's end, are not walked by a full
    collection every few thousand objects made."""
    book, during = copy(dept[0], tmp_path), []
    computing = recalc.recalc
    monkeypatch.setattr(recalc, "recalc", lambda *a, **k: during.append(gc.get_threshold()) or computing(*a, **k))
    assert cli.main(["recalc", str(book)]) == 0
    assert during == [THRESHOLDS] and gc.get_threshold() == pythons_defaults
