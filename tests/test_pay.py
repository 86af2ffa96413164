"""Pay items of POLICY.md §4, for the review month, worked out by hand."""

import math

from conftest import history, person, review
from workbooks import Book, sheet
from xlfuncs import policy_sheet, schema, udfs
from xlfuncs.policy import default_data

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
