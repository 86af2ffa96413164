"""The month end edits the workbook's package part by part: HR's charts, images, pivot tables,
comments and dropdowns, in parts the month end does not own, come through byte for byte, even
in a workbook openpyxl cannot open, and the file still opens; the styles it adds go after
Excel's own."""

import datetime as dt
import functools
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import PatternFill
from openpyxl.styles.stylesheet import Stylesheet
from openpyxl.utils import range_boundaries
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.table import TableColumn, TableFormula
from openpyxl.xml.functions import fromstring

import libreoffice
from graft import CORPUS, graft
from test_apply_moves import department
from test_close import small
from workbooks import typed
from test_recalc import members, with_vba_and_image
from workbook import apply_moves, close, edits, files, package, writes
from workbook.file_book import FileBook, Put
from workbook.recalc import recalc
from workbook.sheets.month import month_sheet
from workbook.styles_part import Styles
from xlfuncs import book
from xlfuncs.policy import default_policy

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason=f"the corpus of Excel-made files is not at {CORPUS}")

# a dropdown on the roster whose list is on another sheet, as Excel writes it (x14, in the sheet's extLst)
DROPDOWN = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:dataValidations count="1" '
            'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><x14:dataValidation type="list" '
            'allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1><xm:f>\'列表\'!$A$2:$A$8</xm:f>'
            '</x14:formula1><xm:sqref>P2:P1048576</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>')


def hr_workbook(tmp_path):
    """A promotion decided on October's sheet, and HR's own things beside ladderbook's sheets,
    its values stored (as Excel leaves them)."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    copied = [*graft(path, CORPUS / "excel-made" / "chart_bar01.xlsx", {"Sheet1": "Sheet1"}),
              *graft(path, CORPUS / "excel-made" / "image01.xlsx", {"Sheet1": "图片"}),
              *graft(path, CORPUS / "excel-made" / "comment01.xlsx", {"Sheet1": "批注"}),
              *graft(path, CORPUS / "edge-cases" / "pivots.xlsx",
                     {"PivotSheet1": "PivotSheet1", "DataSheet": "DataSheet"})]
    with zipfile.ZipFile(path) as z:
        roster = files.sheet_parts(z)["员工名册"]
        data = z.read(roster).decode("utf-8").replace("</worksheet>", DROPDOWN + "</worksheet>")
    package.copy(path, tmp_path / "with.xlsx", {roster: data.encode("utf-8")})
    (tmp_path / "with.xlsx").replace(path)
    recalc(path)
    return path, copied, roster


@needs_corpus
def test_charts_and_pivot_tables_of_hrs_fed_by_the_month_sheets_are_named_by_the_close(tmp_path):
    """An Excel-made pivot table whose cache HR pointed at October's 客户代表 sheet, and a chart
    of HR's over it: the close removes the sheet, and their data with it, as Excel does when a
    sheet is deleted. The close names the sheets they are on (the code before said nothing)."""
    path = small(tmp_path)
    graft(path, CORPUS / "edge-cases" / "pivots.xlsx", {"PivotSheet1": "PivotSheet1"})
    with zipfile.ZipFile(path) as z:
        cache = next(n for n in z.namelist() if n.startswith("xl/pivotCache/hrpivotCacheDefinition"))
        xml = z.read(cache).decode("utf-8")
    fed = re.sub(r'(<worksheetSource\b[^>]*\bsheet=")[^"]*(")', r"\g<1>2026-10 客户代表\2", xml)
    assert fed != xml
    package.copy(path, tmp_path / "fed.xlsx", {cache: fed.encode("utf-8")})
    (tmp_path / "chart").mkdir()  # (openpyxl cannot load the pivot tables: the chart in a workbook of its own)
    wb = openpyxl.load_workbook(small(tmp_path / "chart"))
    chart = BarChart()
    chart.add_data(Reference(wb["2026-10 客户代表"], min_col=4, min_row=3, max_row=3))
    wb.create_sheet("我的图表").add_chart(chart, "B2")
    wb.save(tmp_path / "charted.xlsx")
    for made, sheet in ((tmp_path / "fed.xlsx", "PivotSheet1"), (tmp_path / "charted.xlsx", "我的图表")):
        closed = close.close_file(made)
        assert closed.plan.problems == []
        assert f"the charts or pivot tables on {sheet} are fed by the month sheets this close removes" in closed.text()


@needs_corpus
def test_hr_charts_images_pivots_comments_and_dropdowns_survive_the_month_end(tmp_path):
    path, copied, roster = hr_workbook(tmp_path)
    before = members(path)
    assert {"xl/charts/hrchart1.xml", "xl/media/hrimage1.png", "xl/hrcomments1.xml",
            "xl/pivotTables/hrpivotTable1.xml", "xl/pivotCache/hrpivotCacheDefinition1.xml"} <= set(copied)

    done = close.close_file(path)
    assert done.plan.problems == [] and "fed by the month sheets" not in done.text()  # HR's own data
    closed = members(path)
    changed = {name for name in before if closed.get(name) != before[name]}
    with zipfile.ZipFile(path) as z:
        sheets = files.sheet_parts(z)
        history, training = sheets["历史记录"], sheets["培训名单"]
        owned = {history, training, *files.table_parts(z, history), *files.table_parts(z, training),
                 "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "docProps/app.xml",
                 "xl/styles.xml", sheets["看板"]}  # the dashboard's values, stored by the recalc step
    removed = {name for name in before if name not in closed}
    assert changed - removed <= owned  # every other part byte for byte
    assert removed == {p for p in before if p.startswith("xl/worksheets/") and p not in closed}  # the month's sheet
    assert len(removed) == 1

    plan, backup = apply_moves.apply_file(path)
    assert plan.problems == [] and len(plan.moves) == 1
    applied = members(path)
    for name in copied:
        assert applied[name] == before[name], name
    assert DROPDOWN.encode("utf-8") in applied[roster]
    for name, data in applied.items():  # every part of XML well formed: namespaces declared, text escaped
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)
    assert b"<pivotCache " in applied["xl/workbook.xml"]

    book = FileBook(path)
    roster_rows = book.values("员工名册")
    assert roster_rows[1][roster_rows[0].index(next(h for h in roster_rows[0] if str(h).startswith("职级")))] == "中级客服"
    assert {"Sheet1", "图片", "批注", "PivotSheet1", "DataSheet", "2026-11 客服职级"} <= set(book.sheet_names())


@needs_corpus
@libreoffice.NEEDED
def test_the_workbook_hr_has_after_the_month_end_opens_in_libreoffice(tmp_path):
    """LibreOffice opens it after close-month and apply-moves, as saved again by LibreOffice:
    the moved level on the roster, HR's chart, image, comment and pivot table with it."""
    path, _, _ = hr_workbook(tmp_path)
    close.close_file(path)
    apply_moves.apply_file(path)
    libreoffice.convert([path], "xlsx", tmp_path / "lo")
    saved = tmp_path / "lo" / "dept.xlsx"
    assert FileBook(saved).values("员工名册")[1][3] == "中级客服"
    with zipfile.ZipFile(saved) as z:
        names = z.namelist()
    for kind in ("xl/charts/chart", "xl/media/", "xl/comments", "xl/pivotTables/pivotTable"):
        assert any(name.startswith(kind) for name in names), kind


@needs_corpus
def test_the_styles_a_sheet_adds_are_appended_to_an_excel_made_stylesheet(tmp_path):
    """Every style Excel wrote keeps its number; new ones (a fill, a number format the file has
    no list of, a date in a General column) come after them and read back as made."""
    with zipfile.ZipFile(CORPUS / "excel-made" / "cond_format01.xlsx") as z:
        styles = Styles(z)
        old = z.read("xl/styles.xml").decode("utf-8")
    dated = styles.cell(dt.datetime(2026, 10, 31, 8, 30), None)
    cell = styles.ws.cell(1, 1)
    cell.fill, cell.number_format = PatternFill("solid", fgColor="FFF9E5"), "0.0%"
    style = cell.style_id  # the style's number, as a sheet's writer takes it
    new = styles.xml().decode("utf-8")
    for tag in ("fonts", "fills", "borders", "cellXfs", "dxfs"):  # the old entries first, as they were
        inner = re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", old, re.S)[1]
        assert re.search(rf"<{tag}\b[^>]*>(.*?)</{tag}>", new, re.S)[1].startswith(inner), tag
    sheet = Stylesheet.from_tree(fromstring(new.encode("utf-8")))
    formats = {f.numFmtId: f.formatCode for f in sheet.numFmts.numFmt}
    assert re.search(r'<numFmts count="2">.*</numFmts><fonts', new)  # made where the schema puts it
    xfs = sheet.cellXfs.xf
    assert len(xfs) == 3 and re.search(r'<cellXfs count="3">', new)
    date_xf = xfs[int(re.search(r' s="(\d+)"', dated)[1])]
    assert formats[date_xf.numFmtId] == "yyyy-mm-dd h:mm:ss" and "<v>46326.354166" in dated
    filled = xfs[style]
    assert formats[filled.numFmtId] == "0.0%" and sheet.fills[filled.fillId].fgColor.rgb == "00FFF9E5"


def lo_saved(tmp_path) -> Path:
    """The department of test_apply_moves with a promotion decided, as LibreOffice saves it."""
    path = tmp_path / "saved" / "dept.xlsx"
    path.parent.mkdir()
    path.write_bytes(_lo_saved())
    return path


@functools.cache
def _lo_saved() -> bytes:
    """`lo_saved`'s workbook, converted once per test process: two tests start from it. (They
    are not pinned to one process: xdist's `--dist loadgroup` does not group under pytest 9.2,
    pytest-xdist issue #1386.)"""
    with tempfile.TemporaryDirectory() as folder:
        made = department(Path(folder), {"decision": "晋升", "raise": 600, "approver": "王经理"})
        libreoffice.convert([made], "xlsx", Path(folder) / "lo")
        return (Path(folder) / "lo" / made.name).read_bytes()


@libreoffice.NEEDED
def test_a_workbook_libreoffice_saved_closes_and_applies(tmp_path):
    """HR desks on LibreOffice save the workbook their way (shared strings, their own styles and
    namespaces, #NAME? in the add-in's columns, which it computes on opening without the add-in:
    hence `recalc --values-only`): the month end edits that package as well, and LibreOffice
    opens the result."""
    path = lo_saved(tmp_path)
    assert b"<sst" in zipfile.ZipFile(path).read("xl/sharedStrings.xml")  # LibreOffice's own writing
    assert "#NAME?" in FileBook(path).values("2026-10 客服职级")[2]
    closed = close.close_file(path).plan
    assert closed.problems == [] and closed.warnings == []
    assert closed.templates_off == []  # its templates read as ours: Excel's macro would close it too
    plan, _ = apply_moves.apply_file(path)
    assert plan.problems == [] and len(plan.moves) == 1
    book = FileBook(path)
    history = book.values("历史记录")
    assert [row[:3] for row in history[1:]] == [[dt.date(2026, 9, 1), 1002, 1.2], [dt.date(2026, 10, 1), 1002, 1.2]]
    assert book.values("员工名册")[1][3] == "中级客服"
    month = book.values("2026-11 客服职级")
    assert month[2][:3] == [1002, "李伟", "中级客服"] and "本职级 0 个月 < 12 个月" in " ".join(map(str, month[2]))
    libreoffice.convert([path], "xlsx", tmp_path / "again")
    assert FileBook(tmp_path / "again" / "dept.xlsx").values("员工名册")[1][3] == "中级客服"


def edited_readers(path, carry_out, policy, lang, source):
    """`carry_out` done on the workbook at `path` as a month end edits it, the edited file then
    put in its place: (the edit's changes as a reader reads them back, the reader the month end
    carries past its edit from `source`, a fresh reader of the edited file)."""
    edited_path = path.with_name("edited.xlsx")
    with writes.held(path) as held:
        edited = edits.edited_copy(held, carry_out, policy, lang, edited_path)
    carried, fresh = source.carried(edited.read_back, edited_path), FileBook(edited_path)
    shutil.copy(edited_path, path)  # as the month end puts it in place
    return edited.read_back, carried, fresh


def carried_and_fresh(path, carry_out, policy, lang, source):
    """What a month end carries past its edit of the file (the plan's reads with the edits made
    to them) and what a fresh reader reads from the edited file, for every sheet carried."""
    read_back, carried, fresh = edited_readers(path, carry_out, policy, lang, source)
    return read_back, {s: typed(carried.values(s)) for s in carried._values}, \
        {s: typed(fresh.values(s)) for s in carried._values}


def test_the_values_a_close_carries_past_its_edit_are_what_the_file_holds(tmp_path):
    """The recalc that ends the month end reads again only the sheets it cannot vouch for; the
    rest it takes from what the plan read, with the close's History rows made to it: they must
    be what the edited file holds, value and type."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    source = FileBook(path)
    the_plan = close.plan(source)
    read_back, carried, fresh = carried_and_fresh(path, the_plan.carry_out, the_plan.policy, the_plan.lang, source)
    assert read_back["员工名册"] == read_back["政策"] == [] and len(read_back["历史记录"]) > 10
    assert not {"2026-10 客服职级", "2026-11 客服职级"} & set(read_back)  # removed, added: read afresh
    assert {"员工名册", "政策", "历史记录"} <= set(carried)  # read by the plan, not again
    assert carried == fresh


def test_the_rules_frames_a_month_end_carries_are_those_of_the_sheets_it_left_as_they_were(tmp_path, monkeypatch):
    """The close appends to History and leaves the roster: its recalc step frames only the rows
    it appended to History and takes the rest of History's frame, and the roster's, from its
    plan. apply-moves changes the roster and leaves History: it frames the roster anew and takes
    History's. Each time the inputs are what a fresh reader gives."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    made = []  # (sheet, the Excel row the rows framed are under)
    table_frame = book.table_frame
    monkeypatch.setattr(book, "table_frame", lambda table, cells, sheet, *rest: (
        made.append((sheet, rest[3] if len(rest) > 3 else 0)) or table_frame(table, cells, sheet, *rest)))
    history_rows = len(FileBook(path).values("历史记录"))  # the header and September's row
    for plan_of, framed in ((close.plan, ("历史记录", history_rows)), (apply_moves.plan, ("员工名册", 0))):
        source = FileBook(path)
        the_plan = plan_of(source)  # which reads the rules' inputs
        made.clear()  # what the edit, the carrying past it and the reading after it frame
        _, carrying, reading = edited_readers(path, the_plan.carry_out, the_plan.policy, the_plan.lang, source)
        carried = book.read(carrying)
        assert [frame for frame in made if frame[0] in ("历史记录", "员工名册")] == [framed], made
        fresh = book.read(reading)
        pd.testing.assert_frame_equal(carried.roster, fresh.roster)
        pd.testing.assert_frame_equal(carried.records, fresh.records)


def test_historys_frame_grown_by_the_rows_a_close_appends_is_the_frame_of_the_file_it_wrote(tmp_path):
    """Two people, one scored by KPI items, a month of each in History: the frame the close's
    recalc step reads, grown by October's rows, is a fresh reader's, headers and all."""
    path = small(tmp_path)
    source = FileBook(path)
    the_plan = close.plan(source)
    read_back, *readers = edited_readers(path, the_plan.carry_out, the_plan.policy, the_plan.lang, source)
    assert read_back["历史记录"]  # appended to, not left as it was
    carried, fresh = (book.read(reader).records for reader in readers)
    pd.testing.assert_frame_equal(carried, fresh)
    assert dict(carried.attrs["headers"]) == dict(fresh.attrs["headers"])
    assert len(carried.loc["历史记录"]) == 4  # September's and October's, two people each


def test_a_sheet_framed_without_its_header_is_framed_whole_once_rows_with_it_are_appended(tmp_path):
    """A History the plan read blank (no header: no frame), given its header and a row: the
    carried reader frames it as a fresh one does, not as the blank it was."""
    before, after = tmp_path / "before.xlsx", tmp_path / "after.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "历史记录"
    wb.save(before)
    rows = [["月份", "工号", "得分"], [dt.datetime(2026, 10, 1), 1001, 1.2]]
    for row in rows:
        wb.active.append(row)
    wb.save(after)
    source = FileBook(before)
    assert book.read(source).records.empty
    puts = [Put(r, c, dt.date(2026, 10, 1) if isinstance(v, dt.datetime) else v)
            for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1)]
    carried, fresh = (book.read(reader).records for reader in (source.carried({"历史记录": puts}, after),
                                                               FileBook(after)))
    assert len(fresh) == 1
    pd.testing.assert_frame_equal(carried, fresh)


ODD = [7, 2.5, np.int64(3), np.float64(0.1), np.bool_(True), False, " padded ", "=SUM(A1)", "two\nlines",
       "tab\there", "#N/A", dt.date(2026, 10, 1), dt.datetime(2026, 10, 31)]


def test_rows_written_deleted_and_widened_are_carried_as_the_file_holds_them(tmp_path):
    """Values of every kind the month end writes, past History's last column (the sheet
    widens), then that row and the first deleted (the sheet narrows again): carried as a fresh
    reader reads them, History never read again."""
    path = department(tmp_path, {})
    source = FileBook(path)
    last = len(source.values("历史记录"))

    def write(editor):
        editor.write_rows("历史记录", last + 1, [[None] * 59 + ODD], 2)
        editor.set_cell("员工名册", 2, 40, "加")
    read_back, carried, fresh = carried_and_fresh(path, write, default_policy(), "zh", source)
    assert len(read_back["历史记录"]) == len(ODD) and len(read_back["员工名册"]) == 1  # vouched for, not read
    assert carried == fresh
    assert len(fresh["历史记录"][0]) == 59 + len(ODD)

    source = FileBook(path)
    source.values("历史记录")

    def delete(editor):
        editor.delete_rows("历史记录", last + 1, 1)
        editor.delete_rows("历史记录", 2, 1)
    read_back, carried, fresh = carried_and_fresh(path, delete, default_policy(), "zh", source)
    assert "历史记录" in read_back and carried == fresh
    assert len(fresh["历史记录"]) == last - 1 and len(fresh["历史记录"][0]) < 59


def test_rows_appended_to_history_end_its_dimension_at_the_last_holding_a_value(tmp_path):
    """History's `<dimension>` once rows are appended under it: to the last row written that
    holds a value (an empty one after it is no row) and across the widest, as Excel says it."""
    path = department(tmp_path, {})
    last = len(FileBook(path).values("历史记录"))
    edited_readers(path, lambda editor: editor.write_rows("历史记录", last + 1, [[None] * 59 + ["x"], [None] * 3], 2),
                   default_policy(), "zh", FileBook(path))
    with zipfile.ZipFile(path) as z:
        data = z.read(files.sheet_parts(z)["历史记录"])
    assert re.search(rb'<dimension ref="([^"]*)"', data)[1] == f"A1:BH{last + 1}".encode()
    assert data.count(b"<row ") == last + 1


@pytest.mark.parametrize("value", ["a_x0041_b", "x\ry", dt.datetime(2026, 10, 31, 12, 30), ""])
def test_a_value_whose_reading_back_is_not_certain_has_its_sheet_read_again(tmp_path, value):
    path = department(tmp_path, {})
    source = FileBook(path)
    last = len(source.values("历史记录"))
    read_back, carried, fresh = carried_and_fresh(
        path, lambda editor: editor.write_rows("历史记录", last + 1, [[None] * 5 + [value]], 2),
        default_policy(), "zh", source)
    assert "历史记录" not in read_back and carried == fresh


def test_a_number_in_a_date_formatted_column_has_its_sheet_read_again(tmp_path):
    """History's month column is formatted as a date: a number put there reads as a date."""
    path = department(tmp_path, {})
    source = FileBook(path)
    last = len(source.values("历史记录"))
    read_back, carried, fresh = carried_and_fresh(
        path, lambda editor: editor.write_rows("历史记录", last + 1, [[46000, 1002]], 2), default_policy(), "zh",
        source)
    assert "历史记录" not in read_back and carried == fresh
    assert FileBook(path).values("历史记录")[-1][:2] == [dt.date(2025, 12, 9), 1002]


def test_a_macro_workbook_keeps_its_vba_project_and_kind_through_the_month_end(tmp_path):
    made = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    path = made.with_suffix(".xlsm")
    made.rename(path)
    with_vba_and_image(path)
    before = members(path)
    assert close.close_file(path).plan.problems == [] and apply_moves.apply_file(path)[0].problems == []
    after = members(path)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after["xl/media/image1.png"] == before["xl/media/image1.png"]
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]


def with_calculated_column(path, pasted=None):
    """HR's own calculated column in History's Table (score × 100), as Excel keeps one: the
    formula in each row (or the value `pasted` over them, which Excel allows) and in the
    Table's column, written for its first row."""
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    table = ws.tables["History"]
    _, _, _, last = range_boundaries(table.ref)
    ws["AW1"] = "得分×100"
    for row in range(2, last + 1):
        ws[f"AW{row}"] = f"=C{row}*100" if pasted is None else pasted
    formula = TableFormula(attr_text="C2*100")
    table.tableColumns.append(TableColumn(id=49, name="得分×100", calculatedColumnFormula=formula))
    table.ref = f"A1:AW{last}"
    wb.save(path)
    recalc(path)


def test_history_rows_a_close_adds_get_the_tables_calculated_columns_computed(tmp_path):
    """Excel fills a Table's calculated column into every row the Table gains; so does the
    close, and its recalc step computes them: HR's column is not left blank in the new rows."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    with_calculated_column(path)
    source = FileBook(path)
    the_plan = close.plan(source)
    _, carried, fresh = carried_and_fresh(path, the_plan.carry_out, the_plan.policy, the_plan.lang, source)
    assert carried["历史记录"] == fresh["历史记录"]  # the formula cells read blank until computed
    recalc(path)
    ws = openpyxl.load_workbook(path, read_only=True)["历史记录"]
    assert [ws[f"AW{r}"].value for r in range(2, ws.max_row + 1)] == ["=C2*100", "=C3*100"]
    assert [row[48] for row in FileBook(path).values("历史记录")[1:]] == [pytest.approx(120.0)] * 2  # 1.2 × 100


def test_a_calculated_column_hr_pasted_values_over_is_computed_in_the_rows_a_close_adds(tmp_path):
    """HR pasted values over History's calculated column (Excel keeps the column's formula):
    the close gives its new row the formula and stores its value, although History held no
    formula before it (the package check found none there)."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    with_calculated_column(path, pasted=7)
    assert close.close_file(path).plan.problems == []
    ws = openpyxl.load_workbook(path, read_only=True)["历史记录"]
    assert [ws[f"AW{r}"].value for r in range(2, ws.max_row + 1)] == [7, "=C3*100"]
    assert [row[48] for row in FileBook(path).values("历史记录")[1:]] == [7, pytest.approx(120.0)]  # 1.2 × 100


def test_the_dashboard_follows_the_month_end_where_its_values_were_stored_before(tmp_path):
    """A dashboard Excel (here recalc) computed before the close: its latest month and its count
    of each level are computed again from History and the roster as the month end leaves them,
    not kept from before (worked by hand: one junior, promoted on 2026-10's close)."""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    recalc(path)

    def shown():
        cells = FileBook(path).values("看板")
        counts = {row[0]: row[1] for row in cells if isinstance(row[0], str) and row[0].startswith("客服职级·")}
        return cells[1][1], counts["客服职级·初级客服"], counts["客服职级·中级客服"]
    assert shown() == (dt.date(2026, 9, 1), 1, 0)
    assert close.close_file(path).plan.problems == []
    assert shown() == (dt.date(2026, 10, 1), 1, 0)
    assert apply_moves.apply_file(path)[0].problems == []
    assert shown() == (dt.date(2026, 10, 1), 0, 1)


def test_a_totals_row_or_a_note_under_history_or_the_log_is_named_and_nothing_is_written(tmp_path):
    """Rows the month end adds go after a sheet's last record: a Table's totals row there (or a
    note) would be left in the middle of the records, and Excel would take the last new row for
    the totals. The command says which cell, and the workbook is left as it was. (Under the
    Moves log, a note is an incomplete record, and said so.)"""
    path = department(tmp_path, {"decision": "晋升", "raise": 600, "approver": "王经理"})
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    ws["A3"], ws["C3"] = "汇总", "=SUBTOTAL(101,C2:C2)"
    ws.tables["History"].ref, ws.tables["History"].totalsRowCount = "A1:AV3", 1
    wb.save(path)
    before = path.read_bytes()
    closed = close.close_file(path)
    assert [str(p) for p in closed.plan.problems] == [
        "「历史记录」A3 在最后一条记录之下（汇总）：是表格的汇总行或备注？请先删除或移走（汇总行：表设计 → 取消勾选「汇总行」），"
        "再执行 | sheet '历史记录' cell A3 is below the last record (汇总): a Table's totals row or a note? Remove or "
        "move it first (a totals row: Table Design → clear Total Row)"]
    assert path.read_bytes() == before

    (tmp_path / "b").mkdir()
    path = department(tmp_path / "b", {"decision": "晋升", "raise": 600, "approver": "王经理"})
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    wb["调动记录"]["C5"] = "备注：11 月再议"
    wb.save(path)
    before = path.read_bytes()
    moved, backup = apply_moves.apply_file(path)  # the log's rows are records, each complete
    assert "'Moves' row 5: 'Employee ID' must not be blank" in [p.en for p in moved.problems]
    assert backup is None and path.read_bytes() == before


@libreoffice.NEEDED
def test_a_workbook_libreoffice_saved_is_carried_past_the_close_as_it_reads(tmp_path):
    """LibreOffice's own styles (its date formats, its General) under History's new rows: what
    the close carries to its recalc step is what a fresh reader reads, value and type."""
    path = lo_saved(tmp_path)
    source = FileBook(path)
    the_plan = close.plan(source)
    read_back, carried, fresh = carried_and_fresh(path, the_plan.carry_out, the_plan.policy, the_plan.lang, source)
    assert "历史记录" in read_back and carried == fresh
    assert the_plan.dashboard is None  # its formulas written LibreOffice's way (员工名册!$C:$C, not quoted) are today's


def test_a_member_is_inflated_whole_and_checked(tmp_path):
    """package.member gives what zipfile reads, deflated or stored, and refuses a member whose
    bytes do not match its CRC (one byte of its compressed data changed)."""
    path = tmp_path / "p.zip"
    text = ("<row>" + "历史记录 " * 5000 + "</row>").encode("utf-8")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("deflated.xml", text, zipfile.ZIP_DEFLATED)
        z.writestr("stored.xml", text, zipfile.ZIP_STORED)
    with zipfile.ZipFile(path) as z:
        assert package.member(z, "deflated.xml") == package.member(z, "stored.xml") == text
        start = z.getinfo("deflated.xml").header_offset + 30 + len("deflated.xml")
    data = bytearray(path.read_bytes())
    data[start + 40] ^= 0x01
    path.write_bytes(data)
    with zipfile.ZipFile(path) as z, pytest.raises(zipfile.BadZipFile):
        package.member(z, "deflated.xml")


def test_a_month_sheet_the_editor_writes_is_the_one_openpyxl_writes_whole(tmp_path):
    """The next month's sheet as the package editor writes it (openpyxl down to the first
    person's row, the rows under it written as that row) is, cell by cell and around its
    cells, the sheet openpyxl writes when `sheets.month` builds it whole in the same package
    styles: ids (one of letters), names as typed (one with a control character, one starting
    with "=", one holding _x0041_), a level left blank, the array formulas, every style."""
    path = department(tmp_path, {})
    policy = default_policy()
    ladder = policy.ladder("cs_grade")
    month = dt.datetime(2026, 12, 1)
    people = [{"employee": 1001, "name": "王芳", "level": "初级客服"}, {"employee": 1002, "name": "=李\x01伟"},
              {"employee": "A7", "name": "_x0041_", "level": "中级客服"}, {"employee": 1004, "name": "张三"}]
    with zipfile.ZipFile(path) as z:
        styles = Styles(z)
    whole = month_sheet(styles.wb, policy, ladder, "2026-12 客服职级", month, people)
    whole.sheet_view.tabSelected = False  # as the editor writes it
    writer = WorksheetWriter(whole, io.BytesIO())
    writer.write()
    with writes.held(path) as held:  # (its values not computed yet: openpyxl writes none)
        edits.edited_copy(held, lambda editor: editor.add_month_sheet(ladder, "2026-12 客服职级", month, people),
                          policy, "zh", tmp_path / "edited.xlsx")
    with zipfile.ZipFile(tmp_path / "edited.xlsx") as z:
        written = z.read(files.sheet_parts(z)["2026-12 客服职级"])

    def cells(xml: bytes) -> tuple[dict, bytes]:
        """Each cell's attributes and contents, and the sheet around its rows."""
        root = ElementTree.fromstring(xml)
        found = {c.get("r"): (sorted(a for a in c.attrib.items() if a != ("t", "n")),  # a number: the default
                              [(e.tag, sorted(e.attrib.items()), e.text) for e in c.iter() if e is not c])
                 for c in root.iter(f"{{{NS}}}c")}
        return found, re.sub(rb"<sheetData>.*</sheetData>", b"", xml, flags=re.S)
    mine, theirs = cells(written), cells(writer.read())
    assert len(mine[0]) > 4 * 20 and mine == theirs


def test_a_history_without_its_dimension_prints_its_closed_month_across_its_columns(tmp_path):
    """History's part written without its `<dimension>` (optional in the schema: a writer other
    than Excel's may leave it out): the print area the close sets spans the columns the rows it
    froze fill, not column A alone."""
    path = small(tmp_path)
    with zipfile.ZipFile(path) as z:
        part = files.sheet_parts(z)["历史记录"]
        bare = re.sub(rb"<dimension\b[^>]*/>", b"", z.read(part))
    assert b"<dimension" not in bare
    package.copy(path, tmp_path / "bare.xlsx", {part: bare})
    (tmp_path / "bare.xlsx").replace(path)
    assert close.close_file(path).plan.problems == []
    history = openpyxl.load_workbook(path)["历史记录"]
    october = [c.row for c in history["A"] if c.value == dt.datetime(2026, 10, 1)]
    filled = max(c.column for r in october for c in history[r] if c.value is not None)
    assert len(october) == 2 and filled > 40  # (History's results, after its 35 inputs)
    area = f"'历史记录'!$A${october[0]}:${openpyxl.utils.get_column_letter(filled)}${october[-1]}"
    assert history.print_area == area
