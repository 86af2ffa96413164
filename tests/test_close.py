"""ladderbook close-month on workbook files: validate, freeze, archive, start the next month."""

import csv
import datetime as dt
import functools
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import types
import zipfile
from io import BytesIO
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.table import Table

from workbook import apply_moves, archive, cli, close, files, next_month, recalc, sample, templates, text_width
from workbook.sheets import month
from workbook.sheets.dashboard import dashboard
from workbook.sheets.style import Names
from workbook.file_book import FileBook
import libreoffice
from graft import graft
from workbooks import fill_month_sheets, type_into_file, without_english_name
from xlfuncs import book, values
from xlfuncs.policy import default_policy
from xlfuncs.rules import evaluate

ITEMS = ["客户回访率", "客户满意度", "处理时限和正确度", "培训及业务水平", "考勤"]  # 20 20 25 25 10 %


def small(tmp_path, lang="zh"):
    """Two people: a standard rep scored on KPI items and a junior on coefficients; September
    in History, October on the month sheets."""
    path = tmp_path / "dept.xlsx"
    path.write_bytes(_small(lang))
    return path


@functools.cache
def _small(lang: str) -> bytes:
    """`small`'s workbook, built once per test process (50 tests start from it): a department
    made for the two ladders it staffs (`ladderbook new --ladders cs_grade cs_rep`), so that
    each test's openpyxl round trip reads two ladder templates and not seven."""
    roster = pd.DataFrame([
        {"employee": 1001, "name": "王芳", "ladder": "客户代表", "level": "普通客服代表-中级",
         "hire_date": pd.Timestamp("2024-03-01")},
        {"employee": 1002, "name": "李伟", "ladder": "客服职级", "level": "初级客服",
         "hire_date": pd.Timestamp("2025-04-01")},
    ])
    records = pd.DataFrame([
        {"month": pd.Timestamp("2026-09-01"), "employee": 1001, **dict.fromkeys(ITEMS, 70)},
        {"month": pd.Timestamp("2026-09-01"), "employee": 1002, "score": 1.1},
        {"month": pd.Timestamp("2026-10-01"), "employee": 1001, **dict(zip(ITEMS, [90, 80, 70, 60, 100])),
         "own_computer": "是", "overtime_days": 2},
        {"month": pd.Timestamp("2026-10-01"), "employee": 1002, "score": 1.2, "sick_days": 1},
    ])
    saved = BytesIO()
    templates.with_department(roster, records, lang=lang, ladders=["cs_grade", "cs_rep"]).save(saved)
    return saved.getvalue()


def history_rows(path) -> list[dict]:
    """History's rows as openpyxl reads them (only that sheet: read-only mode)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = wb["历史记录"].iter_rows(values_only=True)
    heads = [str(v).split("\n")[0] for v in next(rows)]
    out = [dict(zip(heads, row)) for row in rows if row[0] is not None]
    wb.close()
    return out


def test_the_month_frozen_into_history_with_its_results_worked_by_hand(tmp_path):
    path = small(tmp_path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    rows = {(r["月份"], r["工号"]): r for r in history_rows(path)}
    assert len(rows) == 4
    rep = rows[(pd.Timestamp("2026-10-01"), 1001)]
    # 0.2*90 + 0.2*80 + 0.25*70 + 0.25*60 + 0.1*100 = 76.5; own computer 150 + 2 overtime days × 30
    assert rep["月度得分(计算)"] == pytest.approx(76.5)
    assert rep["薪酬增减(元)"] == 210
    assert rep["当月职级"] == "普通客服代表-中级" and rep["客户回访率"] == 90 and rep["自备电脑"] == "是"
    junior = rows[(pd.Timestamp("2026-10-01"), 1002)]
    # 18 months on 2026-10-31 but a 2-month average of 1.15 < 1.2 (and 0 duties < 3)
    assert junior["月度得分(计算)"] == 1.2 and junior["病假天数"] == 1
    assert junior["可晋升"] == "否" and "平均绩效系数 1.15 < 1.2" in junior["未达条件"]  # as HR reads it, not FALSE
    assert rows[(pd.Timestamp("2026-09-01"), 1002)]["得分"] == 1.1  # September untouched

    wb = openpyxl.load_workbook(path, read_only=True)
    assert not [n for n in wb.sheetnames if n.startswith("2026-10")]
    nov = wb["2026-11 客户代表"]
    assert nov["B1"].value == pd.Timestamp("2026-11-01")
    assert [nov.cell(3, c).value for c in (1, 2, 3)] == [1001, "王芳", "普通客服代表-中级"]
    assert nov.cell(4, 1).value is None  # one person, one row
    assert wb.sheetnames.index("2026-11 客户代表") == wb.sheetnames.index("模板-客户代表") - 1


def test_the_archive_and_its_checksum(tmp_path):
    path = small(tmp_path)
    closed = close.close_file(path)
    archive = tmp_path / "dept-archive" / "2026-10.xlsx"
    assert closed.archive == archive
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert (tmp_path / "dept-archive" / "SHA256SUMS").read_text() == f"{digest}  2026-10.xlsx\n"
    wb = openpyxl.load_workbook(archive)
    assert wb.sheetnames == ["2026-10 客服职级", "2026-10 客户代表", "评审结果 Review 2026-10"]
    sheet = wb["2026-10 客户代表"]
    heads = [str(c.value).split("\n")[0] for c in sheet[2]]
    row = dict(zip(heads, [c.value for c in sheet[3]]))
    assert row["工号"] == 1001 and row["月度得分(计算)"] == pytest.approx(76.5) and row["薪酬增减(元)"] == 210
    assert all(not isinstance(c.value, str) or not c.value.startswith("=") for r in sheet for c in r)
    # narrow enough to print one page wide, worked by hand: B holds the names (王芳, 4, at least
    # 6, + 1; the title row's date 2026-10-01 above is not measured); F is headed '处理时限和正确度
    # \nHandling time and accuracy' over two-digit scores: 2 lines of CJK and 'Handling time' /
    # 'and accuracy' in 13 + 1, 4 lines: the header row 4 lines tall, not drawn over the title
    assert sheet.column_dimensions["B"].width == 7 and sheet.column_dimensions["F"].width == 14
    assert sheet["A2"].alignment.wrap_text and sheet["F2"].alignment.wrap_text
    assert sheet.row_dimensions[2].height == 60
    # what HR reads and prints: the month as 2026-10, ladder names (no id), yes/no as words,
    # numbers to two decimals, landscape with the header rows repeated
    assert sheet["B1"].number_format == "yyyy-mm" and sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    review = wb["评审结果 Review 2026-10"]
    heads = [str(c.value).split("\n")[0] for c in review[1]]
    rows = [dict(zip(heads, [c.value for c in r])) for r in review.iter_rows(min_row=2)]
    assert {r["序列"] for r in rows} == {"客户代表", "客服职级"} and {r["可晋升"] for r in rows} <= {"是", "否"}
    ids = {ld.id for ld in book.read(FileBook(path)).policy.ladders}
    assert not [c.value for ws in wb for r in ws.iter_rows() for c in r
                if isinstance(c.value, str) and set(re.findall(r"\w+", c.value)) & ids]
    assert sheet["C1"].value == "客户代表 月度考核"  # the sheet's title, without (cs_rep)
    numbers = [c for r in review.iter_rows(min_row=2) for c in r if isinstance(c.value, (int, float))]
    fractions = [c for c in numbers if not float(c.value).is_integer()]
    assert fractions and all(c.number_format == "0.00" for c in fractions)
    wholes = [c for c in numbers if float(c.value).is_integer()]
    assert wholes and all(c.number_format == "General" for c in wholes)  # 18 months, not 18.00


def test_archive_columns_are_as_wide_as_their_values_with_the_header_wrapped():
    """Worked by hand, for the rows under the header (the title row above runs over its empty
    neighbours and is not measured): the widest value as shown (1001 is 4, a date 10, a datetime
    19, 1234.5678 as 1234.57 is 7, CJK twice as wide: 80 capped at 24), at least 6, widened to
    the header's longest English word (Employee 8, Attendance 10; 姓名 has none) and one more
    for the margin."""
    rows = [["月份", dt.date(2026, 10, 1), "一个很长很长很长的标题"],
            ["工号\nEmployee ID", "月份\nMonth", "x\nValue", "说明\nNote", "考勤\nAttendance", "姓名"],
            *[[1001, dt.date(2026, 10, 1), 1234.5678, "长" * 40, 78, "王芳"]] * 1000,
            [1002, dt.datetime(2026, 10, 1)]]
    assert archive._widths(rows, header=2) == [9, 20, 8, 25, 11, 7]


def test_a_header_is_widened_until_it_wraps_into_four_lines():
    """Worked by hand, '引起重大投诉次数' (16) over 'Major complaints caused', one character of
    each width the margin: at 9, 2 lines of CJK and 'Major' / 'complain' / 'ts' / 'caused' (a
    word longer than the line breaks); at 12 and 16, 2 and 'Major' / 'complaints' / 'caused';
    at 17, 1 and 'Major complaints' / 'caused'. The column of a 3 under it: 17."""
    head = "引起重大投诉次数\nMajor complaints caused"
    assert [text_width.line_count(head, width) for width in (9, 12, 16, 17)] == [6, 5, 5, 3]
    assert archive._widths([[head], [3]], header=1) == [17]


def test_a_text_wraps_at_spaces_and_anywhere_in_cjk():
    """Worked by hand: 40 CJK characters (80) in 24 of text: 24 + 24 + 24 + 8, four lines; an
    English word moves to the next line whole; '本职级 7 个月 < 12 个月' in 8: '本职级 7' /
    '个月 <' (CJK breaks where it must, so '个月' starts the second line after the space) /
    '12 个月'."""
    assert text_width.line_count("长" * 40, 25) == 4
    assert text_width.line_count("Handling time and accuracy", 15) == 2
    assert text_width.line_count("本职级 7 个月 < 12 个月", 9) == 3
    assert text_width.line_count("工号\nEmployee ID", 9) == 3


def reopen_october(path) -> None:
    """HR puts October back to correct it, after its close: its month sheets again, 1002's
    score 1.3 (1.2 before); November's sheets removed."""
    wb = openpyxl.load_workbook(path)
    policy = book.read(FileBook(path)).policy
    october = pd.Timestamp("2026-10-01").to_pydatetime()
    for ladder, person in (("cs_grade", (1002, "李伟", "初级客服")), ("cs_rep", (1001, "王芳", "普通客服代表-中级"))):
        month.month_sheet(wb, policy, policy.ladder(ladder), f"2026-10 {policy.ladder(ladder).name}", october,
                          [dict(zip(("employee", "name", "level"), person))])
    fill_month_sheets(wb, pd.DataFrame([{"employee": 1002, "score": 1.3},
                                        {"employee": 1001, **dict(zip(ITEMS, [90, 80, 70, 60, 100]))}]))
    for name in [n for n in wb.sheetnames if n.startswith("2026-11")]:
        del wb[name]
    wb.save(path)


def test_start_month_of_a_closed_month_is_refused_with_how_to_correct_it(tmp_path, capsys):
    """October closed: start-month for October would start its sheets empty, and a month sheet
    is read in place of History's rows of its month, so November's answers would rest on a
    blank October (the code before did so, silently). It says October is closed and how to
    correct a closed month, and changes nothing."""
    path = small(tmp_path)
    close.close_file(path)
    before = path.read_bytes()
    assert cli.main(["start-month", str(path), "2026-10"]) == 1
    said = capsys.readouterr().err
    assert "2026-10 is closed (History holds it). To correct it: copy its month sheets back into the workbook " \
           "from the backup made before its close (the dept-backups folder)" in said
    assert "then run ladderbook close-month WORKBOOK --month 2026-10 --replace" in said
    assert path.read_bytes() == before


def test_a_closed_month_is_corrected_as_start_month_says(tmp_path):
    """The way start-month gives, followed on the files: October's sheets copied back from the
    backup its close made (as Excel's Move or Copy does, part by part), November's deleted,
    1002's score corrected from 1.2 to 1.3, and close-month --month 2026-10 --replace: History
    holds October once, with 1.3."""
    path = small(tmp_path)
    backup = close.close_file(path).backup
    october = [n for n in openpyxl.load_workbook(backup, read_only=True).sheetnames if n.startswith("2026-10")]
    graft(path, backup, {name: name for name in october})
    wb = openpyxl.load_workbook(path)
    for name in [n for n in wb.sheetnames if n.startswith("2026-11")]:
        del wb[name]
    ws = wb["2026-10 客服职级"]
    score = [c.column for c in ws[2] if str(c.value).startswith("绩效系数")][0]
    assert (ws.cell(3, 1).value, ws.cell(3, score).value) == (1002, 1.2)
    ws.cell(3, score).value = 1.3
    wb.save(path)
    assert close.close_file(path, "2026-10", replace=True).plan.problems == []
    assert [r["月度得分(计算)"] for r in history_rows(path) if r["工号"] == 1002
            and r["月份"] == dt.datetime(2026, 10, 1)] == [1.3]


def test_a_second_close_is_refused_and_replace_replaces_only_that_month(tmp_path):
    path = small(tmp_path)
    close.close_file(path)
    reopen_october(path)
    before = path.read_bytes()

    again = close.close_file(path, "2026-10")
    assert "History already holds 2026-10" in again.text()
    assert path.read_bytes() == before
    assert cli.main(["close-month", str(path), "--month", "2026-10"]) == 1

    replaced = close.close_file(path, "2026-10", replace=True)
    assert replaced.plan.problems == [], replaced.text()
    rows = history_rows(path)
    october = [r for r in rows if r["月份"] == pd.Timestamp("2026-10-01")]
    assert sorted((r["工号"], r["得分"], r["月度得分(计算)"]) for r in october) == [
        (1001, None, pytest.approx(76.5)), (1002, 1.3, 1.3)]  # 1.2 before
    assert len([r for r in rows if r["月份"] == pd.Timestamp("2026-09-01")]) == 2
    folder = tmp_path / "dept-archive"
    kept = [p.name for p in folder.iterdir() if p.name.startswith("2026-10.replaced-")]
    assert len(kept) == 1
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [kept[0], "2026-10.xlsx"]
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_every_problem_is_listed_and_nothing_changes(tmp_path):
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["2026-10 客户代表"]
    ws["D3"] = None  # 客户回访率 left blank
    ws["I3"] = -1  # sick days
    ws["A4"], ws["B4"], ws["C4"] = 1009, "陌生人", "普通客服代表-中级"
    wb["员工名册"].append([1003, "张三", "客服职级", "初级客服", pd.Timestamp("2026-01-05").to_pydatetime()])
    wb.save(path)
    before = path.read_bytes()
    closed = close.close_file(path)
    text = closed.text()
    assert "2026-10 not closed" in text
    assert "「2026-10 客户代表」第 3 行（工号 1001）：「客户回访率」未填写" in text
    assert "「2026-10 客户代表」第 3 行（工号 1001）：「病假天数」-1 超出范围，应为 0–31" in text
    assert "「2026-10 客户代表」第 4 行：工号 1009 不在员工名册中，未计入：请在员工名册中加上此人，或改正工号" in text
    assert "工号 1003（张三）不在 2026-10 的月度表中" in text
    assert path.read_bytes() == before
    assert not (tmp_path / "dept-archive").exists() and not (tmp_path / "dept-backups").exists()


def test_a_crash_while_saving_leaves_the_workbook_and_history_intact(tmp_path, monkeypatch):
    path = small(tmp_path)
    before = path.read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        close.close_file(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dept-archive", "dept-backups", "dept.xlsx"]
    assert list((tmp_path / "dept-archive").iterdir()) == []  # no archive of a close that did not happen
    assert list((tmp_path / "dept-backups").iterdir()) == []  # nor a truncated backup named like a good one
    monkeypatch.undo()
    assert close.close_file(path).plan.problems == []


def test_refuses_files_open_in_excel(tmp_path, capsys):
    path = small(tmp_path)
    lock = tmp_path / "~$dept.xlsx"
    lock.write_bytes(b"")
    before = path.read_bytes()
    assert cli.main(["close-month", str(path)]) == 2
    assert "is open in Excel" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_an_english_workbook_closes_too(tmp_path):
    path = small(tmp_path, lang="en")
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames.index("2026-11 Customer representative") == wb.sheetnames.index("Template cs_rep") - 1  # named in English


def test_a_year_closed_month_by_month(tmp_path):
    roster, records = sample.department(size=40, months=24, last="2026-10")
    counts = records.groupby("employee").size()
    roster = roster[roster["employee"].isin(counts[counts == 24].index)]  # on staff all two years
    records = records[records["employee"].isin(roster["employee"])]
    month = values.months(records["month"])[0]
    start = values.month("2025-10")
    path = tmp_path / "year.xlsx"
    templates.with_department(roster, records[(month <= start).to_numpy()]).save(path)
    for m in range(start, start + 12):
        if m > start:  # HR types the month into the sheets the last close started
            type_into_file(path, records[(month == m).to_numpy()])
        closed = close.close_file(path)
        assert closed.plan.problems == [] and closed.plan.label == values.month_label(m)
        assert len(closed.plan.rows) == len(roster)
        assert hashlib.sha256(closed.archive.read_bytes()).hexdigest() == closed.digest

    folder = tmp_path / "year-archive"
    sums = (folder / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [f"{values.month_label(m)}.xlsx" for m in range(start, start + 12)]
    for line in sums:
        digest, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    # History holds every month once, the inputs as typed and the results the rules give
    rows = history_rows(path)
    assert len(rows) == 23 * len(roster)
    assert sorted({r["月份"] for r in rows}) == sorted({*pd.to_datetime(records["month"])} - {pd.Timestamp("2026-10-01")})
    table = evaluate(roster, records[(month <= start + 11).to_numpy()], as_of="2026-09").table
    last = [r for r in rows if r["月份"] == pd.Timestamp("2026-09-01")]
    yes_no = {True: "是", False: "否", None: None}
    assert {str(r["工号"]): r["可晋升"] for r in last} == {e: yes_no[v] for e, v in table["eligible"].items()}
    assert {str(r["工号"]): r["评审结果"] for r in last} == table["outcome"].astype(object).where(
        table["cycle_months"] > 0, None).to_dict()
    open_sheets = [n for n, _ in book.month_sheets(openpyxl.load_workbook(path, read_only=True).sheetnames)]
    assert open_sheets and all(n.startswith("2026-10 ") for n in open_sheets)


def test_the_training_list_is_rewritten_by_each_close(tmp_path):
    """§5 over the trailing 3 months, worked by hand; the November close replaces October's list,
    and says that what HR typed beside it went with it."""
    roster = pd.DataFrame([
        {"employee": 1001, "name": "王芳", "ladder": "客户代表", "level": "普通客服代表-中级",
         "hire_date": pd.Timestamp("2024-03-01")},
        {"employee": 1002, "name": "李伟", "ladder": "客服职级", "level": "初级客服",
         "hire_date": pd.Timestamp("2025-04-01")},
        {"employee": 1003, "name": "张敏", "ladder": "客服职级", "level": "初级客服",
         "hire_date": pd.Timestamp("2026-02-01")},
    ])
    rep = dict.fromkeys(ITEMS, 80)
    records = pd.DataFrame([
        {"month": pd.Timestamp("2026-09-01"), "employee": 1001, **rep},
        {"month": pd.Timestamp("2026-09-01"), "employee": 1002, "score": 1.1},
        {"month": pd.Timestamp("2026-10-01"), "employee": 1001, **rep, "business_deduction": 2},
        {"month": pd.Timestamp("2026-10-01"), "employee": 1002, "score": 1.2},
        {"month": pd.Timestamp("2026-10-01"), "employee": 1003, "score": 1.3},
    ])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_grade", "cs_rep"]).save(path)

    def listed():
        ws = openpyxl.load_workbook(path)["培训名单"]
        assert ws.tables["Training"].ref == f"A1:F{max(ws.max_row, 2)}"
        return [row[:6] for row in ws.iter_rows(min_row=2, values_only=True) if any(row)]

    october = pd.Timestamp("2026-10-01")
    assert close.close_file(path).plan.problems == []
    # Aug-Oct on 客服职级: 1003 averages 1.3 (1st), 1002 (1.1 + 1.2) / 2 = 1.15 (2nd of 2, the
    # bottom 50%); 1003 has 8 months at the company; 1001 had a business deduction of 2.
    assert listed() == [
        (october, 1001, "王芳", "客户代表", "普通客服代表-中级", "近 3 个月业务扣分 2"),
        (october, 1002, "李伟", "客服职级", "初级客服", "近 3 个月排名 2/2，位于后 50%"),
        (october, 1003, "张敏", "客服职级", "初级客服", "入职 8 个月，不满 12 个月"),
    ]

    wb = openpyxl.load_workbook(path)
    fill_month_sheets(wb, pd.DataFrame([{"employee": 1001, **rep}, {"employee": 1002, "score": 1.3},
                                        {"employee": 1003, "score": 1.0}]))
    wb["培训名单"]["G1"], wb["培训名单"]["G2"], wb["培训名单"]["H3"] = "培训完成\nDone", "11-05 已完成", "请假"  # HR's
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    # HR's notes were on October's rows (1001, 1002): they go with them, and the close says so
    assert "what you typed in column(s) G (培训完成), H of '培训名单' went with last month's list it replaces; the " \
           "backup keeps it" in closed.text()
    # Sep-Nov: 1002 (1.1 + 1.2 + 1.3) / 3 = 1.2 is now 1st, 1003 (1.3 + 1.0) / 2 = 1.15 2nd;
    # October's deduction is still in 1001's window.
    november = pd.Timestamp("2026-11-01")
    assert listed() == [
        (november, 1001, "王芳", "客户代表", "普通客服代表-中级", "近 3 个月业务扣分 2"),
        (november, 1003, "张敏", "客服职级", "初级客服", "近 3 个月排名 2/2，位于后 50%；入职 9 个月，不满 12 个月"),
    ]


def test_text_hr_typed_is_written_as_text_never_a_formula(tmp_path):
    """A name or an approver starting with = (formula injection): the close and apply-moves write
    it as the text it is into the next month, the training list, History and the Moves log (the
    approver) and the archive; no sheet of the workbook or archive holds it as a formula."""
    import re
    import zipfile

    from workbook import apply_moves

    name, approver = '=HYPERLINK("http://evil.example","x")', "=cmd|' /C calc'!A0"
    roster = pd.DataFrame([{"employee": 1002, "name": name, "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2025-04-01"), "duties": 3, "recommended": "是",
                            "exam_passed": "是"},
                           {"employee": 1003, "name": "=1+1", "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2026-05-01")}])  # new: on the training list
    records = pd.DataFrame([{"month": pd.Timestamp("2026-09-01"), "employee": e, "score": 1.2} for e in (1002, 1003)]
                           + [{"month": pd.Timestamp("2026-10-01"), "employee": 1003, "score": 1.2},
                              {"month": pd.Timestamp("2026-10-01"), "employee": 1002, "score": 1.2,
                               "decision": "晋升", "raise": 600, "approver": approver}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_grade"]).save(path)
    assert close.close_file(path).plan.problems == []
    assert apply_moves.apply_file(path)[0].problems == []
    archive = tmp_path / "dept-archive" / "2026-10.xlsx"
    for package in (path, archive):
        with zipfile.ZipFile(package) as z:
            formulas = [f for n in z.namelist() if n.startswith("xl/worksheets/")
                        for f in re.findall(r"<f\b[^>]*>(.*?)</f>", z.read(n).decode(), re.S)]
        assert not any("HYPERLINK" in f or "cmd|" in f or f == "1+1" for f in formulas), package
    values = FileBook(path)
    assert ["2026-11 客服职级", "培训名单", "调动记录", "历史记录"] <= values.sheet_names()
    assert name in [v for row in values.values("2026-11 客服职级") for v in row]
    assert "=1+1" in [v for row in values.values("培训名单") for v in row]
    assert approver in [v for row in values.values("调动记录") for v in row]
    assert approver in [v for row in values.values("历史记录") for v in row]


def test_the_month_end_says_what_to_do_with_no_placeholder(tmp_path, capsys):
    """A fresh workbook: no month yet, start one; a month closed twice: said once; a closed
    month asked for again: closed already. No 0000-01, no ?."""
    path = tmp_path / "部门.xlsx"
    templates.department().save(path)
    assert cli.main(["close-month", str(path)]) == 1
    said = capsys.readouterr().err
    assert "start-month" in said and "0000" not in said
    assert cli.main(["apply-moves", str(path)]) == 1
    said = capsys.readouterr().err
    assert "?" not in said and said.startswith("调动决定未执行")

    wb = openpyxl.load_workbook(path)
    for emp, name in ((1001, "王芳"), (1002, "李伟")):
        wb["员工名册"].append([emp, name, "VIP客服", "客服助理", pd.Timestamp("2025-01-01").to_pydatetime()])
    wb.save(path)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "2026-10 VIP客服" in capsys.readouterr().out
    assert cli.main(["start-month", str(path), "2026-10"]) == 1  # there already
    assert cli.main(["close-month", str(path)]) == 1  # nothing typed yet: one problem, not a blank per cell
    said = capsys.readouterr().err
    assert "1 problem(s)" in said and "not filled in yet" in said
    wb = openpyxl.load_workbook(path)
    ws = wb["2026-10 VIP客服"]
    heads = [str(c.value).split("\n")[0] for c in ws[2]]
    assert "得分" in heads  # a role scored without KPI items: the score column, as the check names it
    ws.cell(3, heads.index("得分") + 1, 80)
    wb.save(path)
    assert cli.main(["close-month", str(path)]) == 1  # 1002 left blank: named by the column the sheet has
    said = capsys.readouterr().err
    assert "「得分」未填写" in said and "'Score' is blank" in said
    wb = openpyxl.load_workbook(path)
    wb["2026-10 VIP客服"].cell(4, heads.index("得分") + 1, 70)
    wb.save(path)
    assert cli.main(["close-month", str(path)]) == 0
    assert cli.main(["close-month", str(path), "--month", "2026-10"]) == 1
    assert "2026-10 is closed already" in capsys.readouterr().err


def test_history_stores_numbers_as_hr_would_type_them(tmp_path):
    """No float noise in what the close freezes: a KPI score of 84.7, not 84.69999999999999 (603
    such cells in the demo's History before), a cycle average of 60.65, not 60.650000000000006."""
    path = tmp_path / "dept.xlsx"
    templates.with_department(*sample.department(size=40, months=13)).save(path)
    assert close.close_file(path).plan.problems == []
    ws = openpyxl.load_workbook(path, read_only=True)["历史记录"]
    floats = [v for row in ws.iter_rows(min_row=2, values_only=True) for v in row if isinstance(v, float)]
    assert len(floats) > 500 and all(v == round(v, 10) for v in floats)


def test_after_the_month_end_every_reader_sees_the_values(tmp_path):
    """close-month and apply-moves end with the values stored: pandas (which computes nothing)
    reads the dashboard's headcount of each rung, which is the roster's as pandas reads it
    counted by hand, and the new month's computed columns."""
    roster, records = sample.department(size=30, months=13)
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, sample.decide(roster, records)).save(path)

    def shown():
        name = next(n for n in openpyxl.load_workbook(path, read_only=True).sheetnames if n.startswith("2026-11"))
        read = {engine: [pd.read_excel(path, sheet_name=sheet, header=header, engine=engine)
                         for sheet, header in (("看板", None), (name, 1), ("员工名册", 0))]
                for engine in ("openpyxl", "calamine")}  # pandas' reader now, and its default to come
        for one, other in zip(*read.values()):
            pd.testing.assert_frame_equal(one, other, check_dtype=False)
        dashboard, month, staff = read["calamine"]
        counts = {label: count for label, count in zip(dashboard[0], dashboard[1])
                  if isinstance(label, str) and "·" in label}  # 客服职级·初级客服: its people
        by_hand = staff.groupby(["序列\nLadder", "职级\nLevel"]).size()
        assert {label: count for label, count in counts.items() if count} == {
            f"{ladder}·{level}": n for (ladder, level), n in by_hand.items()}
        eligible = next(c for c in month.columns if str(c).startswith("可晋升"))
        return month[eligible]

    assert close.close_file(path).plan.problems == []
    eligible = shown()
    assert eligible.notna().all() and len(eligible) > 0
    moved, _ = apply_moves.apply_file(path)
    assert not moved.problems and len(moved.moves) > 0
    assert shown().notna().all()


@libreoffice.NEEDED
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_a_300_person_archive_prints_one_page_wide(tmp_path):
    """The archive printed by LibreOffice: every page holds the first column of its sheet and
    the last, headed as the header row repeated on it says (one page wide: a sheet printed two
    pages across has pages without one of them), and each sheet's pages go down for its rows,
    at least 15 a page, not the 154 portrait pages of three columns it once took. A month
    sheet's page is known by its title, repeated on each; the review's pages have none."""
    path = tmp_path / "dept.xlsx"
    roster, records = sample.department(size=300)
    templates.department_file(path, roster, records)
    closed = close.close_file(path)
    sheets = {}  # title on its pages (None: the review) → its header's first and last column, its rows
    for title, rows in closed.plan.archive.items():
        review = title.startswith("评审结果")
        header = [v.split("\n")[0] for v in rows[0 if review else 1] if v]
        sheets[None if review else rows[0][2]] = ((header[0], header[-1]), len(rows))
    assert len(sheets) == len(closed.plan.archive) == 8
    assert {ends for ends, _ in sheets.values()} == {("工号", "批准人"), ("工号", "问题")}
    libreoffice.convert([closed.archive], "pdf", tmp_path / "pdf", timeout=300)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "pdf" / "2026-10.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    pages = {title: [] for title in sheets}
    for page in text.rstrip("\f").split("\f"):
        first = page.split("\n", 1)[0]
        pages[next((t for t in sheets if t and t in first), None)].append(page)
    for title, (ends, rows) in sheets.items():
        assert pages[title] and all(all(end in page for end in ends) for page in pages[title]), title
        assert len(pages[title]) <= -(-rows // 15), (title, rows, len(pages[title]))


def _with_side_table(path) -> None:
    """HR's own small Table beside History's records (a lookup in BA1:BB3)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["历史记录"]
    for r, (code, text) in enumerate((("代码", "说明"), ("A", "甲"), ("B", "乙")), 1):
        ws.cell(r, 53, code)
        ws.cell(r, 54, text)
    ws.add_table(Table(displayName="Codes", ref="BA1:BB3"))
    wb.save(path)


def test_a_close_grows_historys_table_and_not_another_table_beside_it(tmp_path):
    """History's Table (A1 down to September's rows) grows by October's two rows, to row 5;
    HR's Table of codes beside it (BA1:BB3) stays as it is."""
    path = small(tmp_path)
    _with_side_table(path)
    before = {t.displayName: t.ref for t in openpyxl.load_workbook(path)["历史记录"].tables.values()}
    assert before["Codes"] == "BA1:BB3" and before["History"].endswith("3")
    close.close_file(path)
    after = {t.displayName: t.ref for t in openpyxl.load_workbook(path)["历史记录"].tables.values()}
    assert after["Codes"] == "BA1:BB3" and after["History"] == before["History"][:-1] + "5"


@libreoffice.NEEDED
def test_the_archive_holds_text_as_typed_control_characters_included(tmp_path):
    """Text pasted from another system with a control character in it (which the XML of a
    sheet cannot hold as it is, and which once stopped the close), a literal _x0041_, and a name
    that starts with "=": LibreOffice reads each back as typed, and so does our reader."""
    typed = ["a\x01b", "_x0041_ <&>", "=1+1"]
    rows = [["月份", dt.date(2026, 10, 1), "标题"], ["工号\nEmployee ID", "说明\nNote"],
            *[[1001 + i, text] for i, text in enumerate(typed)]]
    plan = types.SimpleNamespace(archive={"2026-10 客服职级": rows}, closed=["2026-10 客服职级"], label="2026-10")
    archive.write_archive(plan, tmp_path / "2026-10.xlsx")
    libreoffice.convert([tmp_path / "2026-10.xlsx"], "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, quote, UTF-8
                        tmp_path / "csv")
    with open(tmp_path / "csv" / "2026-10.csv", encoding="utf-8", newline="") as f:
        read = list(csv.reader(f))
    assert [row[:2] for row in read[2:]] == [["1001", "a\x01b"], ["1002", "_x0041_ <&>"], ["1003", "=1+1"]]
    assert [row[1] for row in FileBook(tmp_path / "2026-10.xlsx").values("2026-10 客服职级")[2:]] == typed


def test_an_english_workbook_gives_the_unmet_criteria_in_english_on_its_sheets_in_history_and_the_archive(tmp_path):
    """Worked by hand from the policy: the junior 1002 (18 months at the company and at his
    rung, coefficients 1.1 and 1.2, duties not filled in) misses 初级客服 → 中级客服 on the
    average (1.15 < 1.2) and the duties (3 needed); the rep 1001's cycle average of 70 and
    76.5 is 73.25, a 'Stay'. An English workbook's month sheets hand PROMO_REASON the language,
    and the close freezes the same English text into History and the archive, whose review
    is headed English first."""
    path = small(tmp_path, lang="en")
    junior = "Performance coefficient average 1.15 < 1.2; duties mastered not filled in (3 needed)"
    rep = "the cycle review says 'Stay' (cycle average 73.3)"
    recalc.recalc(path)
    sheets = {name: FileBook(path).values(name) for name in ("2026-10 CS grades", "2026-10 Customer representative")}
    shown = {row[0]: row[next(i for i, h in enumerate(rows[1]) if str(h).startswith("Unmet criteria"))]
             for rows in sheets.values() for row in rows[2:]}
    assert shown == {1002: junior, 1001: rep}
    closed = close.close_file(path)
    history = FileBook(path).values("History")
    column = next(i for i, h in enumerate(history[0]) if str(h).startswith("Unmet criteria"))
    october = [(row[1], row[column]) for row in history[1:] if row[0] == dt.date(2026, 10, 1)]
    assert october == [(1002, junior), (1001, rep)]
    review = FileBook(closed.archive).values("评审结果 Review 2026-10")
    column = review[0].index("Unmet criteria\n未达条件")
    assert {row[0]: row[column] for row in review[1:]} == {1002: junior, 1001: rep}
    # and who is where by the policy's English names, as the roster has them (the code before gave
    # the levels in Chinese beside the ladder in English)
    named = [review[0].index(h) for h in ("Ladder\n序列", "Level\n职级", "Next level\n下一职级")]
    assert {row[0]: [row[i] for i in named] for row in review[1:]} == {
        1002: ["CS grades", "Junior CS", "Intermediate CS"],
        1001: ["Customer representatives", "Standard rep, intermediate", "Standard rep, senior"]}


def test_an_english_workbooks_override_dropdown_offers_the_outcomes_english_names(tmp_path):
    """The review override's list offered 晋升, 保持 … in an English workbook. It offers the
    policy's English names now, and one picked there is read as that outcome: the rep 1001's
    'Stay' (cycle average 73.25) overridden as Demote is frozen as Demote, as REVIEW_OUTCOME
    shows it in an English workbook, the override kept as typed."""
    path = small(tmp_path, lang="en")
    lists = FileBook(path).values("Lists")
    column = lists[0].index("Outcomes")
    offered = [row[column] for row in lists[1:] if column < len(row) and row[column] is not None]
    assert offered == ["Promote", "Stay", "Demote", "Demote with probation", "Advise resignation review"]
    type_into_file(path, pd.DataFrame([{"employee": 1001, "override": "Demote"}]))
    assert close.close_file(path).plan.problems == []
    history = FileBook(path).values("History")
    override, outcome = (next(i for i, h in enumerate(history[0]) if str(h).startswith(head))
                         for head in ("Review override", "Review outcome"))
    assert [(row[override], row[outcome]) for row in history[1:] if row[:2] == [dt.date(2026, 10, 1), 1001]] == [
        ("Demote", "Demote")]


def english_outcome_counted(tmp_path):
    """The English two-person department closed: the rep 1001's October is frozen into History
    as the workbook shows it, ladder, level and outcome in English (Customer representatives,
    Standard rep, intermediate, and the cycle average 73.25's Stay: they were 客户代表,
    普通客服代表-中级 and 保持). Then that row made as a ladderbook before this one froze it, in
    the policy's names, and the values stored anew (recalc). Returns the file and the dashboard
    (`dashboard_counts`) before that."""
    path = small(tmp_path, lang="en")
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    ws = wb["History"]
    at = {head: next(c.column - 1 for c in ws[1] if str(c.value).startswith(head))
          for head in ("Ladder that month", "Level that month", "Review outcome")}
    (row,) = [row for row in ws.iter_rows(min_row=2) if row[1].value == 1001 and row[at["Review outcome"]].value]
    assert [row[i].value for i in at.values()] == ["Customer representatives", "Standard rep, intermediate", "Stay"]
    shown = dashboard_counts(path)
    for i, older in zip(at.values(), ("客户代表", "普通客服代表-中级", "保持")):
        row[i].value = older
    wb.save(path)
    recalc.recalc(path)
    return path, shown


def dashboard_counts(path) -> dict:
    """The dashboard's counts of Customer representatives, by its tables' headers: the review
    outcomes, the promotion pipeline (three counts) and the KPI score bins."""
    ws = openpyxl.load_workbook(path, read_only=True, data_only=True)["Dashboard"]
    rows = list(ws.iter_rows(values_only=True))
    out = {}
    for at in (i for i, row in enumerate(rows) if row[0] == "Ladder\n序列"):
        table = itertools.takewhile(lambda row: row[0], rows[at + 1:])
        counts = next((row for row in table if row[0] == "Customer representatives"), None)
        out.update({head: n for head, n in zip(rows[at][1:], counts[1:]) if head} if counts else {})
    return out


def test_an_english_workbook_freezes_its_own_words_and_its_dashboard_counts_either_name(tmp_path):
    path, before = english_outcome_counted(tmp_path)
    assert before == dashboard_counts(path) == {
        "Promote": 0, "Stay": 1, "Demote": 0, "Demote with probation": 0, "Advise resignation review": 0,
        "Eligible now\n现可晋升": 0, "Within 3 months\n3个月内": 0, "Not yet\n其他": 1,  # (its cycle review says Stay)
        "<50": 0, "50–70": 0, "70–80": 1, ">80": 0}  # October's 76.5


@libreoffice.NEEDED
def test_the_english_dashboards_counts_are_libreoffices(tmp_path):
    """Its formulas count History's rows by a ladder's or an outcome's English name or the
    policy's (column A shows the English one): the same counts, computed by LibreOffice, on a
    History holding a row in the policy's names and on the dashboard laid out anew over an older
    ladderbook's (both in one run of LibreOffice)."""
    from workbooks import recalculated_together
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    either, before = english_outcome_counted(tmp_path / "a")
    anew = english_dashboard_laid_out_anew(tmp_path / "b").rename(tmp_path / "b" / "anew.xlsx")
    saved = recalculated_together([either, anew], tmp_path / "out")
    assert dashboard_counts(saved[0]) == before
    shown = openpyxl.load_workbook(saved[1], read_only=True, data_only=True)["Dashboard"]
    assert_english_dashboard_worked_by_hand(shown)


def test_an_english_workbooks_training_list_names_ladders_and_levels_in_english(tmp_path):
    """Those ranked in the bottom half over the last three months must train (§5): in an
    English workbook the list the close writes names their ladder and level as the roster does,
    by the policy's English names (the code before wrote 客服职级 and 初级客服 there)."""
    roster, records = sample.department(size=40, last="2026-10")
    policy = default_policy()
    english = {r.name: r.name_en for ld in policy.ladders for r in ld.rungs}
    roster = roster.assign(ladder=roster["ladder"].map({ld.name: ld.id for ld in policy.ladders}),
                           level=roster["level"].map(english))
    path = tmp_path / "dept.xlsx"
    templates.department_file(path, roster, records, lang="en")
    assert close.close_file(path).plan.problems == []
    listed = FileBook(path).values("Training")[1:]
    assert listed and {row[3] for row in listed} <= {ld.name_en for ld in policy.ladders}
    assert {row[4] for row in listed} <= set(english.values())


def test_a_number_no_cell_can_hold_is_a_blank_in_the_archive(tmp_path):
    """NaN or an infinity (no value of HR's, but a result gone wrong) is left blank: written
    as it is, it would make the archive a file Excel repairs on opening."""
    rows = [["月份", dt.date(2026, 10, 1), "标题"], ["工号\nEmployee ID", "分\nScore"],
            [1001, float("nan")], [1002, float("inf")], [1003, 2.5]]
    plan = types.SimpleNamespace(archive={"2026-10 客服职级": rows}, closed=["2026-10 客服职级"], label="2026-10")
    archive.write_archive(plan, tmp_path / "2026-10.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "2026-10.xlsx", read_only=True)["2026-10 客服职级"]
    shown = [(sheet.cell(r, 1).value, sheet.cell(r, 2).value) for r in (3, 4, 5)]
    assert shown == [(1001, None), (1002, None), (1003, 2.5)]


def test_hrs_own_columns_go_into_historys_column_of_that_header_and_one_it_lacks_is_said(tmp_path):
    """HR added 备注 (notes) to History and to both month sheets, and 说明 to one month sheet
    only: the close writes each person's note into History's 备注, says that History has no
    说明 (the 说明 of HR's Table beside History is not History's), and the archive keeps it."""
    path = small(tmp_path)
    _with_side_table(path)
    wb = openpyxl.load_workbook(path)
    history = wb["历史记录"]
    table = history.tables["History"]
    notes = openpyxl.utils.range_boundaries(table.ref)[2] + 1  # History's next column, its Table grown
    history.cell(1, notes, "备注")
    table.ref = f"A1:{openpyxl.utils.get_column_letter(notes)}{history.max_row}"
    table.tableColumns, table.autoFilter = [], None  # named from the header row as openpyxl saves
    typed = {1001: ("回访已核实", None), 1002: ("新人", "周末值班")}
    for name in ("2026-10 客户代表", "2026-10 客服职级"):
        ws = wb[name]
        at = ws.max_column + 1
        ws.cell(2, at, "备注\nNotes")
        if name == "2026-10 客服职级":
            ws.cell(2, at + 1, "说明")
        for r in range(3, 4):  # each sheet's one person
            note, remark = typed[ws.cell(r, 1).value]
            ws.cell(r, at, note)
            if name == "2026-10 客服职级":
                ws.cell(r, at + 1, remark)
    wb.save(path)
    closed = close.close_file(path)
    assert not closed.plan.problems
    october = {row["工号"]: row for row in history_rows(path) if row["月份"] == dt.datetime(2026, 10, 1)}
    assert {emp: row["备注"] for emp, row in october.items()} == {1001: "回访已核实", 1002: "新人"}
    history = FileBook(path).values("历史记录")
    assert [row[53] for row in history] == ["说明", "甲", "乙", None, None]  # HR's Table beside, as it was
    assert [w for w in closed.plan.warnings if "「说明」" in w]
    archived = FileBook(closed.archive).values("2026-10 客服职级")
    assert [row[archived[1].index("说明")] for row in archived[2:]] == ["周末值班"]


def test_a_column_hr_added_to_a_template_is_on_the_month_sheets_the_close_starts(tmp_path):
    """HR added 备注 to the 客服职级 template after our columns (Excel's macro copies the template,
    so its month sheets have it): the command line's next month sheet of that ladder has it too,
    after ours, open for typing on every person's row; the other ladders' sheets do not."""
    roster, records = sample.department(size=20, months=3)
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, sample.decide(roster, records)).save(path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    ours = template.max_column
    template.cell(2, ours + 1, "备注\nNotes")
    wb.save(path)
    closed = close.close_file(path)
    assert not closed.plan.problems
    wb = openpyxl.load_workbook(path)
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("2026-") and ws.title.endswith(" 客服职级"))
    assert [c.value for c in sheet[2]][ours - 1:] == [template.cell(2, ours).value, "备注\nNotes"]
    people = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value is not None]
    assert len(people) > 1 and all(sheet.cell(r, ours + 1).protection.locked is False for r in people)
    others = [ws for ws in wb.worksheets if ws.title.startswith("2026-") and not ws.title.endswith(" 客服职级")]
    assert others and not any("备注" in str(c.value) for ws in others for c in ws[2])


def test_a_column_hr_put_among_ours_on_a_template_goes_after_ours_and_the_template_is_built_anew(tmp_path):
    """备注 inserted after 职级 on the 客服职级 template: the command builds the next sheet with ours
    in their order and 备注 after them; the plan says what Excel's macro (which copies the
    template and writes the formulas by column) refuses: which template, column, what belongs there.
    The command's close builds the template anew, in its place, 备注 after ours, and says so; so
    the next month's plan has no template the macro refuses."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    ours = [c.value for c in template[2]]
    arrays = {c.coordinate: (c.value.ref, c.value.text) for c in template[3] if c.value is not None}
    template.insert_cols(4)
    template.cell(2, 4, "备注")
    wb.save(path)
    order = wb.sheetnames
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert [t.problem.en for t in closed.plan.templates_off] == [
        "the template '模板-客服职级' has '备注' in column D, where ladderbook's '绩效系数' belongs (a column "
        "inserted, moved or deleted, or the policy's items edited since): the month-end macro writes formulas by "
        "column and would put them under the wrong headers, so it does not run; close this month once with the "
        "command ladderbook close-month: it builds the template anew to the policy (your own columns after "
        "ladderbook's; not one holding comments, drawings, buttons or a Table of yours, to put right by hand), "
        "and the macro works again"]
    assert "templates built anew to the policy: 模板-客服职级" in closed.text()
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["2026-11 客服职级"][2]] == [*ours, "备注"]
    assert [c.value for c in wb["模板-客服职级"][2]] == [*ours, "备注"]
    rebuilt = wb["模板-客服职级"]  # its formulas over 100 blank rows, as the workbook's template had them
    assert {c.coordinate: (c.value.ref, c.value.text) for c in rebuilt[3] if c.value is not None} == arrays
    assert rebuilt.max_row == 102 and rebuilt.protection.sheet
    assert [n for n in wb.sheetnames if not n.startswith("2026-")] == [n for n in order if not n.startswith("2026-")]

    fill_month_sheets(wb, pd.DataFrame([{"employee": 1002, "score": 1.2},
                                        {"employee": 1001, **dict(zip(ITEMS, [80, 80, 80, 80, 80]))}]))
    wb.save(path)
    november = close.plan(FileBook(path))
    assert november.problems == [] and november.templates_off == []  # Excel's macro closes it


def test_a_template_holding_a_comment_of_hrs_is_not_built_anew_and_the_close_says_so(tmp_path):
    """备注 inserted among our columns on a template where HR also left a comment: building it
    anew would lose the comment, so the close leaves it as it is and says what to do by hand."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    template.insert_cols(4)
    template.cell(2, 4, "备注")
    template["A1"].comment = Comment("每月 5 日前填完", "HR")
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and closed.rebuilt == []
    assert ("the template '模板-客服职级' has '备注' in column D, where ladderbook's '绩效系数' belongs: it holds "
            "comments, drawings, buttons or a Table of yours, so it was not built anew") in closed.text()
    template = openpyxl.load_workbook(path)["模板-客服职级"]
    assert template["D2"].value == "备注" and template["A1"].comment.text == "每月 5 日前填完"


def test_start_month_builds_anew_a_template_excels_macro_would_refuse(tmp_path, capsys):
    """A fresh workbook whose VIP客服 template has 备注 inserted among our columns: start-month
    builds that template anew as the close does (备注 after ours), so the month's first close can
    be Excel's macro."""
    path = tmp_path / "部门.xlsx"
    wb = templates.department()
    for emp, name in ((1001, "王芳"), (1002, "李伟")):
        wb["员工名册"].append([emp, name, "VIP客服", "客服助理", pd.Timestamp("2025-01-01").to_pydatetime()])
    ours = [c.value for c in wb["模板-VIP客服"][2]]
    wb["模板-VIP客服"].insert_cols(4)
    wb["模板-VIP客服"].cell(2, 4, "备注")
    wb.save(path)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "templates built anew to the policy: 模板-VIP客服" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [c.value for c in wb["模板-VIP客服"][2]] == [c.value for c in wb["2026-10 VIP客服"][2]] == [*ours, "备注"]


def test_start_month_builds_a_template_anew_after_hr_renamed_a_kpi_item_in_the_policy(tmp_path, capsys):
    """HR renames the customer representatives' item 考勤 to 出勤 in a fresh workbook's policy
    sheet: the month's sheet and the template rebuilt by start-month both head it 出勤."""
    path = tmp_path / "部门.xlsx"
    wb = templates.department()
    for row in wb["政策"].iter_rows():
        if (row[0].value, row[1].value) == ("cs_rep", "考勤"):
            row[1].value, row[2].value = "出勤", "Presence"
    wb["员工名册"].append([1001, "王芳", "客户代表", "普通客服代表-中级", pd.Timestamp("2025-01-01").to_pydatetime()])
    wb.save(path)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "templates built anew to the policy: 模板-客户代表" in capsys.readouterr().out
    wb = openpyxl.load_workbook(path, read_only=True)
    for sheet in ("模板-客户代表", "2026-10 客户代表"):
        assert [str(c.value).split("\n")[0] for c in wb[sheet][2]][3:8] == [
            "客户回访率", "客户满意度", "处理时限和正确度", "培训及业务水平", "出勤"]


@pytest.mark.parametrize("change, said", [
    (lambda ws: ws.insert_cols(2), "has '' in column B, where ladderbook's '姓名' belongs"),  # an empty column
    (lambda ws: ws.move_range("B2:B3", cols=30), "has '' in column B, where ladderbook's '姓名' belongs"),  # moved
    (lambda ws: ws.delete_cols(26), "has '' in column Z, where ladderbook's '批准人' belongs"),  # deleted
    (lambda ws: ws.delete_cols(1), "has '姓名' in column A, where ladderbook's '工号' belongs"),  # its ids too
])
def test_a_template_whose_columns_of_ours_moved_is_said_by_column(tmp_path, change, said):
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    change(wb["模板-客服职级"])
    wb.save(path)
    the_plan = close.plan(FileBook(path))
    assert the_plan.problems == [] and len(the_plan.templates_off) == 1
    assert said in the_plan.templates_off[0].problem.en, the_plan.templates_off


def _presence_for_attendance(path, history_note=None):
    """HR renames the customer representatives' KPI item 考勤 to 出勤 in the policy sheet during
    October, and the month sheet's header with it; History, written before, has no 出勤."""
    wb = openpyxl.load_workbook(path)
    for row in wb["政策"].iter_rows():
        if (row[0].value, row[1].value) == ("cs_rep", "考勤"):
            row[1].value, row[2].value = "出勤", "Presence"
    ws = wb["2026-10 客户代表"]
    (cell,) = [c for c in ws[2] if str(c.value).startswith("考勤")]
    cell.value = "出勤\nPresence"
    if history_note:
        wb["历史记录"][history_note] = "备注"
    wb.save(path)


def test_a_kpi_item_the_policy_renamed_gets_its_column_in_history_and_is_read_by_later_reviews(tmp_path):
    """1001's 出勤 (100) is frozen into a new History column after the last, History's Table
    widened over it; the review of October read back from History alone scores the month
    0.2×90 + 0.2×80 + 0.25×70 + 0.25×60 + 0.1×100 = 76.5, as the month sheet did. Before, the
    close kept the other items and said History had no 出勤 column: the month had no score."""
    path = small(tmp_path)
    _presence_for_attendance(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert "columns added to History: 出勤" in closed.text()
    ws = openpyxl.load_workbook(path)["历史记录"]
    assert ws.cell(1, 49).value == "出勤\nPresence" and ws.cell(1, 50).value is None
    assert ws.cell(1, 49).alignment.wrap_text and ws.column_dimensions["AW"].width == 14  # as AV's
    table = ws.tables["History"]
    assert table.ref == "A1:AW5" and len(table.tableColumns) == 49
    assert (table.tableColumns[-1].id, table.tableColumns[-1].name) == (49, "出勤\nPresence")
    rows = {(r["月份"], r["工号"]): r for r in history_rows(path)}
    assert rows[(pd.Timestamp("2026-10-01"), 1001)]["出勤"] == 100
    assert rows[(pd.Timestamp("2026-09-01"), 1001)]["出勤"] is None
    assert rows[(pd.Timestamp("2026-10-01"), 1001)]["考勤"] is None
    assert rows[(pd.Timestamp("2026-10-01"), 1001)]["月度得分(计算)"] == pytest.approx(76.5)
    inputs = book.read(FileBook(path))
    assert "2026-10 客户代表" not in inputs.records.index.get_level_values(0)  # October: History's rows alone
    review = evaluate(inputs.roster, inputs.records, inputs.policy, "2026-10")
    assert review.table.at["1001", "score"] == pytest.approx(76.5)


def test_no_column_is_added_to_history_over_cells_of_hrs(tmp_path):
    """HR's note in AW3, right of History's last header: the close stops, saying where, and
    leaves the workbook as it was."""
    path = small(tmp_path)
    _presence_for_attendance(path, history_note="AW3")
    assert refused_by_close(path) == [
        "History has no column for Presence and AW3, right of its last header, is taken: add the column after "
        "History's last header, then close"]


def refused_by_close(path, month=None) -> list[str]:
    """The problems the close of `path` (of `month`) stops on (in English), the workbook left byte for byte."""
    before = path.read_bytes()
    closed = close.close_file(path, month)
    assert path.read_bytes() == before
    return [p.en for p in closed.plan.problems]


def _with_a_sales_ladder(path, hired=dt.datetime(2026, 10, 20)):
    """HR adds a ladder 销售客服 (its reps scored as customer representatives) to the policy sheet
    during October, and hires 1003 onto it (on the 20th)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["政策"]
    for section, row in (("■ 序列", ["sales", "销售客服", "Sales service"]),
                         ("■ 职级与晋升条件", ["sales", "销售-初级", "Sales, junior", "cs_rep"])):
        top = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith(section))
        end = next(r for r in range(top + 2, ws.max_row + 2) if ws.cell(r, 1).value is None)
        ws.insert_rows(end)
        for c, value in enumerate(row, 1):
            ws.cell(end, c, value)
    wb["员工名册"].append([1003, "赵敏", "销售客服", "销售-初级", hired])
    wb.save(path)


def test_a_month_sheet_hr_renamed_is_named_by_the_close_and_start_month_builds_none_beside_it(tmp_path, capsys):
    """HR renamed 2026-10 客户代表 to 十月 客户代表: a sheet is the month's by its name, so 1001 is on
    no month sheet. The close says first which sheet it is and what to name it back, rather than
    only that the ladder has no sheet and to run start-month; start-month, which would have built
    an empty 2026-10 客户代表 beside HR's, says the same and changes nothing."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["2026-10 客户代表"].title = "十月 客户代表"
    wb.save(path)
    closed = close.close_file(path)
    assert [p.en for p in closed.plan.problems] == [
        "the sheet '十月 客户代表' is the 2026-10 month sheet of the ladder 'Customer representatives' (its first row "
        "says so) but is not named '2026-10 客户代表': rename it '2026-10 客户代表'",
        "employee 1001 (王芳) is on no month sheet of 2026-10"]
    before = path.read_bytes()
    assert cli.main(["start-month", str(path), "2026-10"]) == 1
    assert "rename it '2026-10 客户代表'" in capsys.readouterr().err
    assert path.read_bytes() == before


def test_a_template_hr_renamed_is_named_by_the_close_and_start_month_not_built_again(tmp_path, capsys):
    """HR renamed 模板-客服职级 to 客服职级模板, with a column of theirs on it: the code before built a
    second 模板-客服职级 beside it and November's sheet without HR's column, saying only "templates
    built anew". The close and start-month say which sheet it is and what to name it back, and
    change nothing; named back, the close builds November's sheet with HR's column."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    template.cell(2, template.max_column + 1, "备注")
    template.title = "客服职级模板"
    wb.save(path)
    before = path.read_bytes()
    said = ("the sheet '客服职级模板' is the template of the ladder 'CS grades' (its first row says so) but is not "
            "named '模板-客服职级': rename it '模板-客服职级'")
    assert [p.en for p in close.close_file(path).plan.problems] == [said]
    assert cli.main(["start-month", str(path), "2026-11"]) == 1
    assert said in capsys.readouterr().err
    assert path.read_bytes() == before
    wb = openpyxl.load_workbook(path)
    wb["客服职级模板"].title = "模板-客服职级"
    wb.save(path)
    assert close.close_file(path).plan.problems == []
    heads = [c.value for c in openpyxl.load_workbook(path, read_only=True)["2026-11 客服职级"][2]]
    assert heads[-1] == "备注" and heads.count("备注") == 1


def test_a_ladder_the_policy_gives_no_english_name_has_its_month_sheet_named_in_chinese(tmp_path):
    """An English workbook whose policy sheet leaves the English name of cs_grade blank (the
    policy allows it): the ladder's name is its name in English too, so November's sheet is
    2026-11 客服职级. The code before named it "2026-11 " and titled it " monthly assessment
    (cs_grade)"."""
    path = small(tmp_path, "en")
    without_english_name(path, "CS grades")
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "2026-11 客服职级" in wb.sheetnames
    assert wb["2026-11 客服职级"]["C1"].value == "客服职级 monthly assessment (cs_grade)"


def zero_padded(tmp_path):
    """A junior whose id is 000123, as many a company numbers its people: text, the zeros its own."""
    roster = pd.DataFrame([{"employee": "000123", "name": "李伟", "ladder": "客服职级", "level": "初级客服",
                            "hire_date": pd.Timestamp("2025-04-01"), "duties": 3, "recommended": "是",
                            "exam_passed": "是"}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-09-01"), "employee": "000123", "score": 1.2},
                            {"month": pd.Timestamp("2026-10-01"), "employee": "000123", "score": 1.2,
                             "decision": "晋升", "raise": 600, "approver": "王经理"}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records, ladders=["cs_grade"]).save(path)
    return path


def test_an_id_with_leading_zeros_stays_the_text_it_is_through_the_month_end(tmp_path):
    """000123 on the roster: November's sheet the close builds, the Moves log and the training
    list's ids are 000123, and November's formulas answer for that person. The code before wrote
    123 there, no one on the roster: #N/A, and November could not be closed."""
    path = zero_padded(tmp_path)
    assert close.close_file(path).plan.problems == []
    assert apply_moves.apply_file(path)[0].problems == []
    book = FileBook(path)
    november = book.values("2026-11 客服职级")
    assert november[2][:3] == ["000123", "李伟", "中级客服"]
    assert [row[1] for row in book.values("调动记录")[1:]] == ["000123"]
    eligible = november[1].index("可晋升\nEligible")
    assert november[2][eligible] is False  # an answer for 000123 (0 months at 中级客服), not #N/A


def test_a_month_is_not_closed_before_the_month_before_it(tmp_path):
    """November started early and filled in while October is still open: closing November
    (--month 2026-11) would freeze a review resting on an October History does not hold, and
    October closed after it would come after it in History, its close starting a November that
    is closed. The code before closed it. Now it says to close October first, which closes."""
    path = small(tmp_path)
    assert cli.main(["start-month", str(path), "2026-11"]) == 0
    wb = openpyxl.load_workbook(path)
    wb["2026-11 客服职级"]["D3"] = 1.3
    for column in range(4, 9):  # the rep's five KPI items
        wb["2026-11 客户代表"].cell(3, column, 80)
    wb.save(path)
    assert refused_by_close(path, "2026-11") == [
        "2026-10 is not closed yet (its month sheets are in the workbook): close it first, then 2026-11"]
    assert close.close_file(path).plan.problems == []


def test_two_ladders_whose_sheets_excel_would_name_alike_stop_the_close(tmp_path):
    """HR names the two ladders 华东区大客户服务中心客户代表职级晋升考核序列-一组 and -二组 (25 characters):
    cut to Excel's 31, their month sheets would have one name. The code before wrote a workbook
    holding two sheets named 2026-11 华东区…序列-, which Excel repairs. (Their templates, 模板- and
    25 characters, keep their names.)"""
    path = small(tmp_path)
    common = "华东区大客户服务中心客户代表职级晋升考核序列-"
    long = {"客服职级": f"{common}一组", "客户代表": f"{common}二组"}
    wb = openpyxl.load_workbook(path)
    for row in [*wb["政策"].iter_rows(), *wb["员工名册"].iter_rows(min_row=2)]:
        for cell in row[1:3]:
            cell.value = long.get(cell.value, cell.value)
    wb.save(path)
    before = path.read_bytes()
    assert [p.zh for p in close.close_file(path).plan.problems] == [
        f"序列「{common}一组」与「{common}二组」的月度表同名「2026-11 {common}」（工作表名称最多 31 个字符）："
        f"请在政策表中改短其中一个序列的名称"]
    assert path.read_bytes() == before


def test_a_month_sheet_whose_b1_month_is_not_its_names_stops_the_close(tmp_path):
    """B1 of 2026-10 客户代表 changed to September: the sheet's formulas ($B$1) show September's
    review while the close would freeze October's, which the code before did, silently. And a
    B1 that is no month. A day of October in B1 is October, and closes."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["2026-10 客户代表"]["B1"], wb["2026-10 客服职级"]["B1"] = dt.datetime(2026, 9, 1), "十月"
    wb.save(path)
    assert [p.en for p in close.plan(FileBook(path)).problems] == [
        "'2026-10 客服职级' B1: '十月' is no month; the sheet's month is 2026-10 (its name): set B1 to 2026-10",
        "'2026-10 客户代表' B1: the month 2026-09 is not the sheet's month, 2026-10 (its name), and its formulas "
        "review 2026-09: set B1 to 2026-10"]
    wb["2026-10 客户代表"]["B1"], wb["2026-10 客服职级"]["B1"] = dt.datetime(2026, 10, 15), None
    wb.save(path)
    assert close.plan(FileBook(path)).problems == []


def test_formulas_of_hrs_reading_the_month_sheets_the_close_removes_are_said(tmp_path):
    """A sheet of HR's averaging October's 客户代表 scores and a formula over that average: the
    first reads a sheet the close removes and shows #REF! after it, as when a sheet is deleted
    in Excel; the close says which cell (the code before said nothing). The second reads no
    month sheet and is not named."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("我的汇总")
    ws["B1"], ws["B2"] = "=AVERAGE('2026-10 客户代表'!C3:C40)", "=B1*2"
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert "the formulas in 我的汇总!B1 read the month sheets this close removes, and show #REF! once it has" \
        in closed.text()
    assert openpyxl.load_workbook(path, data_only=True)["我的汇总"]["B1"].value == "#REF!"


def test_defined_names_of_hrs_over_the_month_sheets_the_close_removes_are_said(tmp_path):
    """HR named October's 客户代表 scores (OctReps) and a range of History (AllScores): the first
    points at nothing once the close removes the sheet, and so do the formulas using it, as when
    a sheet is deleted in Excel; the close names it as HR wrote it (the code before said nothing).
    The second, and the sheet's own print titles, which go with it, are not named."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.defined_names["OctReps"] = DefinedName("OctReps", attr_text="'2026-10 客户代表'!$D$3:$D$40")
    wb.defined_names["AllScores"] = DefinedName("AllScores", attr_text="'历史记录'!$C$2:$C$5")
    wb.create_sheet("我的汇总")["B1"] = "=AVERAGE(OctReps)"
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    said = [line for line in closed.plan.warnings if "defined name" in line]
    assert said == ["定义的名称 OctReps 指向本次结账删除的月度表，结账后不再指向任何单元格，使用它的公式显示错误（该月数据在归档中）| "
                    "the defined name(s) OctReps point at the month sheets this close removes: once it has, they point "
                    "at nothing and the formulas using them show an error (the archive holds the month's values)"]


def test_a_ladder_added_during_the_month_gets_its_month_sheet_and_template_from_start_month(tmp_path, capsys):
    """The close of October stops: 1003 is on no sheet, and nothing of the month has 销售客服's
    sheet; it says to run start-month for October, which adds it (1003 on it) and its template
    before History, and says so; asked again, it has nothing to add. 1003's items typed, the
    close freezes 1003's row and starts November's 销售客服 sheet too."""
    path = small(tmp_path)
    _with_a_sales_ladder(path)
    assert cli.main(["close-month", str(path)]) == 1
    said = capsys.readouterr().err
    assert "employee 1003 (赵敏) is on no month sheet of 2026-10" in said
    assert "the ladder 'Sales service' has no month sheet for 2026-10: add it with ladderbook start-month " \
           "部门.xlsx 2026-10, fill it in, then close" in said
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    said = capsys.readouterr().out
    assert "started: 2026-10 销售客服" in said and "模板-销售客服" in said
    assert "dropdown lists brought up to the policy: LadderNames, LevelNames" in said
    wb = openpyxl.load_workbook(path)
    lists = [[c.value for c in row] for row in wb["列表"].iter_rows(min_row=2, max_col=2)]
    # the eighth ladder; the 25th level, after the 24 of the seven (客服主管 of the VIP ladder listed once)
    assert lists[7][0] == "销售客服" and lists[24] == [None, "销售-初级"] and len(lists) == 25
    assert wb.defined_names["LadderNames"].attr_text == "'列表'!$A$2:$A$9"
    assert wb.defined_names["LevelNames"].attr_text == "'列表'!$B$2:$B$26"
    names = wb.sheetnames
    assert names.index("2026-10 销售客服") + 1 == names.index("模板-销售客服") == names.index("历史记录") - 1
    assert [c.value for c in wb["2026-10 销售客服"][3][:3]] == [1003, "赵敏", "销售-初级"]
    assert wb["2026-10 销售客服"]["A4"].value is None
    assert cli.main(["start-month", str(path), "2026-10"]) == 1
    assert "every ladder's staff on one" in capsys.readouterr().err

    type_into_file(path, pd.DataFrame([{"employee": 1003, **dict.fromkeys(ITEMS, 80)}]))
    closed = close.close_file(path)
    assert closed.plan.problems == [] and closed.plan.lists == []  # brought up to the policy already
    assert [r["月度得分(计算)"] for r in history_rows(path) if r["工号"] == 1003] == [80]
    assert "2026-11 销售客服" in openpyxl.load_workbook(path).sheetnames


def test_someone_hired_during_the_month_typed_on_a_blank_row_is_answered_and_closed_like_the_others(tmp_path):
    """1003, hired on 20 October, typed by HR on the blank row under 1001 (the only person the
    customer representatives' sheet was started with): the row is open to input on the protected
    sheet, the sheet's formulas reach it, and recalc and the close score 1003's month
    0.2×80 + 0.2×80 + 0.25×80 + 0.25×80 + 0.1×60 = 78."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["员工名册"].append([1003, "赵敏", "客户代表", "普通客服代表-中级", dt.datetime(2026, 10, 20)])
    ws = wb["2026-10 客户代表"]
    heads = {str(c.value).split("\n")[0]: c.column for c in ws[2] if c.value}
    assert ws.cell(4, 1).value is None and ws.protection.sheet
    for head, value in {"工号": 1003, "姓名": "赵敏", "职级": "普通客服代表-中级", **dict.fromkeys(ITEMS[:4], 80),
                        "考勤": 60}.items():
        assert not ws.cell(4, heads[head]).protection.locked
        ws.cell(4, heads[head], value)
    wb.save(path)
    recalc.recalc(path)
    shown = openpyxl.load_workbook(path, data_only=True, read_only=True)["2026-10 客户代表"]
    assert shown.cell(4, heads["月度得分(计算)"]).value == 78
    closed = close.close_file(path)
    assert closed.plan.problems == []
    (row,) = [r for r in history_rows(path) if r["工号"] == 1003]
    assert (row["月份"].month, row["月度得分(计算)"]) == (10, 78)


def test_a_month_sheets_blank_rows_are_no_rows_whatever_our_columns_and_hrs_own_show_on_them(tmp_path):
    """The blank rows under the customer representatives' one person, as Excel without the add-in
    (or LibreOffice) leaves them, #NAME? in every computed cell, and an own column of HR's whose
    formula is filled down to the last of them: the close reads 1001 alone there, as before."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["2026-10 客户代表"]
    heads = [str(c.value).split("\n")[0] for c in ws[2]]
    computed = [i for i, head in enumerate(heads, 1) if head == "月度得分(计算)"][0]
    ws.cell(2, len(heads) + 1, "备注")
    for r in range(3, ws.max_row + 1):
        if r > 3:
            ws.cell(r, computed, "#NAME?")
        ws.cell(r, len(heads) + 1, f'=IF(A{r}="","（空行）",B{r})')
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert sorted(r["工号"] for r in history_rows(path) if r["月份"] == dt.datetime(2026, 10, 1)) == [1001, 1002]


def renamed_ladder(path, wb=None) -> None:
    """HR renames the ladder 客户代表 to 客户代表组 in the policy sheet and on the roster."""
    wb = wb or openpyxl.load_workbook(path)
    for row in wb["政策"].iter_rows():
        if (row[0].value, row[1].value) == ("cs_rep", "客户代表"):
            row[1].value = "客户代表组"
    for row in wb["员工名册"].iter_rows(min_row=2):
        if row[2].value == "客户代表":
            row[2].value = "客户代表组"
    wb.save(path)


def headcount(path) -> dict:
    """The dashboard's headcount rows (rung → count) as stored."""
    shown = openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"]
    rows = shown.iter_rows(min_row=6, max_col=2, values_only=True)
    return dict(itertools.takewhile(lambda row: row[0], rows))


@libreoffice.NEEDED
def test_a_dashboard_laid_out_anew_opens_in_libreoffice_with_its_charts_and_counts(tmp_path):
    """The parts the month end writes for it (sheet, drawing, five charts, their relationships and
    content types) as LibreOffice reads them, the file handed to it as written: saved again by it,
    the charts are there, the headcount row of the renamed ladder counts 1001, and HR's note and
    formula beside the tables, kept as they were, read and compute as they did."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["D3"], wb["看板"]["J10"] = "备注：十月数据已核对", "=B10*10"  # B10: the renamed ladder's first rung
    renamed_ladder(path, wb)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    libreoffice.convert([path], "xlsx", tmp_path / "out")
    saved = tmp_path / "out" / path.name
    assert len(openpyxl.load_workbook(saved)["看板"]._charts) == 5
    assert headcount(saved)["客户代表组·普通客服代表-中级"] == 1
    shown = openpyxl.load_workbook(saved, data_only=True, read_only=True)["看板"]
    assert (shown["D3"].value, shown["J10"].value) == ("备注：十月数据已核对", 10)


@libreoffice.NEEDED
def test_a_percentage_in_a_workbook_libreoffice_saved_is_found(tmp_path):
    """The number formats LibreOffice writes, not openpyxl's: 95% typed for 客户回访率 is found
    as a percentage, and the close names it, once LibreOffice has saved the workbook."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["2026-10 客户代表"]["D3"] = 0.95
    wb["2026-10 客户代表"]["D3"].number_format = "0.0%"
    wb.save(path)
    libreoffice.convert([path], "xlsx", tmp_path / "lo")
    saved = tmp_path / "lo" / path.name
    assert FileBook(saved).percents("2026-10 客户代表") == {(3, 4)}
    assert "'Callback rate' is typed as the percentage 95%" in close.plan(FileBook(saved)).problems[0].en


def test_a_sheet_named_as_the_dashboard_but_not_titled_as_ours_is_hrs_own_and_left_alone(tmp_path):
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["A1"] = "部门看板"
    renamed_ladder(path, wb)
    assert close.plan(FileBook(path)).dashboard is None


def test_a_note_hr_typed_on_the_dashboard_does_not_have_it_laid_out_anew(tmp_path):
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["D3"] = "备注：十月数据已核对"
    wb.save(path)
    assert close.plan(FileBook(path)).dashboard is None


@pytest.mark.parametrize("lang", ["zh", "en", "zh-Hant"])
def test_the_dashboards_layout_found_by_its_formulas_is_every_cell_the_builder_fills(lang):
    """What a new layout keeps of HR's is what is not the old layout's, found by its formulas
    (`next_month._laid_out`): on the dashboard as built, that is nothing. A cell the builder
    comes to fill that the finding does not know would be taken for HR's."""
    names = Names(lang)
    ws = dashboard(openpyxl.Workbook(), default_policy(), names)
    filled = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row if c.value is not None}
    formulas = {(c.row, c.column): c.value[1:] for row in ws.iter_rows() for c in row if c.data_type == "f"}
    heads = {names.header("职级", "Level"), names.header("序列", "Ladder")}
    assert next_month._laid_out(formulas, filled, heads) == filled.keys() and len(filled) > 100


def test_the_next_months_sheet_takes_the_column_widths_hr_set_on_its_template(tmp_path):
    """Column B of 模板-客服职级 widened to 25 and its 未达条件 narrowed to 30: November's sheet the
    command's close builds has them, as Excel's macro, which copies the template, gives them
    (the code before gave the builder's, 10 and 60). A template whose columns are off (one
    inserted among ours) is built anew, and the sheet keeps the builder's widths."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    unmet = next(c.column_letter for c in template[2] if str(c.value).startswith("未达条件"))
    template.column_dimensions["B"].width, template.column_dimensions[unmet].width = 25, 30
    wb["模板-客户代表"].insert_cols(4)
    wb["模板-客户代表"].column_dimensions["B"].width = 25
    wb.save(path)
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    widths = wb["2026-11 客服职级"].column_dimensions
    assert (widths["B"].width, widths[unmet].width) == (25, 30)
    assert wb["2026-11 客户代表"].column_dimensions["B"].width == 10


def test_the_next_months_sheet_takes_the_number_formats_hr_set_on_its_template(tmp_path):
    """HR shows ids as 001002 (format 000000 on the template's id cells) and coefficients to three
    decimals: November's sheet the command's close builds shows them so, down to its last row,
    as Excel's macro, which copies the template, does (the code before showed 1002). A template
    left as built gives the builder's formats."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    template = wb["模板-客服职级"]
    score = next(c.column for c in template[2] if str(c.value).startswith("绩效系数"))
    for row in template.iter_rows(min_row=3):
        row[0].number_format, row[score - 1].number_format = "000000", "0.000"
    wb.save(path)
    assert close.close_file(path).plan.problems == []
    wb = openpyxl.load_workbook(path)
    november = wb["2026-11 客服职级"]
    assert november["A3"].value == 1002
    assert {november.cell(r, 1).number_format for r in range(3, november.max_row + 1)} == {"000000"}
    assert {november.cell(r, score).number_format for r in range(3, november.max_row + 1)} == {"0.000"}
    assert wb["2026-11 客户代表"]["A3"].number_format == "General"


def test_a_dashboard_laid_out_anew_keeps_what_hr_put_beside_its_tables(tmp_path, capsys):
    """HR's note in D3, a formula of theirs beside the headcount and a date in the format they
    chose under the charts stay where they were, as they were, when start-month lays out anew a
    dashboard whose ladder was renamed (the code before wrote the dashboard without them)."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["看板"]
    ws["D3"], ws["J6"], ws["J60"] = "备注：十月数据已核对", "=B6*2", dt.datetime(2026, 10, 31)
    ws["J60"].number_format = "yyyy/mm/dd"
    renamed_ladder(path, wb)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "dashboard laid out anew to the policy: 看板" in capsys.readouterr().out
    ws = openpyxl.load_workbook(path, read_only=True)["看板"]
    assert [ws[at].value for at in ("D3", "J6", "J60", "A10")] == [
        "备注：十月数据已核对", "=B6*2", dt.datetime(2026, 10, 31), "客户代表组·普通客服代表-中级"]
    assert ws["J60"].number_format == "yyyy/mm/dd"


def test_a_dashboard_laid_out_anew_keeps_the_widths_and_heights_hr_set(tmp_path):
    """Column J widened for HR's notes, column K hidden, columns A and B widened, the row of a
    note of HR's made taller and an empty row under the charts too: as HR left them once
    start-month has laid out anew a dashboard whose ladder was renamed (the code before gave the
    new sheet the builder's widths and default heights). Column C, which HR narrowed, is as wide
    as the builder fits it to its header (no header is cut short), and so are D to F."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["看板"]
    ws["J60"] = "备注：十月数据已核对"
    built = {c: ws.column_dimensions[c].width for c in "CDEF"}
    ws.column_dimensions["J"].width, ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 40, 36, 20
    ws.column_dimensions["C"].width = 5
    ws.column_dimensions["K"].hidden = True
    ws.row_dimensions[60].height, ws.row_dimensions[80].height = 30, 45
    renamed_ladder(path, wb)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    ws = openpyxl.load_workbook(path)["看板"]
    assert ws["A10"].value == "客户代表组·普通客服代表-中级"  # laid out anew
    assert [ws.column_dimensions[c].width for c in "JAB"] == [40, 36, 20]
    assert {c: ws.column_dimensions[c].width for c in "CDEF"} == built and built["C"] > 5
    assert ws.column_dimensions["K"].hidden
    assert (ws.row_dimensions[60].height, ws.row_dimensions[80].height) == (30, 45)


def test_a_width_or_height_no_spreadsheet_reads_is_left_to_the_new_layout(tmp_path):
    """A `<col>` whose style is not in the stylesheet and a `<row>` whose height is no number
    (no Excel writes either): start-month lays the dashboard out anew all the same, with the
    builder's width there and HR's other column kept, rather than stopping on a traceback."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"].column_dimensions["J"].width, wb["看板"].column_dimensions["L"].width = 40, 25
    wb["看板"].row_dimensions[80].height = 45
    renamed_ladder(path, wb)
    with zipfile.ZipFile(path) as z:
        data = {info.filename: z.read(info) for info in z.infolist()}
        part = files.sheet_parts(z)["看板"]
    xml = data[part].decode()
    xml = xml.replace('min="10" max="10"', 'min="10" max="10" style="9999"').replace('ht="45"', 'ht="tall"')
    assert 'style="9999"' in xml and 'ht="tall"' in xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in data.items():
            z.writestr(name, xml if name == part else content)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    ws = openpyxl.load_workbook(path)["看板"]
    assert ws["A10"].value == "客户代表组·普通客服代表-中级"  # laid out anew
    assert (ws.column_dimensions["J"].width, ws.column_dimensions["L"].width) == (13, 25)
    assert ws.row_dimensions[80].height is None


def test_a_dashboard_whose_new_layout_would_cover_or_misplace_hrs_cells_is_not_laid_out_anew_and_said(tmp_path):
    """The rung 客服职级·客服主管 (no one on it) deleted from the policy sheet: laid out anew, the
    dashboard's tables would each start a row higher, its outcomes' headers where HR typed a
    note (C33, beside the old title) and its headcount no longer where HR's formula in J6 reads
    it. The close leaves the dashboard as it was and names those cells."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert [c.value for c in wb["政策"][104][:2]] == ["cs_grade", "客服主管"]
    wb["政策"].delete_rows(104)
    wb["看板"]["C33"], wb["看板"]["J6"], wb["看板"]["J60"] = "备注", "=B6*2", "备注二"
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and "dashboard laid out anew" not in closed.text()
    assert "what you put in J6, C33 a new layout would overwrite or misplace" in closed.text()
    ws = openpyxl.load_workbook(path, read_only=True)["看板"]
    assert (ws["C33"].value, ws["J6"].value, ws["J60"].value, ws["A9"].value) == ("备注", "=B6*2", "备注二",
                                                                                  "客服职级·客服主管")


def test_a_dashboard_with_a_column_inserted_among_its_tables_says_they_moved(tmp_path):
    """A column inserted at B moves every count from under its header: none of the tables is
    where ladderbook's layout has it. The note says so and to undo it, rather than naming a
    hundred of the tables' cells as HR's to move to another sheet (the code before)."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"].insert_cols(2)
    renamed_ladder(path, wb)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and "dashboard laid out anew" not in closed.text()
    assert "its tables are not where ladderbook laid them out (their counts are not in column B" in closed.text()
    assert "what you put in" not in closed.text()
    assert openpyxl.load_workbook(path, read_only=True)["看板"]["C6"].value.startswith("=COUNTIFS(")  # as it was


def test_a_note_naming_hrs_cells_in_the_way_names_ten_and_counts_the_rest():
    """Cells of HR's in the way of a new layout, named: the first ten, and how many more."""
    stale = next_month.StaleDashboard("看板", None, (), blocked=tuple(f"J{r}" for r in range(1, 14)))
    assert "what you put in J1, J2, J3, J4, J5, J6, J7, J8, J9, J10 … +3 a new layout" in stale.note()


def test_a_note_hr_typed_on_a_row_inserted_among_a_tables_counts_is_not_taken_for_its_header(tmp_path, capsys):
    """A row inserted at 8, among the headcount's rungs, and a note typed in its A: the counts
    under it begin where a table would, but the row above them is no header (its A is no
    职级 | Level). The note is HR's, where the new layout puts a rung: named, and the dashboard
    left as it was (the code before took the row for a header, and laid it out anew without it)."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"].insert_rows(8)
    wb["看板"]["A8"] = "以下为高级职级"
    renamed_ladder(path, wb)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "what you put in A8 a new layout would overwrite or misplace" in capsys.readouterr().out
    assert openpyxl.load_workbook(path, read_only=True)["看板"]["A8"].value == "以下为高级职级"


def test_a_share_column_and_a_total_hr_added_to_the_headcount_are_kept_when_it_is_laid_out_anew(tmp_path):
    """HR's formulas beside and under a table: a share of the headcount in column C headed 占比,
    and a total under it. They are no counts of the layout (no COUNTIFS): kept where they were
    when start-month lays out anew a dashboard whose ladder was renamed, rather than taken for
    the table's own columns and rows and dropped, as the code before did."""
    path = small(tmp_path)
    last = 5 + len(headcount(path))  # the headcount's rungs from row 6
    wb = openpyxl.load_workbook(path)
    ws = wb["看板"]
    ws["C5"], ws[f"A{last + 1}"], ws[f"B{last + 1}"] = "占比", "合计", f"=SUM(B6:B{last})"
    for r in range(6, last + 1):
        ws[f"C{r}"] = f"=B{r}/$B${last + 1}"
    renamed_ladder(path, wb)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    ws = openpyxl.load_workbook(path, read_only=True)["看板"]
    assert ws["A10"].value == "客户代表组·普通客服代表-中级"  # laid out anew
    assert [ws[f"C{r}"].value for r in (5, 6, last)] == ["占比", "=B6/$B$" + str(last + 1), f"=B{last}/$B${last + 1}"]
    assert (ws[f"A{last + 1}"].value, ws[f"B{last + 1}"].value) == ("合计", f"=SUM(B6:B{last})")


def test_a_dashboard_holding_an_array_formula_or_a_link_of_hrs_is_not_laid_out_anew(tmp_path):
    """An array formula's cells other than its first hold values only, and a link is not the
    cell's value: laid out anew, the one would be left as values and the other lost. The close
    says why it left the dashboard as it was, and start-month does too for a link alone."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["J6"] = ArrayFormula("J6:J7", "=B6:B7*2")
    renamed_ladder(path, wb)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and "dashboard laid out anew" not in closed.text()
    assert THINGS_OF_HRS in closed.text()
    assert openpyxl.load_workbook(path, read_only=True)["看板"]["J6"].value.ref == "J6:J7"
    (tmp_path / "linked").mkdir()
    path = small(tmp_path / "linked")
    wb = openpyxl.load_workbook(path)
    wb["看板"]["J6"] = "部门周报"
    wb["看板"]["J6"].hyperlink = "https://intranet.example/weekly"
    renamed_ladder(path, wb)
    started = next_month.start_month(path, "2026-10")
    assert started.dashboard is None and THINGS_OF_HRS in started.notes[0]
    assert openpyxl.load_workbook(path)["看板"]["J6"].hyperlink.target == "https://intranet.example/weekly"


THINGS_OF_HRS = ("it holds charts, drawings, comments, links, merged cells, conditional formats, dropdowns or "
                 "array formulas of yours")


def test_a_dashboard_holding_a_chart_of_hrs_is_not_laid_out_anew_and_the_close_says_so(tmp_path):
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["看板"], min_col=2, min_row=6, max_row=9))
    wb["看板"].add_chart(chart, "P4")
    renamed_ladder(path, wb)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and "dashboard laid out anew to the policy" not in closed.text()
    assert "the dashboard '看板' is laid out for the policy as it was" in closed.text()
    assert THINGS_OF_HRS in closed.text()
    assert len(openpyxl.load_workbook(path)["看板"]._charts) == 6 and "客户代表·普通客服代表-中级" in headcount(path)


def test_a_chart_of_hrs_in_place_of_one_of_the_dashboards_is_kept_and_one_deleted_comes_back(tmp_path):
    """Charts are told apart by their titles. HR deleted the dashboard's last chart and added
    one of theirs (five charts, as many as the layout has): the close leaves it as it was and
    says so (the code before counted five charts, took them all for its own and laid the sheet
    out anew without HR's). With only the deletion, it is laid out anew, the chart back (the
    code before refused, saying the sheet held charts of HR's)."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["看板"]._charts[4]
    chart = BarChart()
    chart.title = "本月人数"
    chart.add_data(Reference(wb["看板"], min_col=2, min_row=6, max_row=9))
    wb["看板"].add_chart(chart, "P4")
    renamed_ladder(path, wb)
    closed = close.close_file(path)
    assert THINGS_OF_HRS in closed.text() and "dashboard laid out anew" not in closed.text()
    assert "本月人数" in [c.title.tx.rich.p[0].r[0].t for c in openpyxl.load_workbook(path)["看板"]._charts]

    (tmp_path / "deleted").mkdir()
    path = small(tmp_path / "deleted")
    wb = openpyxl.load_workbook(path)
    del wb["看板"]._charts[4]
    renamed_ladder(path, wb)
    closed = close.close_file(path)
    assert "dashboard laid out anew to the policy: 看板" in closed.text()
    assert len(openpyxl.load_workbook(path)["看板"]._charts) == 5


def _stale_dashboard_with_a_chart_of_hrs(wb) -> None:
    """A chart of HR's on the dashboard, and the review band 晋升 raised from 80 to 85 in the
    policy sheet (the dashboard's score bins follow it, nothing else does)."""
    chart = BarChart()
    chart.add_data(Reference(wb["看板"], min_col=2, min_row=6, max_row=9))
    wb["看板"].add_chart(chart, "P4")
    band = next(row for row in wb["政策"].iter_rows() if row[0].value == "晋升")
    assert band[2].value == 80
    band[2].value = 85


def test_start_month_that_may_not_lay_out_the_dashboard_and_has_nothing_else_to_do_leaves_the_file(tmp_path, capsys):
    """The review band 晋升 raised from 80 to 85 in the policy sheet (the dashboard's score bins
    follow it, nothing else does) on a dashboard holding a chart of HR's: start-month says why it
    was not laid out anew, and neither writes the file again nor keeps a backup of it."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    _stale_dashboard_with_a_chart_of_hrs(wb)
    wb.save(path)
    before = path.read_bytes()
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert THINGS_OF_HRS in capsys.readouterr().out
    assert path.read_bytes() == before and not (tmp_path / "dept-backups").exists()


def test_start_month_that_may_not_lay_out_the_dashboard_still_builds_a_template_anew(tmp_path, capsys):
    """The same dashboard, and the CS grades' template with 备注 inserted among our columns:
    the template is built anew (Excel's macro would refuse it), the dashboard said."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    _stale_dashboard_with_a_chart_of_hrs(wb)
    ours = [c.value for c in wb["模板-客服职级"][2]]
    wb["模板-客服职级"].insert_cols(4)
    wb["模板-客服职级"].cell(2, 4, "备注")
    wb.save(path)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "templates built anew to the policy: 模板-客服职级" in out
    assert THINGS_OF_HRS in out
    assert [c.value for c in openpyxl.load_workbook(path, read_only=True)["模板-客服职级"][2]] == [*ours, "备注"]


def test_a_ladder_renamed_in_the_policy_during_the_month_is_closed_from_its_sheet_of_the_old_name(tmp_path, capsys):
    """HR renames 客户代表 to 客户代表组 in the policy sheet and on the roster during October: 1001
    is on October's sheet of the old name, so start-month adds no sheet (it would put him on two
    sheets) but brings the month up to the policy: the ladders' dropdown list, and the dashboard,
    whose headcount rows counted 客户代表 (no one now) and count 1001 under the new name, the
    month HR typed into its B2 kept; the close freezes him and starts November's sheet under
    the new name."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["B2"] = dt.datetime(2026, 9, 1)  # HR looks back at September
    renamed_ladder(path, wb)
    assert headcount(path)["客户代表·普通客服代表-中级"] is None  # never computed yet; counting 客户代表
    sheets = openpyxl.load_workbook(path, read_only=True).sheetnames
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    out = capsys.readouterr().out
    assert "started" not in out and "LadderNames" in out and "dashboard laid out anew to the policy: 看板" in out
    wb = openpyxl.load_workbook(path)
    assert (wb["看板"]["B2"].value, wb["看板"]["B2"].number_format) == (dt.datetime(2026, 9, 1), "yyyy-mm")  # kept
    assert [s for s in wb.sheetnames if s not in sheets] == ["模板-客户代表组"]  # its template, no month sheet
    assert len(wb["看板"]._charts) == 5  # one per table: headcount, outcomes,
    counts = headcount(path)  # the pipeline and the two metrics' distributions
    assert counts["客户代表组·普通客服代表-中级"] == 1 and "客户代表·普通客服代表-中级" not in counts
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert [r["月度得分(计算)"] for r in history_rows(path) if r["工号"] == 1001] == [None, 76.5]  # September: typed items only
    assert [c.value for c in openpyxl.load_workbook(path)["2026-11 客户代表组"]["A"][2:]] == [1001] + [None] * 10


def test_a_roster_row_the_rules_read_but_the_dashboard_cannot_count_is_said_by_row(tmp_path):
    """A level pasted with a space after it reads as its rung for the rules, but COUNTIFS does not
    match it: the close says which row the headcount leaves out instead of showing a count one
    short. A level typed by its English name is counted, and not said."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["员工名册"]["D2"] = "Standard rep, intermediate"  # 1001
    wb["员工名册"]["D3"] = "初级客服 "  # 1002
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    said = [w for w in closed.plan.warnings if "员工名册" in w]
    assert len(said) == 1 and "「员工名册」第 3 行" in said[0] and "「初级客服 」" in said[0] and "note" not in said[0]
    assert "note: " + said[0] in closed.text()
    assert {label: n for label, n in headcount(path).items() if n} == {"客户代表·普通客服代表-中级": 1}


def test_a_ladder_typed_by_its_english_name_is_read_and_counted(tmp_path):
    """The English workbook's month sheets, training list and dropdowns name the ladders in
    English: typed so on the roster, CS grades was an unknown ladder to the close, and the
    dashboard's headcount did not count it (LibreOffice's count: test_templates)."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["员工名册"]["C2"], wb["员工名册"]["C3"] = "customer representatives", "CS grades"
    wb.save(path)
    closed = close.close_file(path)
    assert closed.plan.problems == [] and not [w for w in closed.plan.warnings if "员工名册" in w]
    assert {label: n for label, n in headcount(path).items() if n} == {"客服职级·初级客服": 1,
                                                                          "客户代表·普通客服代表-中级": 1}


def older_dashboard(tmp_path, lang="zh"):
    """tests/data/chinese-dashboard-edb34a9.xlsx (or english-…), copied to dept.xlsx in `tmp_path`."""
    path = tmp_path / "dept.xlsx"
    shutil.copy(Path(__file__).parent / "data" / f"{'english' if lang == 'en' else 'chinese'}-dashboard-edb34a9.xlsx",
                path)
    return path


def test_a_dashboard_an_older_ladderbook_wrote_gets_todays_formulas_and_keeps_what_hr_typed(tmp_path):
    """tests/data/chinese-dashboard-edb34a9.xlsx is the department of the apply-moves test, its
    roster's ladder typed by its id (cs_grade), as ladderbook wrote it at commit edb34a9: its
    headcount counted the Chinese names only, and HR typed a note into D3 and the month 2026-10
    into B2. Its layout is today's, so the close does not lay it out anew; it writes today's
    formulas into its 95 count cells and the warning over them into the empty A3, and nothing
    else. After apply-moves promotes 1002 (cs_grade, 中级客服) the headcount counts him on
    中级客服: the old formula counted 0."""
    path = older_dashboard(tmp_path)
    closed = close.close_file(path)
    assert closed.plan.problems == []
    assert "the dashboard's formulas brought up to this version: 看板, 96 cells" in closed.text()
    assert "laid out anew" not in closed.text()
    assert apply_moves.apply_file(path)[0].problems == []
    shown = openpyxl.load_workbook(path, read_only=True, data_only=True)["看板"]
    counts = {label: n for label, n in shown.iter_rows(min_row=6, max_row=9, max_col=2, values_only=True)}
    assert counts == {"客服职级·初级客服": 0, "客服职级·中级客服": 1, "客服职级·高级客服": 0, "客服职级·客服主管": 0}
    assert (shown["B2"].value, shown["D3"].value) == (dt.datetime(2026, 10, 1), "王经理已核对 2026-11-02")
    assert shown["A3"].value == "历史记录中 B2 月份的记录：1 条 | Records of the month in B2 in History: 1"
    source = FileBook(path)
    assert next_month.stale_dashboard(source, book.read(source).policy, source.sheet_names()) is None  # once


def english_dashboard_laid_out_anew(tmp_path):
    """tests/data/english-dashboard-edb34a9.xlsx, the English department as ladderbook wrote it at
    commit edb34a9, closed and its moves applied: its rows and outcomes were labelled by the
    policy's Chinese names (客服职级·初级客服, 晋升), and the close lays it out anew in English,
    as it writes its dropdown lists anew in English (the outcomes' too)."""
    path = older_dashboard(tmp_path, "en")
    closed = close.close_file(path)
    assert closed.plan.problems == [] and "the dashboard laid out anew to the policy: Dashboard" in closed.text()
    assert "dropdown lists brought up to the policy: LadderNames, LevelNames, Outcomes" in closed.text()  # Stay …
    assert apply_moves.apply_file(path)[0].problems == []
    return path


def assert_english_dashboard_worked_by_hand(shown):
    """HR's note in D3 and the month in B2 kept; 1002 (on the roster as cs_grade, Junior CS, and
    promoted) counted on Intermediate CS; his October record counted once in CS grades' pipeline."""
    counts = {label: n for label, n in shown.iter_rows(min_row=6, max_row=9, max_col=2, values_only=True)}
    assert counts == {"CS grades·Junior CS": 0, "CS grades·Intermediate CS": 1, "CS grades·Senior CS": 0,
                      "CS grades·CS supervisor": 0}
    assert (shown["B2"].value, shown["D3"].value) == (dt.datetime(2026, 10, 1), "Checked by Wang, 2026-11-02")
    heads = [row for row in shown.iter_rows(values_only=True) if row[0] == "Ladder\n序列"]
    assert heads[0][:6] == ("Ladder\n序列", "Promote", "Stay", "Demote", "Demote with probation",
                            "Advise resignation review")
    pipeline = [row for row in shown.iter_rows(values_only=True) if row[0] == "CS grades"][0]
    assert sum(pipeline[1:4]) == 1


def test_an_english_dashboard_an_older_ladderbook_wrote_is_laid_out_anew_in_english(tmp_path):
    path = english_dashboard_laid_out_anew(tmp_path)
    assert_english_dashboard_worked_by_hand(openpyxl.load_workbook(path, read_only=True, data_only=True)["Dashboard"])


def test_start_month_brings_an_older_ladderbooks_dashboard_formulas_up_once(tmp_path, capsys):
    """What Excel's macro does not do, start-month on the open month does (README); a second
    finds nothing to do."""
    path = older_dashboard(tmp_path)
    assert cli.main(["start-month", str(path), "2026-10"]) == 0
    assert "the dashboard's formulas brought up to this version: 看板, 96 cells" in capsys.readouterr().out
    assert cli.main(["start-month", str(path), "2026-10"]) == 1
    assert "every ladder's staff on one" in capsys.readouterr().err


def test_a_policy_sheet_whose_ladders_title_was_overwritten_stops_the_close_with_what_to_put_back(tmp_path):
    """Found by random edits of the policy sheet: the ladders' table read as empty made the close
    fail with "ladderbook failed: KeyError: 'ladder'". Now the close says which title row to put
    back, and changes nothing."""
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    (cell,) = [row[0] for row in wb["政策"].iter_rows() if row[0].value == "■ 序列 | Ladders"]
    cell.value = "<b>"
    wb.save(path)
    assert refused_by_close(path) == [
        "Policy sheet: No table titled '■ 序列 | Ladders' (after '■ 考核项 | KPI items'): its title row was changed "
        "or deleted; put it back (a table may have no rows, but its title and header rows must be there)"]


def test_a_workbook_without_month_sheets_is_told_to_start_one_in_its_own_words(tmp_path):
    """The English half named a Chinese sheet (2026-10 客户代表) and file (部门.xlsx) as examples."""
    path = small(tmp_path, "en")
    wb = openpyxl.load_workbook(path)
    for name in [n for n in wb.sheetnames if n.startswith("2026-10 ")]:
        del wb[name]
    wb.save(path)
    assert refused_by_close(path) == [
        "the workbook has no month sheets (named like '2026-10 Customer representatives'): start a month first, "
        "ladderbook start-month department.xlsx 2026-10"]
