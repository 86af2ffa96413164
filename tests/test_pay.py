"""Pay items of README policy §4, for the review month, worked out by hand."""

import math

import pytest

from conftest import history, person, review
from workbooks import Book, sheet
from xlfuncs import pay_formula, policy_sheet, schema, udfs
from xlfuncs.policy import Policy, default_data
from xlfuncs.problems import PolicyError

AGENT = dict(level="初级客服", hire_date="2020-01-01")


def one(records, **who):
    return review(person(**{**AGENT, **who}), records).table.loc["1001"]


def test_allowances():
    # own computer 150 + overtime 2 days × 30 + off-site 3 days × 10 = 240
    row = one(history("1001", [1.2], own_computer="是", overtime_days=2, offsite_days=3))
    assert row.pay_adjust == 240
    assert row.pay_detail == "自备电脑 +150；非法定节日加班 2 天 +60；外出办公 3 天 +30"
    assert row.pay_detail_en == "own computer +150; overtime 2 days +60; off-site 3 days +30"


def test_late_reply_scale_first_second_and_major_complaint():
    assert one(history("1001", [1.2], late_replies=1)).pay_adjust == -20       # first time: 20
    assert one(history("1001", [1.2], late_replies=2)).pay_adjust == -70       # 20 + 50
    assert one(history("1001", [1.2], late_replies=3)).pay_adjust == -120      # 20 + 50 + 50
    # 3 late replies, 1 of them caused a major complaint: 100 for it, 20 + 50 for the other two
    row = one(history("1001", [1.2], late_replies=3, major_complaints=1, unreachable=1, own_computer="是"))
    assert row.pay_adjust == 150 - 20 - 70 - 100
    assert row.pay_detail == ("自备电脑 +150；热线无法接通 1 次 −20；超时未回复 2 次 −70；"
                              "引起重大投诉 1 次（通报批评） −100")


def test_only_the_review_month_counts():
    assert one(history("1001", [1.2, 1.2], overtime_days=[5, 0])).pay_adjust == 0


def test_base_pay_probation_and_the_absence_flag():
    new = one(history("1001", [1.2]), hire_date="2026-08-15")  # 2 months at the company
    assert new.on_probation and new.base_pay == 850
    assert math.isnan(one(history("1001", [1.2])).base_pay)  # the sources leave base pay blank
    assert one(history("1001", [1.2], absence_days=3)).absence_flag is False   # 3 is not above 3
    assert one(history("1001", [1.2], absence_days=4)).absence_flag is True


def test_excel_functions_and_amounts_from_the_policy_sheet():
    data = default_data()
    data["pay"]["own_computer_allowance"] = 200
    data["ladders"][0]["rungs"][0]["base_pay"] = 4000
    wb = Book({"员工名册": sheet(schema.ROSTER, [person(**AGENT)]),
               "历史记录": sheet(schema.RECORDS, history("1001", [1.2], own_computer="是", absence_days=5)),
               "政策": policy_sheet.rows(data)})
    assert udfs.PAY_ADJUST(1001.0, None, wb) == 200.0
    assert udfs.PAY_DETAIL(1001.0, None, "en", wb) == "own computer +200"
    assert udfs.BASE_PAY(1001.0, None, wb) == 4000.0
    assert udfs.ABSENCE_FLAG(1001.0, None, wb) is True
    plain = Book({"员工名册": sheet(schema.ROSTER, [person(**AGENT)]),
                  "历史记录": sheet(schema.RECORDS, history("1001", [1.2]))})
    assert udfs.BASE_PAY(1001.0, None, plain) == "#N/A 政策表未填写该职级的基本工资 | the policy sheet has no base pay for this rung"


# ---- performance pay: the policy's formula on the rung's base and the month's metric ------

def with_perf(formulas=None, **bases):
    """The default policy with performance-pay bases per rung name and formulas per metric."""
    data = default_data()
    for ladder in data["ladders"]:
        for rung in ladder["rungs"]:
            if rung["name"] in bases:
                rung["perf_pay_base"] = bases[rung["name"]]
    for metric in data["metrics"]:
        if formulas and metric["id"] in formulas:
            metric["pay_formula"] = formulas[metric["id"]]
    return Policy.from_dict(data)


REP = dict(ladder="cs_rep", level="普通客服代表-中级")


def test_default_formulas_scale_the_base_by_the_metric():
    policy = with_perf(初级客服=2000, **{"普通客服代表-中级": 3000})
    # coefficient ladder: 2000 × 1.2 = 2400; score ladder: 3000 × 85 / 100 = 2550
    assert review(person(**AGENT), history("1001", [1.0, 1.2]), policy=policy).table.loc["1001"].perf_pay == 2400
    assert review(person(**REP), history("1001", [85]), policy=policy).table.loc["1001"].perf_pay == 2550


def test_hr_formula_with_if_percent_and_excel_spelling():
    formula = "＝IF(绩效>=80, 基数*120%, 基数*绩效/100)"  # full-width "=" as typed on a Chinese IME
    policy = with_perf({"score": formula}, **{"普通客服代表-中级": 3000})
    people = [person("1001", **REP), person("1002", **REP), person("1003", **REP)]
    records = history("1001", [80]) + history("1002", [79.5]) + history("1003", [None])
    table = review(people, records, policy=policy).table
    assert table.loc["1001", "perf_pay"] == 3600            # 80 ≥ 80: 3000 × 120%
    assert table.loc["1002", "perf_pay"] == 2385            # 3000 × 79.5 / 100
    assert math.isnan(table.loc["1003", "perf_pay"])        # no score this month: no amount


def test_blank_base_gives_no_amount_and_the_function_says_why():
    assert math.isnan(one(history("1001", [1.2])).perf_pay)  # the sources leave the base blank
    data = default_data()
    data["ladders"][0]["rungs"][0]["perf_pay_base"] = 1000
    people = [person(**AGENT), person("1002", **AGENT)]
    records = history("1001", [1.1]) + history("1002", [1.1], last="2026-09")
    wb = Book({"员工名册": sheet(schema.ROSTER, people), "历史记录": sheet(schema.RECORDS, records),
               "政策": policy_sheet.rows(data)})
    assert udfs.PERF_PAY(1001.0, "2026-10", wb) == 1100.0  # 1000 × 1.1
    assert udfs.PERF_PAY(1002.0, "2026-10", wb) == "#N/A 本月没有绩效记录 | no metric recorded this month"
    plain = Book({"员工名册": sheet(schema.ROSTER, people), "历史记录": sheet(schema.RECORDS, records)})
    assert udfs.PERF_PAY(1001.0, "2026-10", plain) == (
        "#N/A 政策表未填写该职级的绩效工资基数或公式 | "
        "the policy sheet has no performance-pay base or formula for this rung")


@pytest.mark.parametrize("formula, says", [
    ("基数*奖金", "「奖金」未知"),
    ("SUM(基数, 绩效)", "函数 SUM 不可用"),
    ("IF(绩效>1, 基数)", "IF 需要 3 个参数，现有 2 个"),
    ("基数*(绩效", "无法识别"),
    ("__import__('os').system('x')", "不支持的写法"),
    ("基数.real", "不支持的写法"),
    ("'文字'", "不支持的写法"),
])
def test_a_formula_that_cannot_be_computed_is_refused_naming_the_metric(formula, says):
    with pytest.raises(PolicyError) as e:
        with_perf({"coefficient": formula})
    assert "指标 coefficient 的绩效工资公式：" in str(e.value) and says in str(e.value)


def test_excel_round_halves_away_from_zero_and_comparisons_chain():
    assert list(pay_formula.parse("ROUND(绩效, 0)")(1, [2.5, -2.5, 0.4])) == [3, -3, 0]
    assert list(pay_formula.parse("=IF(AND(1<=绩效, 绩效<>2), 基数, 0)")(7, [0.5, 1, 2])) == [0, 7, 0]
    assert list(pay_formula.parse("IF(1 <= 绩效 < 2, base, 0) + 2^2")(7, [1, 2])) == [11, 4]
    assert list(pay_formula.parse("MAX(MIN(绩效, 1.5), 1) * 基数")(100, [0.8, 1.2, 2])) == [100, 120, 150]
