"""The workbooks HR opens: built from the default policy, read back through the schema, and
carrying the Excel conventions HR expects."""

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

import libreoffice
from workbook import cli, templates
from workbook.sheets import month, style
from workbook.file_book import FileBook
from xlfuncs import book, schema, values
from xlfuncs.policy import default_policy
from workbooks import recalculated_by_libreoffice

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "templates"


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    templates.write_templates(folder)
    return folder


def test_committed_templates_are_what_the_default_policy_builds():
    assert templates.stale(COMMITTED) == [], "templates/ is stale: run `ladderbook templates`"


def test_stale_check_notices_a_changed_template(saved, tmp_path):
    """(That the check passes on what `ladderbook templates` writes: the test above, on templates/.)"""
    changed = tmp_path / "templates"
    shutil.copytree(saved, changed)
    wb = openpyxl.load_workbook(changed / templates.FILES["zh"])
    wb["政策"]["B3"] = 13
    wb.save(changed / templates.FILES["zh"])
    assert cli.main(["templates", "--check", "--out", str(changed)]) == 1


@pytest.mark.parametrize("lang", templates.FILES)
def test_a_template_reads_back_through_the_schema(saved, lang):
    inputs = book.read(FileBook(saved / templates.FILES[lang]))
    policy = default_policy()
    assert inputs.problems == []
    if lang == "zh-Hant":  # the policy in Traditional: the same, name for name, once read as Simplified
        assert [values.fold(r.name) for ld in inputs.policy.ladders for r in ld.rungs] == [
            values.fold(r.name) for ld in policy.ladders for r in ld.rungs]
        assert inputs.policy.ladders[2].name == "技術支援"
    else:
        assert inputs.policy == policy
    assert list(inputs.roster.columns[:3]) == ["employee", "name", "ladder"]
    assert len(inputs.records) == 0  # month-sheet templates are not months


def test_sheets_tables_and_names(saved):
    wb = openpyxl.load_workbook(saved / templates.FILES["zh"])
    ladders = [f"模板-{ld.name}" for ld in default_policy().ladders]
    assert wb.sheetnames == ["说明", "看板", "列表", "员工名册", *ladders, "历史记录", "调动记录", "培训名单", "政策", "xlwings.conf"]
    assert wb["列表"].sheet_state == "hidden"
    assert {n: ws.title for ws in wb for n in ws.tables} == {
        "Roster": "员工名册", "History": "历史记录", "Moves": "调动记录", "Training": "培训名单"}
    assert wb["员工名册"]["A1"].value == "工号\nEmployee ID"
    assert wb["xlwings.conf"]["A1"].value == "UDF MODULES" and wb["xlwings.conf"]["B1"].value == "xlfuncs.udfs;workbook.macros"
    assert wb.defined_names["LadderNames"].attr_text == "'列表'!$A$2:$A$8"
    english = openpyxl.load_workbook(saved / templates.FILES["en"])
    assert english.sheetnames[:4] == ["Guide", "Dashboard", "Lists", "Roster"]
    assert english["Roster"]["A1"].value == "Employee ID\n工号"


def test_dropdowns_and_number_formats(saved):
    ws = openpyxl.load_workbook(saved / templates.FILES["zh"])["员工名册"]
    rules = {str(v.sqref): v.formula1 for v in ws.data_validations.dataValidation}
    headers = {c.value.split("\n")[0]: c.column_letter for c in ws[1]}
    assert rules[f"{headers['序列']}2:{headers['序列']}1048576"] == "=LadderNames"
    assert rules[f"{headers['职级']}2:{headers['职级']}1048576"] == "=LevelNames"
    assert rules[f"{headers['总经理特批']}2:{headers['总经理特批']}1048576"] == "=YesNo"
    # a ladder or level HR adds to the policy sheet is not on the hidden lists: Excel warns, and lets it in
    style_of = {str(v.sqref): (v.errorStyle or "stop") for v in ws.data_validations.dataValidation}
    assert style_of[f"{headers['序列']}2:{headers['序列']}1048576"] == "warning"
    assert style_of[f"{headers['职级']}2:{headers['职级']}1048576"] == "warning"
    assert style_of[f"{headers['总经理特批']}2:{headers['总经理特批']}1048576"] == "stop"
    assert ws[f"{headers['入职日期']}2"].number_format == "yyyy-mm-dd"
    assert ws.freeze_panes == "B2"
    # a pay formula HR retypes as "=…" stays text (General would make it an Excel #NAME? formula)
    policy = openpyxl.load_workbook(saved / templates.FILES["zh"])["政策"]
    formulas = [c for row in policy.iter_rows() for c in row if c.value in ("基数*绩效/100", "基数*绩效")]
    assert len(formulas) == 2 and {c.number_format for c in formulas} == {"@"}


def test_month_sheet_array_formulas_protection_and_outcome_colours(saved):
    ws = openpyxl.load_workbook(saved / templates.FILES["zh"])["模板-客户代表"]
    headers = {c.value.split("\n")[0]: c.column_letter for c in ws[2] if c.value}
    last = 2 + style.TEMPLATE_ROWS

    def formula(name):
        cell = ws[f"{headers[name]}3"].value
        assert isinstance(cell, ArrayFormula)
        return cell.ref, cell.text

    assert formula("可晋升") == (f"{headers['可晋升']}3:{headers['可晋升']}{last}", f"=PROMO_ELIGIBLE(A3:A{last},$B$1)")
    # Chinese, the default, left out: a VBA module imported before REVIEW_OUTCOME took a language calls it still
    assert formula("评审结果")[1] == f"=REVIEW_OUTCOME(A3:A{last},$B$1)"
    assert formula("未达条件")[1] == f"=PROMO_REASON(A3:A{last},$B$1)"
    first_item, last_item = headers["客户回访率"], headers["考勤"]
    assert formula("月度得分(计算)")[1] == (
        f"=KPI_SCORE({first_item}3:{last_item}{last},C3:C{last},{first_item}2:{last_item}2)")
    assert "加薪下限(元/月)" not in headers  # the customer-rep ladder has no raise ranges
    assert ws.protection.sheet is True
    assert ws["A3"].protection.locked is False and ws[f"{headers['客户回访率']}50"].protection.locked is False
    assert ws[f"{headers['可晋升']}3"].protection.locked is True and ws["A2"].protection.locked is True
    colours = {rule.formula[0]: rule.dxf.fill.fgColor.rgb[-6:] for r in ws.conditional_formatting for rule in r.rules}
    assert colours == {'"晋升"': "C6EFCE", '"降级"': "FFEB9C", '"降级并试用"': "FFC7CE", '"劝退评估"': "FFC7CE"}
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "landscape"
    # an English one asks for the outcomes in English, and colours them so (晋升 was asked and coloured)
    english = openpyxl.load_workbook(saved / templates.FILES["en"])["Template cs_rep"]
    (asked,) = [c.value.text for c in english[3]
                if isinstance(c.value, ArrayFormula) and "REVIEW_OUTCOME" in c.value.text]
    assert asked == f'=REVIEW_OUTCOME(A3:A{last},$B$1,"en")'
    colours = {rule.formula[0]: rule.dxf.fill.fgColor.rgb[-6:]
               for r in english.conditional_formatting for rule in r.rules}
    assert colours == {'"Promote"': "C6EFCE", '"Demote"': "FFEB9C", '"Demote with probation"': "FFC7CE",
                       '"Advise resignation review"': "FFC7CE"}

    grade = openpyxl.load_workbook(saved / templates.FILES["zh"])["模板-客服职级"]
    heads = {c.value.split("\n")[0]: c.column_letter for c in grade[2] if c.value}
    assert "绩效系数" in heads and "评审结果" not in heads  # coefficient input; no review cycle
    raise_cell = grade[f"{heads['加薪下限(元/月)']}3"].value
    assert raise_cell.ref == f"{heads['加薪下限(元/月)']}3:{heads['加薪上限(元/月)']}{last}"


def test_new_workbook_for_chosen_ladders(tmp_path, capsys):
    path = tmp_path / "dept.xlsx"
    assert cli.main(["new", str(path), "--ladders", "cs_rep", "VIP客服", "--lang", "en"]) == 0
    wb = openpyxl.load_workbook(path, read_only=True)
    assert [n for n in wb.sheetnames if n.startswith("Template")] == ["Template cs_rep", "Template vip"]
    assert cli.main(["new", str(path)]) == 1
    assert "exists" in capsys.readouterr().err
    assert cli.main(["new", str(tmp_path / "x.xlsx"), "--ladders", "sales"]) == 2
    assert "unknown ladder: sales" in capsys.readouterr().err


@libreoffice.NEEDED
def test_libreoffice_opens_the_chinese_and_the_english_template(saved, tmp_path):
    """The Chinese and the English template, converted by LibreOffice in one run: the same sheets,
    headers and Tables, and a dashboard of zeros under a blank month. (The Traditional one is the
    Chinese one, its texts converted: about 3 s of LibreOffice's time each.)"""
    chosen = {lang: templates.FILES[lang] for lang in ("zh", "en")}
    libreoffice.convert([saved / name for name in chosen.values()], "xlsx", tmp_path / "out")
    for lang, name in chosen.items():
        converted = openpyxl.load_workbook(tmp_path / "out" / name)
        original = openpyxl.load_workbook(saved / name)
        assert converted.sheetnames == original.sheetnames
        for sheet in original.sheetnames:
            header_row = 2 if str(sheet).startswith(("模板", "Template")) else 1
            assert [c.value for c in converted[sheet][header_row]] == [c.value for c in original[sheet][header_row]]
        roster = style.Names(lang).pick(schema.ROSTER.zh, schema.ROSTER.en)
        assert converted[roster].tables.keys() == original[roster].tables.keys()
        shown = openpyxl.load_workbook(tmp_path / "out" / name, data_only=True, read_only=True)[original.sheetnames[1]]
        formulas = [c for row in original.worksheets[1].iter_rows(min_row=3) for c in row if c.data_type == "f"]
        assert shown["B2"].value is None and len(formulas) > 90  # the dashboard's counts, all 0
        assert {c.value for row in shown.iter_rows(min_row=3, min_col=2, max_col=7) for c in row
                if isinstance(c.value, (int, float))} == {0}


def closed_october(tmp_path):
    """The two-person department of test_close, October closed."""
    from test_close import small

    from workbook import close
    path = small(tmp_path)
    close.close_file(path)
    return path


def assert_dashboard_worked_by_hand(ws):
    assert ws["B2"].value.strftime("%Y-%m") == "2026-10"
    assert ws["A3"].value == "历史记录中 B2 月份的记录：2 条 | Records of the month in B2 in History: 2"
    rows = {}
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0] and row[1] is not None and not str(row[0]).startswith(("序列", "职级")):
            rows.setdefault(row[0], []).append([v for v in row[1:7] if v is not None])
    assert rows["客服职级·初级客服"] == [[1]] and rows["客户代表·普通客服代表-中级"] == [[1]]
    assert rows["客服职级·中级客服"] == [[0]]
    # pipeline, then the distribution: neither is eligible, and not for want of time alone
    assert rows["客服职级"] == [[0, 0, 1], [0, 0, 1, 0, 0]]  # coefficient 1.2: bin 1.2–1.3
    assert rows["客户代表"][1:] == [[0, 0, 1], [0, 0, 1, 0]]  # score 76.5: bin 70–80


@libreoffice.NEEDED
def test_the_dashboard_counts_the_closed_month_in_libreoffice(tmp_path):
    """The dashboard's formulas as LibreOffice computes them (asked to recalculate every formula:
    the close stores values it would otherwise show), the month typed into B2 as a day of it
    (every count was 0), A3's count of the month's records, a ladder typed by its English name
    (not counted before), and its five native charts."""
    path = closed_october(tmp_path)

    def typed_by_hr(wb):
        wb["看板"]["B2"] = dt.datetime(2026, 10, 15)  # looking back, a day of the month: it shows 2026-10
        wb["员工名册"]["C3"] = "CS grades"  # 1002's ladder, as an English workbook names it
    saved = recalculated_by_libreoffice(path, tmp_path / "out", typed_by_hr)
    assert len(openpyxl.load_workbook(path)["看板"]._charts) == 5
    shown = openpyxl.load_workbook(saved, data_only=True, read_only=True)["看板"]
    assert_dashboard_worked_by_hand(shown)


def test_the_dashboard_is_computed_headlessly_by_the_close_and_kept_by_recalc(tmp_path):
    """The same numbers stored by the close (its recalc step), for readers that compute nothing;
    a recalc afterwards has nothing of the dashboard's to change."""
    from workbook import recalc
    path = closed_october(tmp_path)
    assert_dashboard_worked_by_hand(openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"])
    report = recalc.recalc(path)
    assert report.left_alone == [] and report.ordinary == 0
    assert_dashboard_worked_by_hand(openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"])


def names_counting_reads_more_into(tmp_path):
    """October closed in a department whose policy names what COUNTIFS reads as more than text:
    a level *客服 (as a criterion: any text ending in 客服, 中级客服 too), a level and an outcome
    holding quotes (which end a formula's text), and a ladder holding ~ (which escapes the next
    character). One person on each of the ladder's two lowest rungs, coefficient 1.2 each."""
    import pandas as pd
    from xlfuncs.policy import default_data

    from workbook import close
    data = default_data()
    ladder = data["ladders"][0]
    levels = ["*客服", '中级"B"客服']
    ladder["name"], ladder["rungs"][0]["name"], ladder["rungs"][1]["name"] = "客服~职级", *levels
    data["bands"][0]["outcome"] = '晋升"快"'
    people = pd.DataFrame([{"employee": 1000 + i, "name": f"员工{i}", "ladder": "客服~职级", "level": level,
                            "hire_date": pd.Timestamp("2025-04-01")} for i, level in enumerate(levels)])
    records = pd.DataFrame([{"month": pd.Timestamp(month), "employee": employee, "score": 1.2}
                            for month in ("2026-09-01", "2026-10-01") for employee in people["employee"]])
    path = tmp_path / "dept.xlsx"
    templates.with_department(people, records, data, ladders=["cs_grade", "cs_rep"]).save(path)
    close.close_file(path)
    return path


def assert_counted_as_named(ws):
    """Each rung's one person counted once, on their own rung; the ladder's two in its pipeline and
    in the coefficients' bin 1.2–1.3; the outcome holding quotes a header of the outcomes."""
    rows = {}
    for row in ws.iter_rows(min_row=4, values_only=True):
        if row[0]:
            rows.setdefault(row[0], []).append([v for v in row[1:7] if v is not None])
    assert rows["客服~职级·*客服"] == [[1]] and rows['客服~职级·中级"B"客服'] == [[1]]
    assert rows["客服~职级·高级客服"] == [[0]]
    assert rows["客服~职级"] == [[0, 0, 2], [0, 0, 2, 0, 0]]
    assert ['晋升"快"', "保持", "降级", "降级并试用", "劝退评估"] in rows["序列\nLadder"]


def test_names_a_count_would_read_as_patterns_are_counted_as_they_are_by_the_close(tmp_path):
    """A level named *客服 counted 中级客服's people too, and a name holding a quote made the close
    fail ("ladderbook failed", openpyxl's TokenizerError over the dashboard's formulas). The
    outcome colouring of the templates (which the month sheets take) compares with the outcome
    holding quotes, as a formula's tokens read it back."""
    from openpyxl.formula.tokenizer import Tokenizer
    path = names_counting_reads_more_into(tmp_path)
    assert_counted_as_named(openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"])
    rules = openpyxl.load_workbook(path)["模板-客户代表"].conditional_formatting
    compared = {Tokenizer("=" + r.formula[0]).items[0].value[1:-1].replace('""', '"') for cf in rules for r in cf.rules}
    assert '晋升"快"' in compared


@libreoffice.NEEDED
def test_names_a_count_would_read_as_patterns_are_counted_as_they_are_by_libreoffice(tmp_path):
    """The same counts as LibreOffice computes them, asked to recalculate every formula."""
    saved = recalculated_by_libreoffice(names_counting_reads_more_into(tmp_path), tmp_path / "out")
    assert_counted_as_named(openpyxl.load_workbook(saved, data_only=True, read_only=True)["看板"])


def test_a_day_typed_into_the_dashboards_month_counts_that_month(tmp_path):
    """B2 shows the month as 2026-10, whatever day of it HR typed: 2026-10-15 counts October,
    as the close's own month does (every count of the month was 0)."""
    from workbook import recalc
    path = closed_october(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["B2"] = dt.datetime(2026, 10, 15)
    wb.save(path)
    recalc.recalc(path)
    assert_dashboard_worked_by_hand(openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"])


@pytest.mark.parametrize("typed, said", [
    (dt.datetime(2025, 3, 1), "！历史记录中没有 B2 的月份，以下计数均为 0"),  # before History's first month, 2026-09
    ("三月", "！B2 不是日期：请输入月份，如 2026-06-01")])
def test_a_month_history_does_not_hold_is_said_above_the_dashboards_zeros(tmp_path, typed, said):
    """Zeros for a month History does not hold would read as a month in which nobody was
    reviewed: A3, which says how many records the month has, says so; in words for a text that
    is no date too (whose counts are errors). LibreOffice computed the same texts and values
    for both, once, by hand (2026-12-01); not repeated here, for the suite's time."""
    from workbook import recalc
    path = closed_october(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb["看板"]["B2"] = typed
    wb.save(path)
    recalc.recalc(path)
    shown = openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"]
    assert shown["A3"].value.startswith(said)
    pipeline = next(row for row in shown.iter_rows(min_row=4, values_only=True) if row[0] == "客服职级" and len(
        [v for v in row[1:7] if v is not None]) == 3)
    assert pipeline[1:4] == ((0, 0, 0) if isinstance(typed, dt.datetime) else ("#VALUE!",) * 3)


def test_the_dashboard_month_is_blank_before_the_first_close(tmp_path):
    """An empty History has no closed month: B2 shows nothing (it showed 1899-12, the serial 0)."""
    from workbook import recalc

    path = tmp_path / "fresh.xlsx"
    templates.department().save(path)
    recalc.recalc(path)
    assert openpyxl.load_workbook(path, data_only=True, read_only=True)["看板"]["B2"].value in (None, "")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_dashboards_headers_each_fit_their_two_lines(saved, lang):
    """Each table header of the dashboard, a Chinese and an English line, is as wide as its
    longer line (its row is two lines high): the columns took the widths of the last table's
    headers (<50, 50–70), so 3个月内 / Within 3 months wrapped into three lines, their first and
    last cut off in Excel and in LibreOffice's print."""
    from openpyxl.utils import get_column_letter

    from workbook.text_width import cell_width

    ws = openpyxl.load_workbook(saved / templates.FILES[lang]).worksheets[1]
    heads = [c for row in ws.iter_rows() for c in row if c.fill.fgColor.rgb == style.HEADER_FILL.fgColor.rgb
             and isinstance(c.value, str)]
    assert len(heads) > 20 and "Within 3 months" in {v for c in heads for v in c.value.split("\n")}
    narrow = [(c.coordinate, c.value) for c in heads if ws.row_dimensions[c.row].height < 33
              and ws.column_dimensions[get_column_letter(c.column)].width < cell_width(c.value) + 2]
    assert narrow == []


def test_historys_header_row_is_as_tall_as_its_longest_header_wrapped(saved):
    """History's columns are narrow (14: it prints several pages wide) and its headers wrap.
    Worked by hand, in 13 characters of text: 产品及技能培训反馈 (18) takes two lines and
    'Feedback on product and skills training' four ('Feedback on' / 'product and' / 'skills' /
    'training'): six lines of 15 points. The row was 48 points high, three lines, and
    LibreOffice printed its headers cut at the top and bottom."""
    ws = openpyxl.load_workbook(saved / templates.FILES["zh"])["历史记录"]
    head = next(c for c in ws[1] if str(c.value).startswith("产品及技能培训反馈"))
    assert head.value == "产品及技能培训反馈\nFeedback on product and skills training"
    assert ws.column_dimensions[head.column_letter].width == 14
    assert ws.row_dimensions[1].height == 6 * 15


def test_the_dashboards_rung_labels_are_not_cut_off():
    """A ladder HR named at length: its rungs' labels (ladder·level) in column A, the counts beside
    them, were cut at the 30 characters column A had whatever they were."""
    from workbook.text_width import cell_width
    from workbook.sheets.dashboard import dashboard
    from xlfuncs.policy import Policy, default_data

    data = default_data()
    data["ladders"][1]["name"] = "客户代表序列（含大客户与高级客服）"
    ws = dashboard(openpyxl.Workbook(), Policy.from_dict(data), style.Names("zh"))
    label = "客户代表序列（含大客户与高级客服）·大客户客服代表-高级"
    assert label in {c.value for c in ws["A"]} and ws.column_dimensions["A"].width >= cell_width(label)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_level_and_ladder_columns_are_wide_enough_for_every_name(saved, lang):
    """The roster, the Moves log, the training list and the month sheets show levels and ladders
    by the names of the workbook's language: the English training list cut Customer representatives and
    Standard rep, intermediate to 14 and 20 characters wide before. (This test read the widths
    of no column before: it took each column's position for its field.)"""
    from workbook.text_width import cell_width

    wb = openpyxl.load_workbook(saved / templates.FILES[lang])  # (a read-only sheet has no widths)
    ladders = default_policy().ladders
    longest = {"level": max(cell_width(r.name if lang == "zh" else r.name_en) for ld in ladders for r in ld.rungs),
               "ladder": max(cell_width(ld.name if lang == "zh" else ld.name_en) for ld in ladders)}
    for table, keys in ((schema.ROSTER, ("level", "ladder")), (schema.MOVES, ("from_level", "to_level")),
                        (schema.TRAINING, ("level", "ladder"))):
        ws = wb[table.zh if lang == "zh" else table.en]
        heads = schema.match_headers(table, [c.value for c in ws[1]])[0]  # position → field
        assert set(keys) <= set(heads.values())
        for pos, key in heads.items():
            if key in keys:
                width = ws.column_dimensions[openpyxl.utils.get_column_letter(pos + 1)].width
                assert width >= longest["ladder" if key == "ladder" else "level"], (table.en, key, width)
    # and each ladder's template, so its month sheets, as wide as its own levels: all were 10 wide,
    # 大客户客服代表-中级 and Key-account rep, intermediate cut off beside the next column's inputs
    for ladder in ladders:
        ws = wb[style.Names(lang).template(ladder)]
        row = [c.value for c in ws[2]]
        heads = {**schema.match_headers(schema.RECORDS, row)[0], **schema.match_headers(schema.ROSTER, row)[0]}
        own = max(cell_width(r.name if lang == "zh" else r.name_en) for r in ladder.rungs)
        widths = {key: ws.column_dimensions[openpyxl.utils.get_column_letter(pos + 1)].width
                  for pos, key in heads.items() if key in ("level", "to_level")}
        assert len(widths) == 2 and min(widths.values()) >= own, (ws.title, widths, own)


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfinfo") is None,
                    reason="LibreOffice and poppler-utils (pdfinfo, pdftotext) are not installed")
def test_what_hr_prints_is_readable_and_history_prints_its_latest_month(tmp_path):
    """A 100-person department closed once, printed by LibreOffice sheet by sheet (the export, so
    values show, yes/no as TRUE or FALSE). Bounds chosen: a month sheet 3 pages wide with text at
    least 5.9 pt high (it was one page at 4.3 pt; 6.1 pt before its level columns were made as wide
    as the ladder's level names, its id and name repeated on each page and no longer its level:
    6.0 now), the policy 2 wide (one at 4.7 pt), History its latest month only (1,300 rows took 276
    of the demo's 330 pages): 4 pages wide × 4 tall at most for 100 people."""
    from workbook import close, recalc
    from workbook.sample import department

    path = tmp_path / "dept.xlsx"
    templates.department_file(path, *department(size=100, months=13))
    assert close.close_file(path).plan.problems == []
    recalc.recalc(path, tmp_path / "values.xlsx", values_only=True)
    month = next(n for n in openpyxl.load_workbook(path, read_only=True).sheetnames if n.startswith("2026-11 客户"))
    singles = []
    for keep in (month, "历史记录", "政策"):
        wb = openpyxl.load_workbook(tmp_path / "values.xlsx")
        for ws in [ws for ws in wb.worksheets if ws.title != keep]:
            wb.remove(ws)
        singles.append(tmp_path / f"{len(singles)}.xlsx")
        wb.save(singles[-1])
    libreoffice.convert(singles, "pdf", tmp_path / "pdf", timeout=300)

    def pages(i):
        info = subprocess.run(["pdfinfo", str(tmp_path / "pdf" / f"{i}.pdf")], capture_output=True, text=True).stdout
        return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))

    def text_height(i):
        box = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "pdf" / f"{i}.pdf"), "-"],
                             capture_output=True, text=True).stdout
        heights = [float(w.split('yMax="')[1].split('"')[0]) - float(w.split('yMin="')[1].split('"')[0])
                   for w in box.split("<word ")[1:]]
        return sorted(heights)[len(heights) // 2]

    assert pages(0) <= 3 * 2 and text_height(0) >= 5.9  # about 30 people: 3 wide, at most 2 tall
    assert pages(1) <= 4 * 4
    assert pages(2) <= 2 * 3 and text_height(2) >= 7
    # its yes/no cells (可晋升, 应降级, 需培训) read TRUE or FALSE, as in Excel: LibreOffice showed most as 1 or 0
    sheet = openpyxl.load_workbook(singles[0]).active
    yes_no = sum(isinstance(c.value, bool) for row in sheet.iter_rows() for c in row)
    words = subprocess.run(["pdftotext", str(tmp_path / "pdf" / "0.pdf"), "-"], capture_output=True, text=True).stdout
    assert yes_no > 60 and sum(w in ("TRUE", "FALSE") for w in words.split()) == yes_no


@pytest.mark.parametrize("lang, first", [("zh", "客服部晋升晋级工作簿"), ("en", "CS department promotion workbook"),
                                         ("zh-Hant", "客服部晉升晉級工作簿")])
def test_the_guide_speaks_the_workbooks_language_first(saved, lang, first):
    guide = openpyxl.load_workbook(saved / templates.FILES[lang]).worksheets[0]
    assert guide["A1"].value == first
    ladders = [c.value for c in guide["A"] if c.value and "→" in str(c.value)]
    assert ladders and all(("Junior CS" in v) == (lang == "en") for v in ladders[:1])
    examples = [c.value for c in guide["A"] if c.value and "=PROMO_ELIGIBLE(" in str(c.value)]
    assert examples and all(("(ID)" in v) == (lang == "en") for v in examples)  # it was (工号) in English too


@libreoffice.NEEDED
def test_a_month_sheet_holds_names_as_typed_control_characters_included(tmp_path):
    """Roster names as the Excel macro reads them from HR's workbook: one pasted with a control
    character (which openpyxl refuses, and which once stopped the macro's close), one holding a
    literal _x0041_, one starting with "=". The month sheet is built, and LibreOffice reads each
    name back as typed, and so does our reader (which the command's close reads them with)."""
    policy = default_policy()
    ladder = policy.ladder("cs_grade")
    names = ["王\x01芳", "_x0041_", "=李伟"]
    wb = openpyxl.Workbook()
    month.month_sheet(wb, policy, ladder, "2026-11 客服职级", dt.datetime(2026, 11, 1),
                      [{"employee": 1001 + i, "name": name, "level": "初级客服"} for i, name in enumerate(names)])
    del wb["Sheet"]
    wb.save(tmp_path / "m.xlsx")
    libreoffice.convert([tmp_path / "m.xlsx"], "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path / "csv")
    with open(tmp_path / "csv" / "m.csv", encoding="utf-8", newline="") as f:
        read = list(csv.reader(f))
    assert [row[:2] for row in read[2:5]] == [["1001", "王\x01芳"], ["1002", "_x0041_"], ["1003", "=李伟"]]
    assert [row[1] for row in FileBook(tmp_path / "m.xlsx").values("2026-11 客服职级")[2:5]] == names
