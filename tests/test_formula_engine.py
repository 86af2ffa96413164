"""The ordinary formulas recalc computes (workbook/engine.py), against LibreOffice and against the
values Excel stored: HR's usual functions over add-in columns, Table references and defined names,
and Excel-made workbooks with one add-in formula injected."""

import datetime as dt
import functools
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.table import Table
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import fromstring

import libreoffice
from workbook import cli, engine_book, files, recalc, templates, writes
from workbook.file_book import FileBook
from workbook.sample import department
from workbooks import without_templates

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LIBREOFFICE = libreoffice.NEEDED

# What HR writes over the add-in's columns (B: NEXT_LEVEL, C: PROMO_ELIGIBLE, D: CYCLE_AVG of A)
HR_FORMULAS = {
    "F1": 'COUNTIF(Staff[下一职级],"高级客服")',
    "F2": "COUNTIFS(Staff[可晋升],TRUE,Staff[周期平均],\">=0\")",
    "F3": 'SUMPRODUCT(--(NextLevels="高级客服"))',
    "F4": "COUNTA(Staff[可晋升])+COUNTBLANK(NextLevels)",  # a blank answer is empty text: blank to both
    "F5": 'IFERROR(VLOOKUP(A2,A2:D13,2,FALSE),"无")',
    "F6": "INDEX(D2:D13,MATCH(A5,A2:A13,0))",
    "F7": 'IF(C2,"是","否")',
    "F8": "SUBTOTAL(9,D2:D13)",
    "F9": 'COUNTIF(B:B,"*客服*")',
    "F10": '_xlfn.IFS(COUNTIF(C:C,TRUE)>3,"多",TRUE,"少")',  # as Excel stores a function newer than 2007
    "F11": 'TEXT(DATE(2026,10,31),"yyyy-mm-dd")&" "&B3',
    "F12": 'DATEDIF(DATE(2024,2,29),EOMONTH(EDATE(DATE(2026,1,31),1),0),"m")+COUNTIF(C2:C13,FALSE)',
    "F13": "SUMIFS(A2:A13,C2:C13,TRUE)",
    "F14": "ROUND(AVERAGEIFS(A2:A13,C2:C13,FALSE),2)",
    "F15": "MAX(Staff[周期平均])-MIN(D:D)",
    "F16": "F1*10+F4",  # through another computed formula
}


def staff_workbook(tmp_path) -> Path:
    """A department workbook with a sheet of the add-in's answers as a Table, a defined name over
    one of its columns, and HR's formulas over them."""
    path = tmp_path / "部门.xlsx"
    path.write_bytes(_staff_workbook())
    return path


@functools.cache
def _staff_workbook() -> bytes:
    """`staff_workbook`'s file, built once per test process: eight tests start from it."""
    roster, records = department(size=12, months=6)
    wb = templates.with_department(roster, records)
    without_templates(wb)
    ws = wb.create_sheet("汇总")
    ws.append(["工号", "下一职级", "可晋升", "周期平均"])
    for row, employee in enumerate(roster["employee"], 2):
        ws.append([int(employee), f"=NEXT_LEVEL(A{row})", f"=PROMO_ELIGIBLE(A{row})", f"=CYCLE_AVG(A{row})"])
    ws.add_table(Table(displayName="Staff", ref=f"A1:D{len(roster) + 1}"))
    wb.defined_names["NextLevels"] = DefinedName("NextLevels", attr_text=f"'汇总'!$B$2:$B${len(roster) + 1}")
    for address, text in HR_FORMULAS.items():
        ws[address] = f"={text}"
    saved = io.BytesIO()
    wb.save(saved)
    return saved.getvalue()


def libreoffice_values(path: Path, tmp_path: Path, sheet: str, addresses=tuple(HR_FORMULAS)) -> dict:
    """The values of the sheet's cells at `addresses` as LibreOffice computes every formula of
    `path` on opening."""
    wb = openpyxl.load_workbook(path)
    wb.calculation.fullCalcOnLoad = True  # LibreOffice otherwise shows the values stored
    forced = tmp_path / "forced" / path.name
    forced.parent.mkdir(exist_ok=True)
    wb.save(forced)
    libreoffice.convert([forced], "xlsx", tmp_path / "lo")
    shown = openpyxl.load_workbook(tmp_path / "lo" / path.name, read_only=True, data_only=True)[sheet]
    return {address: shown[address].value for address in addresses}


@LIBREOFFICE
def test_hr_formulas_over_add_in_columns_are_what_libreoffice_computes(tmp_path):
    """Each formula of HR_FORMULAS reads an add-in column (through a Table, a defined name, a
    whole column) or is never computed: recalc computes it, and the value is LibreOffice's on
    the export, where the add-in's answers are plain values."""
    path = staff_workbook(tmp_path)
    report = recalc.recalc(path)
    assert not [a for a, _ in report.left_alone if a.startswith("汇总!")]
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    ours = {address: stored[address].value for address in HR_FORMULAS}
    recalc.recalc(path, tmp_path / "export.xlsx", values_only=True)
    theirs = libreoffice_values(tmp_path / "export.xlsx", tmp_path, "汇总")
    assert ours == {a: pytest.approx(v, rel=1e-12) if isinstance(v, float) else v for a, v in theirs.items()}
    assert ours["F1"] > 0 and ours["F16"] == ours["F1"] * 10 + ours["F4"]  # not all zero or blank


def test_xlookup_over_add_in_columns(tmp_path):
    """XLOOKUP, which LibreOffice 7.4 lacks: worked by hand from the looked-up row."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["汇总"]["G1"] = '=_xlfn.XLOOKUP(A4,Staff[工号],Staff[下一职级],"无")'
    wb["汇总"]["G2"] = '=_xlfn.XLOOKUP(-1,Staff[工号],Staff[下一职级],"无")'
    wb.save(path)
    recalc.recalc(path)
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    assert stored["G1"].value == stored["B4"].value and stored["G1"].value
    assert stored["G2"].value == "无"


def test_a_sum_over_an_error_is_listed_not_computed_past_it(tmp_path):
    """Excel's SUMIFS gives the error of a summed cell that matches, and COUNTIF counts the error
    cells an error criterion names; formualizer 0.13 skips them. Such a formula is listed and keeps
    its stored value rather than show a plausible number."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    ws["G1"] = "=SUMIFS(D2:D13,A2:A13,\">0\")"  # CYCLE_AVG's #N/A of those without a full cycle
    ws["G2"] = "=SUMIF(A2:A13,\">0\",A2:A13)"    # over plain ids: computed
    ws["G3"] = '=COUNTIF(D2:D13,"#N/A")'         # which formualizer 0.13 counts as 0
    ws["G4"] = '=COUNTIF(D2:D13,">0")'           # which it counts right
    wb.save(path)
    report = recalc.recalc(path)
    alone = {address for address, _ in report.left_alone}
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    assert any(isinstance(stored[f"D{r}"].value, str) for r in range(2, 14))  # an error among them
    assert "汇总!G1" in alone and stored["G1"].value is None
    assert "汇总!G2" not in alone and stored["G2"].value == sum(stored[f"A{r}"].value for r in range(2, 14))
    assert "汇总!G3" in alone and stored["G3"].value is None
    assert stored["G4"].value == sum(isinstance(stored[f"D{r}"].value, float) for r in range(2, 14))


@LIBREOFFICE
def test_a_count_whose_every_criterion_an_empty_cell_meets_is_listed_not_counted_over_filled_rows(tmp_path):
    """COUNTIFS whose criteria an empty cell meets ("<>高级客服"): LibreOffice and Excel count the
    empty rows of its ranges too, formualizer 0.13 only the rows filled (12 here, not 19). Such a
    formula is listed and keeps its stored value rather than show a plausible number; one with a
    criterion no empty cell meets is computed, as LibreOffice computes it."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    ws["G1"] = '=COUNTIFS(B2:B20,"<>高级客服")'  # seven empty rows under the twelve answers
    ws["G2"] = '=COUNTIFS(B2:B20,"<>高级客服",C2:C20,TRUE)'
    wb.save(path)
    report = recalc.recalc(path)
    alone = {address for address, _ in report.left_alone}
    assert "汇总!G1" in alone and "汇总!G2" not in alone
    recalc.recalc(path, tmp_path / "export.xlsx", values_only=True)
    theirs = libreoffice_values(tmp_path / "export.xlsx", tmp_path, "汇总", ("G1", "G2"))
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    answers = [(stored[f"B{r}"].value, stored[f"C{r}"].value) for r in range(2, 14)]
    assert stored["G1"].value is None and theirs["G1"] == 19 - sum(b == "高级客服" for b, _ in answers)
    assert stored["G2"].value == theirs["G2"] == sum(b != "高级客服" and c is True for b, c in answers) > 0


def test_the_formula_engine_is_not_loaded_by_help():
    """`ladderbook --help` pays for no formula engine, nor pandas."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import sys; sys.argv = ['ladderbook', '--help']\n"
                          "from workbook import cli\ntry:\n    cli.main(['--help'])\nexcept SystemExit:\n    pass"],
                         capture_output=True, text=True, check=True)
    imported = {line.split("|")[-1].strip().split(".")[0] for line in out.stderr.splitlines() if "|" in line}
    assert not {"formualizer", "pandas", "openpyxl"} & imported


def _inject(path: Path, formula: str) -> tuple[str, str] | None:
    """One add-in formula put into an empty cell below the first worksheet's cells, by editing
    its XML alone; (sheet, address), or None where the sheet's XML has no plain sheetData."""
    with zipfile.ZipFile(path) as z:
        data = {info.filename: z.read(info) for info in z.infolist()}
        sheet, part = next(iter(files.sheet_parts(z).items()), (None, None))
    if part is None:
        return None
    row = len(FileBook(path).values(sheet)) + 3
    cell = f'<row r="{row}"><c r="B{row}"><f>{formula}</f></c></row>'.encode()
    if b"<sheetData/>" in data[part]:
        data[part] = data[part].replace(b"<sheetData/>", b"<sheetData>" + cell + b"</sheetData>", 1)
    elif b"</sheetData>" in data[part]:
        data[part] = data[part].replace(b"</sheetData>", cell + b"</sheetData>", 1)
    else:
        return None
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)
    return sheet, f"B{row}"


def _filled(rows) -> dict:
    """(row, column) → value of every cell that holds one."""
    return {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v is not None}


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus (Excel-made test files) is not beside the project")
def test_an_add_in_formula_injected_into_excel_made_workbooks_changes_no_value_of_excels(tmp_path, capsys):
    """Every Excel-made file of the corpus with =NEXT_LEVEL(1) added: recalc stores its answer
    and every other value Excel stored stays as it was (SUBTOTAL over hidden rows, array
    formulas, Tables, defined names …), or the file is refused in one line."""
    checked, skipped = 0, []
    for original in sorted((CORPUS / "excel-made").glob("*.xls*")):
        path = tmp_path / original.name
        shutil.copy(original, path)
        path.chmod(0o644)  # the corpus is kept read-only
        injected = _inject(path, "NEXT_LEVEL(1)")
        if injected is None:
            skipped.append(original.name)
            continue
        before = FileBook(path)
        before = {name: _filled(before.values(name)) for name in before.sheet_names()}
        code = cli.main(["recalc", str(path)])
        err = capsys.readouterr().err
        assert code in (0, 2) and "Traceback" not in err, (original.name, err)
        if code:
            skipped.append((original.name, err))
            continue
        after = FileBook(path)
        after = {name: _filled(after.values(name)) for name in after.sheet_names()}
        sheet, address = injected
        ours = (int(address[1:]), 2)
        assert after[sheet].pop(ours) is not None, original.name  # our answer: an error, there is no roster
        assert after == before, original.name
        checked += 1
    assert checked == 30, skipped  # every Excel-made file of the corpus


def test_the_engine_loads_only_the_cells_the_formulas_read_as_the_file_stores_them(tmp_path):
    """The package handed to the engine: the cells of the boxes read, a date as its day number,
    text escaped, blanks left out; a sheet nothing reads is empty; the workbook's names kept;
    each sheet saying the cells it spans, as Excel's do (the engine is slow without it)."""
    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "甲"
    ws.append(["月份", "名", "分"])
    ws.append([dt.date(2026, 3, 1), "A&B <x>", 1.5])
    ws.append([dt.date(2026, 4, 1), True, None])
    wb.create_sheet("乙")["A1"] = 7
    wb.defined_names["Scores"] = DefinedName("Scores", attr_text="'甲'!$C$2:$C$3")
    wb.save(path)
    package = engine_book.trimmed(path, FileBook(path).values, {"甲": [(1, None, 1, None), (2, 2, 3, 2)]})
    loaded = openpyxl.load_workbook(io.BytesIO(package), read_only=True)
    assert {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in loaded.worksheets} == {"甲": {"A1": "月份", "A2": 46082, "A3": 46113, "B2": "A&B <x>", "C2": 1.5},
                                             "乙": {}}
    assert "Scores" in loaded.defined_names
    with zipfile.ZipFile(io.BytesIO(package)) as z:
        spans = {sheet: [d.get("ref") for d in fromstring(z.read(part)).iter(f"{{{SHEET_MAIN_NS}}}dimension")]
                 for sheet, part in files.sheet_parts(z).items()}
    assert spans == {"甲": ["A1:C3"], "乙": ["A1"]}


def test_formulas_that_read_what_their_text_does_not_name_are_computed_over_the_whole_file(tmp_path):
    """INDIRECT and OFFSET reach cells no other formula reads (the roster's names): the engine is
    given the whole file, and the values are those cells'. ISFORMULA of an add-in cell, which
    the engine is handed as a value, is listed and not answered FALSE."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    dynamic = {"G1": "=INDIRECT(\"'员工名册'!B3\")", "G2": "=OFFSET('员工名册'!B1,2,0)&C2",
               "G3": "=ISFORMULA(B3)"}
    for address, text in dynamic.items():
        ws[address] = text
    wb.save(path)
    report = recalc.recalc(path)
    assert [a for a, _ in report.left_alone if a.startswith("汇总!G")] == ["汇总!G3"]
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    name = FileBook(path).values("员工名册")[2][1]
    assert [stored[a].value for a in dynamic] == [name, f"{name}{str(stored['C2'].value).upper()}", None]


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus (Excel-made test files) is not beside the project")
def test_excels_own_formulas_computed_again_are_the_values_excel_stored(tmp_path):
    """Every formula of the Excel-made files computed again, as after a month end that changed
    every sheet (the engine given only the cells they read): each value is the one Excel
    stored, or the formula is listed and keeps it (an array formula, one the engine lacks)."""
    computed, listed = 0, []
    for original in sorted((CORPUS / "excel-made").glob("*.xls*")):
        path = tmp_path / original.name
        shutil.copy(original, path)
        path.chmod(0o644)
        try:
            files.refuse_unsafe(path)
        except files.Refused:
            continue
        before = FileBook(path)
        sheets = before.sheet_names()
        before = {name: _filled(before.values(name)) for name in sheets}
        with writes.held(path) as held:
            report = recalc.store(held, path, FileBook(path), set(sheets), set())
        after = FileBook(path)
        after = {name: _filled(after.values(name)) for name in sheets}
        assert after == {name: {k: pytest.approx(v) if isinstance(v, float) else v for k, v in cells.items()}
                         for name, cells in before.items()}, original.name
        computed += report.ordinary
        listed += report.left_alone
    assert computed == 3  # outline01's SUMs over its rows (escapes01's read no cell: nothing changed them)
    assert listed == [("Sheet1!A1", "SUM(B1:C1*B2:C2)"), ("Sheet1!A1", "AVERAGE(TIMEVALUE(B1:B2))")]  # arrays


def _with_stored_error(path, sheet: str, address: str, code: str) -> None:
    """The file with `code` stored in the sheet's cell, as Excel stores an error value (openpyxl
    writes only the seven classic ones)."""
    with zipfile.ZipFile(path) as z:
        part = files.sheet_parts(z)[sheet]
        data = {name: z.read(name) for name in z.namelist()}
    xml = data[part].decode("utf-8")
    xml = xml.replace(f'<c r="{address}" t="e"><v>#N/A</v></c>', f'<c r="{address}" t="e"><v>{code}</v></c>')
    assert code in xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, xml if name == part else content)


def test_an_error_value_newer_than_excel_2007s_is_refused_by_its_cell(tmp_path):
    """Excel 365 stores #SPILL! where a dynamic array's range is blocked; xlwings' reader stops
    at it (a Rust panic, its lines and a traceback). The command says which cell in one line,
    as HR's terminal shows it, and writes nothing."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["汇总"]["H7"] = "#N/A"
    wb.save(path)
    _with_stored_error(path, "汇总", "H7", "#SPILL!")
    before = path.read_bytes()
    command = [sys.executable, "-c", "import sys; from workbook.cli import main; sys.exit(main())", "recalc", str(path)]
    run = subprocess.run(command, capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1])
    assert run.returncode == 2
    assert "the sheet '汇总' cell H7 holds the error #SPILL!" in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert path.read_bytes() == before


def test_a_file_the_engine_cannot_load_leaves_its_formulas_listed(tmp_path):
    """A sheet no formula reads holding #SPILL!, which formualizer's loader refuses: loading the
    whole file (INDIRECT asks for it), the engine computes nothing, and its formulas keep their
    stored values and are listed, rather than the command failing."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("杂项")["A1"] = "#N/A"
    wb["汇总"]["G1"] = "=INDIRECT(\"B3\")"
    wb.save(path)
    _with_stored_error(path, "杂项", "A1", "#SPILL!")
    report = recalc.recalc(path)
    assert {"汇总!G1", "汇总!F1"} <= {address for address, _ in report.left_alone}
    assert report.calls > 0  # the add-in's answers are stored all the same


def _stored_text(path: Path, sheet: str, cells: dict[str, str]) -> None:
    """Formula cells given the text `cells` says as their stored value, as Excel stores a
    formula's text (t="str"), by editing the sheet's XML."""
    with zipfile.ZipFile(path) as z:
        data = {info.filename: z.read(info) for info in z.infolist()}
        part = files.sheet_parts(z)[sheet]
    xml = data[part].decode("utf-8")
    for address, text in cells.items():
        start = xml.index(f'<c r="{address}"')
        end = xml.index("</c>", start) + len("</c>")
        formula = xml[xml.index("<f>", start):xml.index("</f>", start) + len("</f>")]
        xml = f'{xml[:start]}<c r="{address}" t="str">{formula}<v>{text}</v></c>{xml[end:]}'
    data[part] = xml.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, content)


def test_a_formulas_empty_text_is_a_value_to_the_formulas_that_read_it(tmp_path):
    """HR's IF(…,"x","") column, its values stored as Excel stores them (one "x", eleven empty
    texts), read by formulas recalc computes (they read an add-in column). Worked by hand as
    Excel counts: COUNTA counts the empty texts (12), ISBLANK is false for them (0), COUNTBLANK
    counts them as blank (11)."""
    path = staff_workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    for r in range(2, 14):
        ws[f"H{r}"] = f'=IF(A{r}=1001,"x","")'
    ws["G1"] = "=COUNTA(H2:H13)+0*COUNTIF(C2:C13,TRUE)"
    ws["G2"] = "=SUMPRODUCT(--ISBLANK(H2:H13))+0*COUNTIF(C2:C13,TRUE)"
    ws["G3"] = "=COUNTBLANK(H2:H13)+0*COUNTIF(C2:C13,TRUE)"
    wb.save(path)
    assert [ws[f"A{r}"].value for r in range(2, 14)].count(1001) == 1
    _stored_text(path, "汇总", {f"H{r}": "x" if r == 2 else "" for r in range(2, 14)})
    report = recalc.recalc(path)
    assert not [a for a, _ in report.left_alone if a.startswith("汇总!G")]
    stored = openpyxl.load_workbook(path, data_only=True, read_only=True)["汇总"]
    assert [stored[a].value for a in ("G1", "G2", "G3")] == [12, 0, 11]
