"""The Excel functions called as Excel calls them (`tests/excel.py`): cells as stored, passed
through xlwings' own argument and answer conversion, answers as the formula's cells show them.
Every answer is worked out by hand from the policy; `wb` is the calling workbook."""

import datetime as dt
import math

import pytest

from conftest import history, person, review
from excel import MISSING, Cells, answer, cell, column, row, shown
from workbook import excel_calls
from workbooks import Book, sheet
from xlfuncs import policy_sheet, schema, session, udfs
from xlfuncs.excel import CellError
from xlfuncs.policy import default_data

REP = dict(ladder="客户代表", level="普通客服代表-高级", hire_date="2020-01-01")


def department(people, records, extra_sheets=None):
    return Book({"员工名册": sheet(schema.ROSTER, people),
                 "历史记录": sheet(schema.RECORDS, records), **(extra_sheets or {})})


@pytest.fixture
def wb():
    people = [
        person("1001", level="初级客服", hire_date="2025-04-01", duties=3),   # eligible for 中级
        person("1002", level="初级客服", hire_date="2025-05-01", duties=3),   # 17 months
        person("1003", **REP),                                               # cycle 80.33 → 晋升
        person("1004", level="中级客服", hire_date="2020-01-01", duties=3),   # two low months
    ]
    records = (history("1001", [1.2] * 12) + history("1002", [1.2] * 12)
               + history("1003", [80, 81, 80]) + history("1004", [1.05, 1.08]))
    return department(people, records)


def is_error(value, code, *texts):
    return isinstance(value, CellError) and value.code == code and all(t in value for t in texts)


def test_per_employee_functions_on_one_cell(wb):
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), caller=wb) is True
    assert shown(udfs.PROMO_ELIGIBLE, cell(1002), caller=wb) is False
    assert shown(udfs.PROMO_REASON, cell(1002), caller=wb) == "司龄 17 个月 < 18 个月"
    assert shown(udfs.PROMO_REASON, cell(1002), MISSING, "en", caller=wb) == "tenure 17 months < 18 months"
    assert shown(udfs.PROMO_REASON, cell(1001), caller=wb) == ""
    assert shown(udfs.NEXT_LEVEL, cell("1003"), caller=wb) == "大客户客服代表-中级"
    assert shown(udfs.RAISE_RANGE, cell(1001), caller=wb, width=2) == [[500.0, 800.0]]
    assert shown(udfs.REVIEW_OUTCOME, cell(1003), caller=wb) == "晋升"
    # as an English workbook's month sheet asks: the outcome's English name (it was 晋升 there too), and
    # why there is none in English; as a Traditional one's, in Traditional
    assert shown(udfs.REVIEW_OUTCOME, cell(1003), MISSING, "en", caller=wb) == "Promote"
    assert shown(udfs.REVIEW_OUTCOME, cell(1003), MISSING, "zh-Hant", caller=wb) == "晉升"
    assert is_error(shown(udfs.REVIEW_OUTCOME, cell(1001), MISSING, "en", caller=wb), "#N/A", "no review cycle")
    (none,), (promote,) = shown(udfs.REVIEW_OUTCOME, column(1001, 1003), MISSING, "en", caller=wb, height=2)
    assert is_error(none, "#N/A", "no review cycle") and promote == "Promote"  # a column, as a month sheet asks
    assert shown(udfs.CYCLE_AVG, cell(1003), caller=wb) == pytest.approx(241 / 3)
    assert shown(udfs.DEMOTION_DUE, cell(1004), caller=wb) is True
    assert shown(udfs.DEMOTION_DUE, cell(1001), caller=wb) is False
    assert shown(udfs.TRAINING_REQUIRED, cell(1003), caller=wb) is False


def test_a_literal_id_and_an_omitted_optional_between_others(wb):
    # =PROMO_REASON(1002,,"en"): the review month left out, the language given
    assert shown(udfs.PROMO_REASON, 1002, None, "en", caller=wb) == "tenure 17 months < 18 months"
    assert shown(udfs.PROMO_ELIGIBLE, "1001", caller=wb) is True


def test_an_id_cell_holding_a_date_or_a_yes_no_says_the_formula_points_at_another_column(wb):
    """=PROMO_ELIGIBLE(E2) with E2 a hire date, or a 可晋升 cell: no employee is 2026-01-01 00:00:00."""
    assert shown(udfs.PROMO_ELIGIBLE, cell(dt.datetime(2026, 1, 1)), caller=wb) == (
        "#VALUE! 工号单元格是 2026-01-01，不是工号：请让公式指向工号列 | "
        "the employee id cell holds 2026-01-01, not an id: point the formula at the ids")
    assert is_error(shown(udfs.NEXT_LEVEL, cell(True), caller=wb), "#VALUE!", "工号单元格是 TRUE", "holds TRUE")
    assert shown(udfs.PROMO_ELIGIBLE, column(1001, dt.datetime(2026, 1, 1)), caller=wb, height=2)[0] == [True]


def test_a_language_that_is_neither_zh_nor_en_is_said_not_taken_for_chinese(wb):
    """=PROMO_REASON(A2,,"fr") or a typo: the reason in no language HR asked for would read as
    an answer. " EN " is English, a blank Chinese, zh-Hant Traditional Chinese (a Traditional
    workbook's month sheets ask for it: the code before said it was no language)."""
    assert shown(udfs.PROMO_REASON, cell(1002), MISSING, " EN ", caller=wb) == "tenure 17 months < 18 months"
    assert shown(udfs.PROMO_REASON, cell(1002), MISSING, cell(None), caller=wb) == "司龄 17 个月 < 18 个月"
    assert shown(udfs.PROMO_REASON, cell(1002), MISSING, "zh-Hant", caller=wb) == "司齡 17 個月 < 18 個月"
    assert shown(udfs.PROMO_REASON, column(1002, None, 9999), MISSING, "zh-Hant", caller=wb, height=3) == [
        ["司齡 17 個月 < 18 個月"], [""], ["工號 9999 不在員工名冊中 | employee 9999 is not on the roster"]]  # as the month
    # sheet's array formula asks, why there is no answer too
    said = "语言应为 zh、zh-Hant 或 en，现为「fr」 | the language must be zh, zh-Hant or en, not 'fr'"
    assert shown(udfs.PROMO_REASON, cell(1002), MISSING, "fr", caller=wb) == said  # its column shows problems as text
    for fn in (udfs.CAREER_OPTIONS, udfs.PAY_DETAIL):
        assert shown(fn, cell(1002), MISSING, "fr", caller=wb) == f"#VALUE! {said}", fn.__name__


def test_a_column_in_gives_a_column_out_with_blanks_kept(wb):
    ids = column(1001, None, 1002, "１００３")
    assert shown(udfs.PROMO_ELIGIBLE, ids, caller=wb, height=4) == [[True], [""], [False], [True]]
    assert shown(udfs.RAISE_RANGE, column(1001, 1003), caller=wb, height=2, width=2) == [
        [500.0, 800.0], ["#N/A 政策未规定该步的加薪范围 | the policy sets no raise for this step"] * 2]


def test_a_row_in_gives_a_row_out_and_a_block_a_block(wb):
    # =PROMO_ELIGIBLE(A2:C2) entered across three cells: one answer per id, across
    assert shown(udfs.PROMO_ELIGIBLE, row(1001, 1002, 1003), caller=wb, width=3) == [[True, False, True]]
    assert shown(udfs.NEXT_LEVEL, Cells([1001, 1002], [1003, None]), caller=wb, height=2, width=2) == [
        ["中级客服", "中级客服"], ["大客户客服代表-中级", ""]]
    # a column entered in one cell shows the first answer, as Excel shows an array in one cell
    assert shown(udfs.PROMO_ELIGIBLE, column(1002, 1001), caller=wb) is False


def test_as_of_takes_a_month_as_text_date_cell_or_serial(wb):
    # in 2026-09 employee 1001 had 17 months at the company
    for as_of in ("2026-09", cell(dt.datetime(2026, 9, 1)), cell(dt.date(2026, 9, 15)), 46266, "2026年9月"):
        assert shown(udfs.PROMO_REASON, cell(1001), as_of, caller=wb) == "司龄 17 个月 < 18 个月"


def test_the_latest_month_named_or_left_out_is_one_review_evaluated_once(wb, monkeypatch):
    """The month sheets name their month (2026-10, the latest on record), the dashboard leaves
    it out: the same review, evaluated once per recalculation; an earlier month is its own."""
    months, latest = [], []
    evaluate, latest_month = udfs.evaluate, session.latest_month
    monkeypatch.setattr(udfs, "evaluate", lambda *args: months.append(args[3]) or evaluate(*args))
    monkeypatch.setattr(session, "latest_month", lambda records: latest.append(1) or latest_month(records))
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), "2026-10", caller=wb) is True
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), caller=wb) is True
    assert shown(udfs.NEXT_LEVEL, cell(1001), caller=wb) == "中级客服"
    assert shown(udfs.PROMO_REASON, cell(1001), "2026-09", caller=wb) == "司龄 17 个月 < 18 个月"
    assert months == ["2026-10", "2026-09"] and len(latest) == 1  # the latest month worked out once too


def test_error_cells_in_arguments_give_an_error_never_an_answer(wb):
    # =PROMO_ELIGIBLE(A2) with A2 = #N/A: xlwings would pass None, a blank; here the error comes back
    assert is_error(shown(udfs.PROMO_ELIGIBLE, cell("#N/A"), caller=wb), "#N/A", "错误值 #N/A")
    # =PROMO_REASON(1019,B1) with B1 = #VALUE!: not the latest month's answer, but why there is none
    assert shown(udfs.PROMO_REASON, 1002, cell("#VALUE!"), caller=wb) == (
        "评审月份是错误值 #VALUE! | the review month is the error #VALUE!")
    assert is_error(shown(udfs.CYCLE_AVG, cell(1003), cell("#DIV/0!"), caller=wb), "#DIV/0!")
    assert is_error(shown(udfs.PAY_DETAIL, cell(1001), MISSING, cell("#REF!"), caller=wb), "#REF!")
    ids = column(1001, "#N/A", 1002)
    out = shown(udfs.PROMO_ELIGIBLE, ids, caller=wb, height=3)
    assert out[0] == [True] and is_error(out[1][0], "#N/A") and out[2] == [False]
    # an error literal, as =PROMO_ELIGIBLE(NA()) passes it
    assert is_error(shown(udfs.NEXT_LEVEL, "#N/A", caller=wb), "#N/A")


def test_bad_input_is_a_readable_error_not_a_traceback_or_a_number(wb):
    unknown = shown(udfs.PROMO_ELIGIBLE, cell(9999), caller=wb)
    assert unknown == "#N/A 工号 9999 不在员工名册中 | employee 9999 is not on the roster" and unknown.code == "#N/A"
    assert is_error(shown(udfs.CYCLE_AVG, cell(1003), "2026-13", caller=wb), "#VALUE!", "2026-13")
    assert is_error(shown(udfs.REVIEW_OUTCOME, cell(1001), caller=wb), "#N/A", "该职级不按周期评审")
    assert is_error(shown(udfs.PROMO_ELIGIBLE, cell(1001), Cells(["2026-09", "2026-10"]), caller=wb),
                    "#VALUE!", "评审月份应为一个单元格")
    assert is_error(shown(udfs.PROMO_ELIGIBLE, cell(1001)), "#VALUE!")  # outside a workbook
    # PROMO_REASON says why there is no verdict, as text beside the cell that shows the error
    assert shown(udfs.PROMO_REASON, cell(9999), caller=wb) == "工号 9999 不在员工名册中 | employee 9999 is not on the roster"


def test_an_employee_with_unreadable_inputs_gets_the_reason():
    wb = department([person("1", hire_date="2024-13-01")], history("1", [1.0]))
    result = shown(udfs.PROMO_ELIGIBLE, cell(1), caller=wb)
    assert is_error(result, "#VALUE!", "入职日期", "Hire date")


def test_an_error_cell_in_the_roster_is_named_not_read_as_blank():
    people = [person("1", hire_date="2020-01-01"), person("2", hire_date="#N/A")]
    wb = department(people, history("1", [1.0]) + history("2", [1.0]))
    assert shown(udfs.PROMO_ELIGIBLE, cell(1), caller=wb) is False  # hired long ago: only the tenure rule
    result = shown(udfs.PROMO_REASON, cell(2), caller=wb)
    assert "「员工名册」第 3 行（工号 2）：「入职日期」是错误值 #N/A" in result


def test_missing_sheet_or_column_names_it_in_both_languages():
    wb = Book({"历史记录": sheet(schema.RECORDS, history("1", [1.0]))})
    assert shown(udfs.PROMO_ELIGIBLE, cell(1), caller=wb) == (
        "#VALUE! 工作簿缺少工作表「员工名册」 | The workbook has no sheet 'Roster'")
    roster = sheet(schema.ROSTER, [person("1")])
    roster[0][roster[0].index("入职日期")] = "到岗日"
    wb = Book({"Roster": roster, "History": sheet(schema.RECORDS, history("1", [1.0]), english=True)})
    assert shown(udfs.NEXT_LEVEL, cell(1), caller=wb) == (
        "#VALUE! 工作表「Roster」缺少列「入职日期」（或「Hire date」） | "
        "Sheet 'Roster' lacks the column 'Hire date' (or '入职日期')")


def test_english_headers_any_column_order_and_a_title_row():
    roster = sheet(schema.ROSTER, [person("1001", level="初级客服", hire_date="2025-04-01", duties=3)],
                   english=True)
    roster = [["员工名册 2026 | Roster 2026"]] + [list(reversed(r)) for r in roster]
    wb = Book({"Roster": roster, "History": sheet(schema.RECORDS, history("1001", [1.2] * 12), english=True)})
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), caller=wb) is True


def test_month_sheets_count_as_records_of_their_month(wb):
    month = sheet(schema.RECORDS, [{"employee": "1003", "score": 20.0}])
    wb.sheets["2026-11 客户代表"] = month
    # 2026-11 now closes 1003's cycle: (81 + 80 + 20) / 3
    assert shown(udfs.CYCLE_AVG, cell(1003), caller=wb) == pytest.approx(181 / 3)
    assert shown(udfs.REVIEW_OUTCOME, cell(1003), caller=wb) == "降级"


SCORES = [90, 80, 70, 60, 100]  # 0.2×90 + 0.2×80 + 0.25×70 + 0.25×60 + 0.1×100 = 76.5 for 客户代表


def test_kpi_score_for_a_role_or_a_row_of_weights():
    assert shown(udfs.KPI_SCORE, row(*SCORES), "客户代表") == 76.5
    assert shown(udfs.KPI_SCORE, row(*SCORES), cell("cs_rep")) == 76.5
    assert shown(udfs.KPI_SCORE, row(*SCORES), "Customer representative") == 76.5  # as an English workbook names it
    block = Cells(SCORES, [100] * 5, [None] * 5)
    assert shown(udfs.KPI_SCORE, block, "cs_rep", height=3) == [[76.5], [100.0], [""]]
    assert shown(udfs.KPI_SCORE, row(90, 50), [0.6, 0.4]) == 74.0  # =KPI_SCORE(C2:D2,{0.6,0.4})
    assert shown(udfs.KPI_SCORE, row(90, 50), row(60, 40)) == 74.0
    assert shown(udfs.KPI_SCORE, row(90, 50), column(60, 40)) == 74.0


def test_kpi_score_of_a_month_sheet_block_with_its_level_column_and_headers():
    # =KPI_SCORE(D3:H5,C3:C5,D2:H2) as the 客户代表 month sheet has it: a column of levels
    # beside a block of scores, the headers naming the items (here in another order)
    headers = row("考勤\nAttendance", "客户回访率", "客户满意度", "处理时限和正确度", "培训及业务水平")
    block = Cells([100, 90, 80, 70, 60], [None] * 5, [50, 50, 50, 50, 50])
    levels = column("普通客服代表-高级", "普通客服代表-中级", "大客户客服代表-中级")
    assert shown(udfs.KPI_SCORE, block, levels, headers, height=3) == [[76.5], [""], [50.0]]


def test_kpi_score_of_a_role_with_a_single_item():
    # HR cut 客户代表 down to one item: the month sheet's score block is one column
    data = default_data()
    role = next(r for r in data["roles"] if r["id"] == "cs_rep")
    role["items"] = [{**role["items"][0], "weight": 100}]
    wb = department([person("1", **REP)], history("1", [80]), {"政策": policy_sheet.rows(data)})
    levels = column("普通客服代表-高级", "普通客服代表-高级")
    assert shown(udfs.KPI_SCORE, column(88, 91), levels, cell("客户回访率"), caller=wb, height=2) == [
        [88.0], [91.0]]
    assert shown(udfs.KPI_SCORE, cell(88), "客户代表", caller=wb) == 88.0


@pytest.mark.parametrize("scores, role, message", [
    (row(90, 80, 70, 60), "cs_rep", "#VALUE! 需要 5 个考核项得分，给了 4 个"),
    (row(90, "优", 70, 60, 100), "cs_rep", "#VALUE! 「客户满意度」得分「优」不是数字"),
    (row(90, None, 70, 60, 100), "cs_rep", "#VALUE! 「客户满意度」得分为空"),
    (row(90, 180, 70, 60, 100), "cs_rep", "#VALUE! 「客户满意度」得分 180 超出范围 0–100"),
    (row(90, -20), [50, 50], "#VALUE! 「第2项」得分 -20 超出范围 0–100"),
    (row(90, "#N/A", 70, 60, 100), "cs_rep", "#N/A 「客户满意度」得分是错误值 #N/A"),
    (row(90, 80), [50, 40], "#VALUE! 权重合计 90，应为 100%"),
    (row(90, 80), "销售", "#N/A 未知角色「销售」"),
    (row(90, 80), cell("#REF!"), "#REF! 职级单元格是错误值 #REF!"),
    (row(90), "审核助理", "#N/A 角色「审核助理」没有考核项"),
    (Cells([90] * 5, [80] * 5), column("cs_rep", "cs_rep", "cs_rep"), "#VALUE! 职级应为一个单元格或"),
])
def test_kpi_score_refuses_what_it_cannot_score(scores, role, message):
    assert shown(udfs.KPI_SCORE, scores, role).startswith(message)


def test_an_unknown_role_is_said_with_the_roles_to_choose_in_both_languages():
    said = shown(udfs.KPI_SCORE, row(90, 80), "销售")
    assert "可选：cs_rep（客户代表）、tech_support（技术支持）" in said
    assert said.endswith("| unknown role '销售' (one of cs_rep (Customer representative), tech_support (Technical "
                         "support), tech_lead (Technical support lead), reviewer (Content reviewer), supervisor "
                         "(Supervisor))")


def test_kpi_score_per_row_role_and_columns_found_by_their_headers():
    # a tech-support month sheet: the two roles of the ladder score different items
    headers = row("问题处理时限和准确率\nProblem handling time and accuracy", "员工培训反馈", "技能和产品掌握",
                  "部门协调沟通反馈", "问题上报及时准确", "考勤")
    scores = Cells([90, 80, 70, None, None, 100],     # 技术支持: 0.4×90 + 0.4×80 + 0.1×70 + 0.1×100
                   [90, 80, 70, 60, 50, 100],         # 组长: 0.2×90+0.2×80+0.15×70+0.15×60+0.2×50+0.1×100
                   [None] * 6)
    levels = column("技术支持-高级", "技术支持组长-中级", None)
    assert shown(udfs.KPI_SCORE, scores, levels, headers, height=3) == [[85.0], [73.5], [""]]
    missing = shown(udfs.KPI_SCORE, row(90, 90, 90), cell("一级审核员"), row("工作质量(无误删)", "考勤", "x"))
    assert missing.startswith("#VALUE! 表头中找不到考核项「工作效率(审核时长)」（政策表中的考核项：请在考核项各列之间插入该列，或把改名前的列名改为它）")
    assert "no column is headed '工作效率(审核时长)' (a KPI item on the policy sheet: insert its column among" in missing


def test_a_level_is_the_rung_of_the_sheets_ladder_for_kpi_score_and_raise_range():
    """Ladders may name their rungs alike (一级 … on each, as 客服主管 is on two by default). A month
    sheet's level is its own ladder's rung: the code before weighed it by the first ladder naming
    it, 技术支持, so the 审核员 sheet scored by 技术支持's weights (86, not 86.5) and HR's month sheet
    showed a number the review did not use; RAISE_RANGE between two rungs took the first ladder's
    range. Off a month sheet, a level naming rungs of two roles, or of two ranges, is said, not
    guessed."""
    data = default_data()
    roles = {r["id"]: r for r in data["roles"]}
    roles["tech_support"]["items"] = [  # the reviewer's items, weighed otherwise
        {**item, "weight": weight} for item, weight in zip(roles["reviewer"]["items"], (20, 60, 20))]
    for ladder in data["ladders"]:
        if ladder["id"] in ("tech_support", "reviewer"):
            ladder["name_en"] = f"{ladder['name_en']} of the platform"  # its sheet's name cut at 31 characters
            for rung, n in zip(ladder["rungs"], range(1, 5)):
                rung["name"], rung["name_en"] = "一二三四"[n - 1] + "级", f"Level {n}"
            ladder["rungs"][1]["raise_min"], ladder["rungs"][1]["raise_max"] = (
                (600, 900) if ladder["id"] == "tech_support" else (300, 500))
    wb = department([person("1", **REP)], history("1", [80]), {"政策": policy_sheet.rows(data)})
    headers = row("工作质量(无误删)", "工作效率(审核时长)", "考勤")

    def on(sheet):
        return excel_calls.Cell(wb, sheet, 3, 19)
    # 审核员: 0.45×90 + 0.45×80 + 0.1×100; 技术支持: 0.2×90 + 0.6×80 + 0.2×100
    assert shown(udfs.KPI_SCORE, row(90, 80, 100), cell("一级"), headers, caller=on("2026-10 审核员")) == 86.5
    assert shown(udfs.KPI_SCORE, row(90, 80, 100), cell("一级"), headers, caller=on("2026-10 技术支持")) == 86.0
    assert shown(udfs.KPI_SCORE, row(90, 80, 100), cell("Level 1"), headers,  # as an English workbook has it,
                 caller=on("2026-10 Content reviewers of th")) == 86.5  # the sheet's name cut as Excel cuts it
    said = shown(udfs.KPI_SCORE, row(90, 80, 100), cell("一级"), headers, caller=wb)
    assert said == ("#N/A 「一级」是技术支持、审核员的职级，各属不同角色：请写角色名称（技术支持、审核员） | '一级' is a "
                    "rung of Technical support of the platform, Content reviewers of the platform, each of another "
                    "role: give the role (Technical support, Content reviewer)")
    assert shown(udfs.KPI_SCORE, row(90, 80, 100), cell("审核员"), headers, caller=wb) == 86.5  # the role named
    # RAISE_RANGE between two rungs, the same: the code before gave the 审核员 sheet 技术支持's 600–900
    assert shown(udfs.RAISE_RANGE, "一级", "二级", caller=on("2026-10 审核员"), width=2) == [[300.0, 500.0]]
    assert shown(udfs.RAISE_RANGE, "一级", "二级", caller=on("2026-10 技术支持"), width=2) == [[600.0, 900.0]]
    assert shown(udfs.RAISE_RANGE, "一级", "二级", caller=wb) == (
        "#N/A 「一级」和「二级」是技术支持、审核员的职级，加薪范围不同：请在该序列的月度表中查询 | '一级' and '二级' are "
        "rungs of Technical support of the platform, Content reviewers of the platform, of other raises: ask on that "
        "ladder's month sheet")


def test_raise_range_between_two_rungs():
    assert shown(udfs.RAISE_RANGE, "中级客服", "高级客服", width=2) == [[1000.0, 1200.0]]
    # a skip: 500–800 to 中级 plus 1000–1200 to 高级, as the decision check takes it too
    assert shown(udfs.RAISE_RANGE, "初级客服", "高级客服", width=2) == [[1500.0, 2000.0]]
    assert "不是晋升" in shown(udfs.RAISE_RANGE, "高级客服", "初级客服")
    assert "没有同时包含" in shown(udfs.RAISE_RANGE, "初级客服", "组长")
    assert is_error(shown(udfs.RAISE_RANGE, row(1001, 1002), caller=None), "#VALUE!", "一列")


def test_policy_from_the_workbook_and_policy_check(wb):
    data = default_data()
    data["ladders"][0]["rungs"][1]["tenure_months"] = 17
    wb.sheets["政策"] = policy_sheet.rows(data)
    assert shown(udfs.POLICY_CHECK, caller=wb) == "OK"
    assert shown(udfs.PROMO_ELIGIBLE, cell(1002), caller=wb) is True  # HR lowered the tenure to 17 months

    data["roles"][0]["items"][0]["weight"] = 30
    broken = department([person("1001")], history("1001", [1.0]), {"政策": policy_sheet.rows(data)})
    check = shown(udfs.POLICY_CHECK, caller=broken)
    assert "权重合计 110%" in check and "110%, not 100%" in check
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), caller=broken).startswith("#VALUE! 政策表有误（共 1 处")
    assert shown(udfs.KPI_SCORE, row(*[90] * 5), "cs_rep", caller=broken).startswith("#VALUE! 政策表有误")


def test_a_policy_table_whose_title_row_was_overwritten_is_what_policy_check_says():
    """Through xlwings' conversion: the horizontal moves' title overwritten. The code before read
    the table as empty, every answer given, CAREER_OPTIONS without the moves."""
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    cells[cells.index(["■ 横向发展 | Horizontal moves"])] = ["横向"]
    broken = department([person("1001")], history("1001", [1.0]), {"政策": cells})
    assert shown(udfs.POLICY_CHECK, caller=broken) == (
        "政策表有误：找不到「■ 横向发展 | Horizontal moves」表（应在「■ 职级与晋升条件 | Rungs and their criteria」表之后）：它的标题行被"
        "改动或删除了，请恢复该行；表可以没有内容，但标题行和表头要在 | Policy sheet: No table titled '■ 横向发展 | Horizontal moves' (after '■ 职级与"
        "晋升条件 | Rungs and their criteria'): its title row was changed or deleted; put it back (a table may have no "
        "rows, but its title and header rows must be there)")
    assert shown(udfs.PROMO_ELIGIBLE, cell(1001), caller=broken).startswith("#VALUE! 政策表有误（共 1 处")


def test_texts_are_cut_to_255_characters_only_inside_an_array():
    many = [person(str(i), level="高级客服", hire_date="2026-06-01", duties=None) for i in range(1, 3)]
    records = [r for i in (1, 2) for r in history(str(i), [0.5] * 4, personal_days=9, sick_days=9)]
    wb = department(many, records)
    full = review(many, records).table.at["1", "reasons_en"]
    (first,), _ = shown(udfs.PROMO_REASON, column(1, 2), MISSING, "en", caller=wb, height=2)
    assert len(full) > 255 and first == full[:254] + "…"
    # one cell holds 32,767 characters: a single-cell formula shows the whole text
    assert shown(udfs.PROMO_REASON, cell(1), MISSING, "en", caller=wb) == full


def test_an_unexpected_failure_is_a_message_in_the_cell():
    class Broken(Book):
        def values(self, name):
            raise OSError("disk gone")
    result = shown(udfs.NEXT_LEVEL, cell(1), caller=Broken({"员工名册": []}))
    assert is_error(result, "#VALUE!", "OSError: disk gone")


def test_why_tells_the_message_behind_an_error_cell(wb):
    # =PROMO_ELIGIBLE(A2:A3) in C2:C3 of a sheet, then =WHY(C3)
    caller = excel_calls.Cell(wb, "2026-10 客户代表", 2, 3, 2, 1)
    answer(udfs.PROMO_ELIGIBLE, column(1001, 9999), caller=caller)
    at = excel_calls.Cell(wb, "2026-10 客户代表", 3, 3)
    assert shown(udfs.WHY, at) == "#N/A 工号 9999 不在员工名册中 | employee 9999 is not on the roster"
    assert shown(udfs.WHY, excel_calls.Cell(wb, "2026-10 客户代表", 2, 3)) == ""  # TRUE: no error
    assert shown(udfs.WHY, excel_calls.Cell(wb, "2026-10 客户代表", 4, 3)) == ""  # outside the formula


def test_python_callers_pass_one_value_or_lists_of_rows(wb):
    """The shapes, called directly: xlwings hands `employee` over as rows (ndim=2); one value
    from Python answers one value."""
    assert udfs.PROMO_ELIGIBLE(1001.0, None, wb) is True
    assert udfs.PROMO_ELIGIBLE([[1001.0], [1002.0]], None, wb) == [[True], [False]]
    assert udfs.PROMO_ELIGIBLE([[1001.0, 1002.0]], None, wb) == [[True, False]]
    assert udfs.KPI_SCORE([[90.0, 50.0]], [[60.0, 40.0]]) == 74.0
    assert math.isclose(udfs.CYCLE_AVG([[1003.0]], None, wb)[0][0], 241 / 3)


NA = "#N/A"
BY_HAND = {  # function: {employee: what one cell shows}, worked out from the policy for `wb`
    udfs.PROMO_ELIGIBLE: {1001: True, 1002: False, 1003: True},
    udfs.NEXT_LEVEL: {1001: "中级客服", 1002: "中级客服", 1003: "大客户客服代表-中级"},
    udfs.REVIEW_OUTCOME: {1001: NA, 1002: NA, 1003: "晋升"},  # 客服 ladder: no review cycle
    udfs.DEMOTION_DUE: {1001: False, 1004: True, 1003: False},
    udfs.PAY_ADJUST: {1001: 0.0, 1002: 0.0, 1003: 0.0},  # no allowance or penalty typed
    udfs.BASE_PAY: {1001: NA, 1002: NA, 1003: NA},  # the sources leave base pay blank
    udfs.ABSENCE_FLAG: {1001: False, 1002: False, 1003: False},
    udfs.PROMO_REASON: {1001: "", 1002: "司龄 17 个月 < 18 个月", 1003: ""},
    udfs.CYCLE_AVG: {1001: NA, 1003: round((80 + 81 + 80) / 3, 10), 1002: NA},  # kept to 10 decimals
    udfs.PAY_DETAIL: {1001: "", 1002: "", 1003: ""},
    udfs.PERF_PAY: {1001: NA, 1002: NA, 1003: NA},  # no performance-pay base in the policy
}


def _as_shown(value):
    return value.code if isinstance(value, CellError) else value


@pytest.mark.parametrize("fn", BY_HAND, ids=lambda fn: fn.__name__)
def test_every_per_employee_function_in_every_shape(wb, fn):
    (a, b, c), expected = BY_HAND[fn], list(BY_HAND[fn].values())
    one = [_as_shown(shown(fn, cell(e), caller=wb)) for e in (a, b, c)]
    assert one == expected
    assert [_as_shown(shown(fn, float(e), caller=wb)) for e in (a, b, c)] == expected  # literals
    assert [[_as_shown(v) for v in r] for r in shown(fn, column(a, None, c), caller=wb, height=3)] == [
        [expected[0]], [""], [expected[2]]]
    assert [_as_shown(v) for v in shown(fn, row(a, b, c), caller=wb, width=3)[0]] == expected
    block = shown(fn, Cells([a, b], [c, None]), caller=wb, height=2, width=2)
    assert [[_as_shown(v) for v in r] for r in block] == [expected[:2], [expected[2], ""]]
    error = shown(fn, cell("#VALUE!"), caller=wb)  # PROMO_REASON says why as text; the rest are errors
    assert (error == "工号单元格是错误值 #VALUE! | the employee id cell is the error #VALUE!"
            if fn.__name__ == "PROMO_REASON" else _as_shown(error) == "#VALUE!")
