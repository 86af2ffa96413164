"""The formula engine recalc uses, chosen by measuring formualizer against IronCalc (both Rust,
MIT/Apache-2.0), in one run:

1. Excel's stored values: every formula of the Excel-made workbooks in
   ../shared/corpus/excel-made/, computed by each engine, against the value Excel stored.
2. LibreOffice: the functions HR writes (CASES), over cells holding numbers, an error, TRUE/FALSE
   and a formula's empty text, computed by each engine and by LibreOffice (the oracle of the tests).
3. Speed on the department workbook at SIZE × MONTHS, CPU seconds, each in a fresh process: the
   engine's load, then the dashboard's formulas (formualizer computes only those asked for;
   IronCalc computes every formula of the workbook). Goal (issue 17): the dashboard in < 0.5 s.

    pip install -e '.[bench]'
    python bench/engine_bench.py [--size 5000] [--months 24]
"""

import math
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl

sys.path.insert(0, str(Path(__file__).parent))
from recalc_bench import _build, measure, options  # noqa: E402  (the same workbook, the same fresh processes)

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "excel-made"
# A1:A3 1 2 3; B1:B3 10 #N/A 5; C1:C3 TRUE TRUE FALSE; D1 a formula's empty text
DATA = [[1, 10, True, '=""'], [2, "=NA()", True, None], [3, 5, False, None]]
CASES = [
    "SUM(B1:B3)", "AVERAGE(A1:A3)", "COUNT(B1:B3)", "COUNTA(B1:B3)", "COUNTBLANK(D1:D3)",
    'COUNTIF(B1:B3,">1")', "COUNTIFS(C1:C3,TRUE,A1:A3,\">1\")", 'COUNTIF(B1:B3,"#N/A")',
    "SUMIF(C1:C3,TRUE,B1:B3)", "SUMIF(C1:C3,FALSE,B1:B3)", "SUMIFS(B1:B3,C1:C3,TRUE)",
    "AVERAGEIFS(B1:B3,C1:C3,TRUE)", "AVERAGEIF(C1:C3,FALSE,A1:A3)", "SUMPRODUCT((C1:C3=TRUE)*A1:A3)",
    "VLOOKUP(3,A1:B3,2,FALSE)", "INDEX(B1:B3,MATCH(3,A1:A3,0))", 'IF(C1,"是","否")',
    '_xlfn.IFS(A1>1,"a",TRUE,"b")', "IFERROR(B2,0)+B1", "SUBTOTAL(9,A1:A3)", "SUBTOTAL(109,A1:A3)",
    'TEXT(DATE(2026,10,31),"yyyy-mm")', "EDATE(DATE(2024,2,29),12)", "EOMONTH(DATE(2026,1,31),1)",
    'DATEDIF(DATE(2024,2,29),DATE(2026,10,31),"m")', 'VALUE("2026-10-31")', "0.1+0.2=0.3",
    "1.1*3=3.3", 'AVERAGE("a","b")', "ROUND(2.675,2)", "MAX(A:A)", "MEDIAN(A1:A3)",
    'COUNTIFS(A1:A1000,"<>1")', 'COUNTIF(A1:A1000,"<>1")',  # past every row the sheet uses
]


def _cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _same(a, b) -> bool:
    """Equal as a cell shows it: numbers to 12 significant digits, errors by code, blanks alike."""
    a, b = ("" if v is None else v for v in (a, b))
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return str(a) == str(b)


def _formualizer_values(path, cells):
    import formualizer
    book = formualizer.Workbook.from_path(str(path))
    book.set_temporal_egress("serial")
    out = []
    for sheet, row, column in cells:
        try:
            value = book.evaluate_cell(sheet, row, column)
        except Exception as err:  # noqa: BLE001 - counted as a disagreement
            value = f"raised {type(err).__name__}"
        if isinstance(value, dict) and value.get("type") == "Error":
            value = str(formualizer.ExcelError(value["kind"], None, None, None, None, None))
        out.append(value)
    return out


def _ironcalc_values(path, cells):
    import ironcalc
    try:
        model = ironcalc.load_from_xlsx(str(path), "en", "UTC")
        model.evaluate()
    except Exception as err:  # noqa: BLE001 - counted as a disagreement
        return [f"raised {type(err).__name__}"] * len(cells)
    names = [p["name"] for p in model.get_worksheets_properties()]
    out = []
    for sheet, row, column in cells:
        kind = str(model.get_cell_type(names.index(sheet), row, column))
        value = model.get_cell_value(names.index(sheet), row, column)
        out.append(model.get_formatted_cell_value(names.index(sheet), row, column) if "Error" in kind else value)
    return out


def _formula_cells(path):
    """(sheet, row, column) of every formula cell, and the value Excel stored there."""
    formulas = openpyxl.load_workbook(path)
    stored = openpyxl.load_workbook(path, data_only=True)
    cells, values = [], []
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                text = getattr(cell.value, "text", cell.value)  # an array formula's text
                if isinstance(text, str) and text.startswith("="):
                    cells.append((ws.title, cell.row, cell.column))
                    values.append(stored[ws.title].cell(cell.row, cell.column).value)
    return cells, values


def excel_agreement():
    print("1. Excel's stored values, Excel-made workbooks of the corpus")
    if not CORPUS.exists():
        print("   ../shared/corpus is not beside the project: skipped")
        return
    totals = {"formualizer": [0, 0], "IronCalc": [0, 0]}
    for path in sorted(CORPUS.glob("*.xls*")):
        cells, excel = _formula_cells(path)
        if not cells:
            continue
        for name, values in (("formualizer", _formualizer_values(path, cells)),
                             ("IronCalc", _ironcalc_values(path, cells))):
            agree = sum(_same(v, e) for v, e in zip(values, excel))
            totals[name][0] += agree
            totals[name][1] += len(cells)
            for cell, v, e in zip(cells, values, excel):
                if not _same(v, e):
                    print(f"   {name:11s} {path.name} {cell[0]}!R{cell[1]}C{cell[2]}: {v!r}, Excel {e!r}")
    for name, (agree, total) in totals.items():
        print(f"   {name:11s} {agree} of {total} formula cells as Excel stored them")


def libreoffice_agreement(folder: Path):
    print("2. LibreOffice, the functions HR writes")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for row in DATA:
        ws.append(row)
    for i, text in enumerate(CASES, 10):
        ws.cell(i, 6, f"={text}")  # column F: MAX(A:A) reads no formula of its own
    path = folder / "cases.xlsx"
    wb.save(path)  # openpyxl stores no values and asks for a full calculation on loading
    if shutil.which("soffice") is None:
        print("   LibreOffice (soffice) is not installed: skipped")
        return
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{folder}/profile",
                    "--convert-to", "xlsx", "--outdir", str(folder / "lo"), str(path)],
                   check=True, capture_output=True, timeout=300)
    shown = openpyxl.load_workbook(folder / "lo" / "cases.xlsx", data_only=True)["S"]
    cells = [("S", i, 6) for i in range(10, 10 + len(CASES))]
    oracle = [shown.cell(r, c).value for _, r, c in cells]
    results = {"formualizer": _formualizer_values(path, cells), "IronCalc": _ironcalc_values(path, cells)}
    for i, text in enumerate(CASES):
        marks = {n: "=" if _same(v[i], oracle[i]) else repr(v[i]) for n, v in results.items()}
        print(f"   {text:40s} LibreOffice {oracle[i]!r:22} formualizer {marks['formualizer']:22} "
              f"IronCalc {marks['IronCalc']}")
    for name, values in results.items():
        print(f"   {name:11s} {sum(map(_same, values, oracle))} of {len(CASES)} as LibreOffice")


def _formualizer_dashboard(path):
    start = _cpu()
    import formualizer
    book = formualizer.Workbook.from_path(path)
    loaded = _cpu()
    targets = [("看板", r, c) for r in range(1, 200) for c in range(1, 20) if book.get_formula("看板", r, c)]
    values = book.evaluate_cells(targets)
    return loaded - start, _cpu() - loaded, len(values), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _ironcalc_dashboard(path):
    start = _cpu()
    import ironcalc
    model = ironcalc.load_from_xlsx(path, "en", "UTC")
    loaded = _cpu()
    model.evaluate()  # no way to compute some formulas only: every formula of the workbook
    return loaded - start, _cpu() - loaded, None, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def speed(folder: Path, size: int, months: int):
    print(f"3. Speed, {size:,} employees x {months} months")
    source = folder / "dept.xlsx"
    measure(_build, source, size, months)
    for name, fn in (("formualizer", _formualizer_dashboard), ("IronCalc", _ironcalc_dashboard)):
        load, compute, count, peak = measure(fn, source)
        what = f"the dashboard's {count} formulas" if count else "every formula"
        print(f"   {name:11s} load {load:5.2f} s, {what} {compute:5.2f} s CPU, peak {peak / 1024:.0f} MB "
              f"(dashboard goal < 0.5 s: {'met' if count and compute < 0.5 else 'NOT met'})")


def main():
    args = options()
    folder = Path(tempfile.mkdtemp())
    excel_agreement()
    libreoffice_agreement(folder)
    speed(folder, args.size, args.months)
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
