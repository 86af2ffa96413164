"""The Excel functions called as Excel calls them: floats for numbers, None for blanks,
lists of rows for ranges, and the calling workbook behind `caller`."""

import pytest

from conftest import history, person, review
from workbooks import Book, sheet
from xlfuncs import policy_sheet, schema, udfs
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


def test_per_employee_functions_on_one_cell(wb):
    assert udfs.PROMO_ELIGIBLE(1001.0, None, wb) is True
    assert udfs.PROMO_ELIGIBLE(1002.0, None, wb) is False
    assert udfs.PROMO_REASON(1002.0, None, None, wb) == "司龄 17 个月 < 18 个月"
    assert udfs.PROMO_REASON(1002.0, None, "en", wb) == "tenure 17 months < 18 months"
    assert udfs.PROMO_REASON(1001.0, None, None, wb) == ""
    assert udfs.NEXT_LEVEL("1003", wb) == "大客户客服代表-中级"
    assert udfs.RAISE_RANGE(1001.0, None, wb) == [[500.0, 800.0]]
    assert udfs.REVIEW_OUTCOME(1003.0, None, wb) == "晋升"
    assert udfs.CYCLE_AVG(1003.0, None, wb) == pytest.approx(241 / 3)
    assert udfs.DEMOTION_DUE(1004.0, None, wb) is True
    assert udfs.DEMOTION_DUE(1001.0, None, wb) is False
    assert udfs.TRAINING_REQUIRED(1003.0, None, wb) is False


def test_a_column_in_gives_a_column_out_with_blanks_kept(wb):
    ids = [[1001.0], [None], [1002.0], ["１００３"]]
    assert udfs.PROMO_ELIGIBLE(ids, None, wb) == [[True], [""], [False], [True]]
    assert udfs.RAISE_RANGE([[1001.0], [1003.0]], None, wb) == [
        [500.0, 800.0], ["#N/A 政策未规定该步的加薪范围 | the policy sets no raise for this step"] * 2]


def test_as_of_takes_a_month_as_text_date_or_serial(wb):
    import datetime as dt
    # in 2026-09 employee 1001 had 17 months at the company
    for as_of in ("2026-09", dt.datetime(2026, 9, 1), 46266.0, "2026年9月"):
        assert udfs.PROMO_REASON(1001.0, as_of, None, wb) == "司龄 17 个月 < 18 个月"


def test_bad_input_is_a_readable_error_not_a_traceback_or_a_number(wb):
    unknown = udfs.PROMO_ELIGIBLE(9999.0, None, wb)
    assert isinstance(unknown, udfs.CellError) and unknown.code == "#N/A"
    assert unknown == "#N/A 工号 9999 不在员工名册中 | employee 9999 is not on the roster"
    month = udfs.CYCLE_AVG(1003.0, "2026-13", wb)
    assert month.code == "#VALUE!" and "2026-13" in month
    assert udfs.REVIEW_OUTCOME(1001.0, None, wb).startswith("#N/A 该职级不按周期评审")
    assert udfs.RAISE_RANGE("高级客服", "中级客服") .startswith("#N/A")
    assert udfs.PROMO_ELIGIBLE(1001.0, None, None).code == "#VALUE!"  # outside a workbook


def test_an_employee_with_unreadable_inputs_gets_the_reason():
    wb = department([person("1", hire_date="2024-13-01")], history("1", [1.0]))
    result = udfs.PROMO_ELIGIBLE(1.0, None, wb)
    assert result.code == "#VALUE!" and "入职日期" in result and "Hire date" in result


def test_missing_sheet_or_column_names_it_in_both_languages():
    wb = Book({"历史记录": sheet(schema.RECORDS, history("1", [1.0]))})
    assert udfs.PROMO_ELIGIBLE(1.0, None, wb) == (
        "#VALUE! 工作簿缺少工作表「员工名册」 | The workbook has no sheet 'Roster'")
    roster = sheet(schema.ROSTER, [person("1")])
    roster[0][roster[0].index("入职日期")] = "到岗日"
    wb = Book({"Roster": roster, "History": sheet(schema.RECORDS, history("1", [1.0]), english=True)})
    assert udfs.NEXT_LEVEL(1.0, wb) == (
        "#VALUE! 工作表「Roster」缺少列「入职日期」（或「Hire date」） | "
        "Sheet 'Roster' lacks the column 'Hire date' (or '入职日期')")


def test_english_headers_any_column_order_and_a_title_row():
    roster = sheet(schema.ROSTER, [person("1001", level="初级客服", hire_date="2025-04-01", duties=3)],
                   english=True)
    roster = [["员工名册 2026 | Roster 2026"]] + [list(reversed(r)) for r in roster]
    wb = Book({"Roster": roster, "History": sheet(schema.RECORDS, history("1001", [1.2] * 12), english=True)})
    assert udfs.PROMO_ELIGIBLE(1001.0, None, wb) is True


def test_month_sheets_count_as_records_of_their_month(wb):
    month = sheet(schema.RECORDS, [{"employee": "1003", "score": 20.0}])
    wb.sheets["2026-11 客户代表"] = month
    # 2026-11 now closes 1003's cycle: (81 + 80 + 20) / 3
    assert udfs.CYCLE_AVG(1003.0, None, wb) == pytest.approx(181 / 3)
    assert udfs.REVIEW_OUTCOME(1003.0, None, wb) == "降级"


def test_kpi_score_for_a_role_or_a_row_of_weights():
    # 0.2×90 + 0.2×80 + 0.25×70 + 0.25×60 + 0.1×100 = 76.5
    assert udfs.KPI_SCORE([90.0, 80.0, 70.0, 60.0, 100.0], "客户代表") == 76.5
    assert udfs.KPI_SCORE([[90.0, 80.0, 70.0, 60.0, 100.0], [100.0] * 5, [None] * 5], "cs_rep") == [
        [76.5], [100.0], [""]]
    assert udfs.KPI_SCORE([90.0, 50.0], [[0.6, 0.4]]) == 74.0
    assert udfs.KPI_SCORE([90.0, 50.0], [[60.0, 40.0]]) == 74.0


@pytest.mark.parametrize("scores, role, message", [
    ([90.0, 80.0, 70.0, 60.0], "cs_rep", "#VALUE! 需要 5 个考核项得分，给了 4 个"),
    ([90.0, "优", 70.0, 60.0, 100.0], "cs_rep", "#VALUE! 「客户满意度」得分「优」不是数字"),
    ([90.0, None, 70.0, 60.0, 100.0], "cs_rep", "#VALUE! 「客户满意度」得分为空"),
    ([90.0, 180.0, 70.0, 60.0, 100.0], "cs_rep", "#VALUE! 「客户满意度」得分 180 不在 0-100 之间"),
    ([90.0, 80.0], [[50.0, 40.0]], "#VALUE! 权重合计 90，应为 100%"),
    ([90.0, 80.0], "销售", "#N/A 未知角色「销售」"),
    ([90.0], "审核助理", "#N/A 角色「审核助理」没有考核项"),
])
def test_kpi_score_refuses_what_it_cannot_score(scores, role, message):
    assert udfs.KPI_SCORE(scores, role).startswith(message)


def test_kpi_score_per_row_role_and_columns_found_by_their_headers():
    # a tech-support month sheet: the two roles of the ladder score different items
    headers = ["问题处理时限和准确率\nProblem handling time and accuracy", "员工培训反馈", "技能和产品掌握",
               "部门协调沟通反馈", "问题上报及时准确", "考勤"]
    scores = [[90.0, 80.0, 70.0, None, None, 100.0],     # 技术支持: 0.4×90 + 0.4×80 + 0.1×70 + 0.1×100
              [90.0, 80.0, 70.0, 60.0, 50.0, 100.0],     # 组长: 0.2×90+0.2×80+0.15×70+0.15×60+0.2×50+0.1×100
              [None] * 6]
    levels = [["技术支持-高级"], ["技术支持组长-中级"], [None]]
    assert udfs.KPI_SCORE(scores, levels, [headers]) == [[85.0], [73.5], [""]]
    assert udfs.KPI_SCORE([[90.0] * 3], [["一级审核员"]], [["工作质量(无误删)", "考勤", "x"]]).__getitem__(0)[0] \
        .startswith("#VALUE! 表头中找不到考核项「工作效率(审核时长)」")


def test_raise_range_between_two_rungs():
    assert udfs.RAISE_RANGE("中级客服", "高级客服") == [[1000.0, 1200.0]]
    assert "不是相邻的晋升" in udfs.RAISE_RANGE("初级客服", "高级客服")
    assert "没有同时包含" in udfs.RAISE_RANGE("初级客服", "组长")


def test_policy_from_the_workbook_and_policy_check(wb):
    data = default_data()
    data["ladders"][0]["rungs"][1]["tenure_months"] = 17
    wb.sheets["政策"] = policy_sheet.rows(data)
    assert udfs.POLICY_CHECK(wb) == "OK"
    assert udfs.PROMO_ELIGIBLE(1002.0, None, wb) is True  # HR lowered the tenure to 17 months

    data["roles"][0]["items"][0]["weight"] = 30
    broken = department([person("1001")], history("1001", [1.0]), {"政策": policy_sheet.rows(data)})
    check = udfs.POLICY_CHECK(broken)
    assert "权重合计 110%" in check and "110%, not 100%" in check
    assert udfs.PROMO_ELIGIBLE(1001.0, None, broken).startswith("#VALUE! 政策表有误（共 1 处")
    assert udfs.KPI_SCORE([90.0] * 5, "cs_rep", caller=broken).startswith("#VALUE! 政策表有误")


def test_texts_in_a_column_result_stay_within_excels_255_characters():
    many = [person(str(i), level="高级客服", hire_date="2026-06-01", duties=None) for i in range(1, 3)]
    records = [r for i in (1, 2) for r in history(str(i), [0.5] * 4, personal_days=9, sick_days=9)]
    wb = department(many, records)
    full = review(many, records).table.at["1", "reasons_en"]
    (first,), _ = udfs.PROMO_REASON([[1.0], [2.0]], None, "en", wb)
    assert len(full) > 255 and len(first) == 255
    assert first == full[:254] + "…"


def test_an_unexpected_failure_is_a_message_in_the_cell():
    class Broken(Book):
        def values(self, name):
            raise OSError("disk gone")
    result = udfs.NEXT_LEVEL(1.0, Broken({"员工名册": []}))
    assert result.code == "#VALUE!" and "OSError: disk gone" in result
