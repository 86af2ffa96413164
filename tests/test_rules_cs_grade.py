"""Ladder A (README policy §2), reviewed as of 2026-10 (tenure counted to 2026-10-31)."""

import math

import pandas as pd

from conftest import history, person, review
from xlfuncs.rules import months_completed

GOOD = [1.2] * 12  # the 12-month average exactly at the 中级 threshold


def junior(**kw):
    base = dict(level="初级客服", hire_date="2025-04-01", duties=3)  # 18 months on 2026-10-31
    return person(**{**base, **kw})


def test_tenure_is_whole_months_completed_by_the_last_day_of_the_review_month():
    end = pd.Timestamp("2026-10-31")
    starts = pd.Series(pd.to_datetime(["2024-11-01", "2024-10-31", "2024-11-30", "2026-10-31"]))
    assert months_completed(starts, end).tolist() == [23, 24, 23, 0]
    feb = pd.Series(pd.to_datetime(["2024-01-31", "2024-01-15", "2024-01-30"]))
    assert months_completed(feb, pd.Timestamp("2024-02-14")).tolist() == [0, 0, 0]
    assert months_completed(feb, pd.Timestamp("2024-02-29")).tolist() == [1, 1, 1]


def test_junior_meeting_every_criterion_exactly_at_the_limit_is_eligible(one):
    row = one(junior(), history("1001", GOOD, personal_days=[0] * 10 + [1, 2], sick_days=[0] * 10 + [3, 0]))
    assert row.eligible is True and row.reasons == ""
    assert row.tenure_months == 18 and math.isclose(row.average, 1.2)
    assert row.next_level == "中级客服"
    assert (row.raise_min, row.raise_max) == (500, 800)


def test_one_month_short_of_tenure(one):
    row = one(junior(hire_date="2025-05-01"), history("1001", GOOD))
    assert row.eligible is False
    assert row.reasons == "司龄 17 个月 < 18 个月"
    assert row.reasons_en == "tenure 17 months < 18 months"


def test_average_below_threshold_and_window_edge(one):
    # 13 months on record: the oldest (0.5) lies outside the trailing 12 and must not count.
    row = one(junior(), history("1001", [0.5] + GOOD))
    assert row.eligible is True and row.average_months == 12
    row = one(junior(), history("1001", [1.2] * 11 + [1.08]))  # mean 1.19
    assert row.eligible is False
    assert row.reasons == "平均绩效系数 1.19 < 1.2"
    assert row.reasons_en == "Performance coefficient average 1.19 < 1.2"


def test_leave_one_day_past_the_limit_in_the_two_month_window(one):
    personal = [5] * 10 + [2, 2]  # 5 days in each month before the window do not count
    row = one(junior(), history("1001", GOOD, personal_days=personal))
    assert row.eligible is False
    assert row.reasons == "近 2 个月事假 4 天 > 3 天"
    assert row.reasons_en == "personal leave 4 days > 3 days in the last 2 months"
    row = one(junior(), history("1001", GOOD, sick_days=[0] * 10 + [4, 0]))
    assert row.reasons == "近 2 个月病假 4 天 > 3 天"


def test_duties_counted_against_the_list(one):
    assert one(junior(duties=2), history("1001", GOOD)).reasons == "掌握职责 2 项 < 3 项"
    row = one(junior(duties=None), history("1001", GOOD))
    assert row.eligible is False and row.reasons == "未填写掌握技能数（需 3 项）"
    # 高级客服 needs every duty on the five-duty list
    middle = person(level="中级客服", hire_date="2024-10-01", duties=4)
    row = one(middle, history("1001", [1.3] * 12))
    assert row.reasons == "掌握职责 4 项 < 5 项"
    assert one({**middle, "duties": 5}, history("1001", [1.3] * 12)).eligible is True


def test_waiting_time_since_the_last_move_and_gm_approval(one):
    moved = junior(hire_date="2020-01-01", level_since="2025-11-01")  # 11 months in level
    row = one(moved, history("1001", GOOD))
    assert row.eligible is False and row.months_in_level == 11
    assert row.reasons == "本职级 11 个月 < 12 个月（总经理特批可免）"
    assert one({**moved, "level_since": "2025-10-01"}, history("1001", GOOD)).eligible is True
    assert one({**moved, "gm_approval": "是"}, history("1001", GOOD)).eligible is True


def test_supervisor_rung_allows_no_personal_leave_in_three_months(one):
    senior = person(level="高级客服", hire_date="2024-04-01", duties=5)  # 30 months
    row = one(senior, history("1001", [1.4] * 12, sick_days=[0] * 9 + [1, 1, 1]))
    assert row.eligible is True and (row.raise_min, row.raise_max) == (1200, 1500)
    row = one(senior, history("1001", [1.4] * 12, personal_days=[0] * 9 + [1, 0, 0]))
    assert row.reasons == "近 3 个月事假 1 天 > 0 天"
    row = one({**senior, "hire_date": "2024-05-01"}, history("1001", [1.4] * 12))
    assert row.reasons == "司龄 29 个月 < 30 个月"


def test_every_unmet_criterion_is_listed(one):
    row = one(junior(hire_date="2026-01-01", duties=1), history("1001", [1.0] * 10, personal_days=3.5))
    assert row.reasons.split("；") == [
        "司龄 9 个月 < 18 个月", "本职级 9 个月 < 12 个月（总经理特批可免）",
        "平均绩效系数 1.00 < 1.2", "近 2 个月事假 7 天 > 3 天", "掌握职责 1 项 < 3 项"]


def test_top_rung_is_never_eligible_and_has_no_raise(one):
    row = one(person(level="客服主管"), history("1001", [1.5] * 12))
    assert row.eligible is False and row.reasons == "已是最高职级" and row.next_level == ""
    assert math.isnan(row.raise_min)


def test_no_records_in_the_window_is_a_reason_not_a_zero(one):
    row = one(junior(), history("1001", [1.5], last="2025-06"))
    assert row.eligible is False
    assert row.reasons == "近 12 个月无绩效系数记录"


def test_demotion_two_consecutive_coefficients_below_1_1(one):
    middle = person(level="中级客服")
    row = one(middle, history("1001", [1.3, 1.05, 1.08]))
    assert row.demotion_due is True
    assert row.demotion_reasons == "连续 2 个月绩效系数低于 1.1（1.05、1.08）"
    assert one(middle, history("1001", [1.05, 1.1])).demotion_due is False  # 1.1 is not below
    assert one(middle, history("1001", [1.0, 1.2, 1.0])).demotion_due is False
    gap = history("1001", [1.0, 1.0]) + history("1001", [1.0], last="2026-08")
    gap = [r for r in gap if r["month"] != "2026-09"]
    assert one(middle, gap).demotion_due is False  # a missing month breaks the run


def test_demotion_on_serious_error_and_never_from_the_bottom(one):
    err = history("1001", [1.3, 1.3], serious_error=["", "是"])
    row = one(person(level="客服主管"), err)
    assert row.demotion_due is True and row.demotion_reasons == "2026-10 有严重失误"
    assert one(person(level="客服主管"), history("1001", [1.0, 1.0])).demotion_due is False
    assert one(person(level="初级客服"), err).demotion_due is False
    assert one(person(level="初级客服"), history("1001", [1.0, 1.0])).demotion_due is False


def test_calendar_year_average_as_a_policy_option():
    import dataclasses

    from conftest import review
    from xlfuncs.policy import default_policy
    policy = default_policy()
    calendar = dataclasses.replace(policy, settings=dataclasses.replace(policy.settings, average_basis="calendar_year"))
    # December before the review year is low; January to March 2026 average 1.2
    records = history("1001", [0.5, 1.1, 1.2, 1.3], last="2026-03")
    trailing = review(junior(), records, as_of="2026-03").table.loc["1001"]
    year = review(junior(), records, as_of="2026-03", policy=calendar).table.loc["1001"]
    assert trailing.average_months == 4 and trailing.average == 1.025
    assert year.average_months == 3 and abs(year.average - 1.2) < 1e-9


def test_averages_in_reasons_are_rounded_as_excel_shows_them_each_for_its_own_employee():
    # 14.22 / 12 is 1.185 (1.1849999999999998 in binary): Excel's ROUND gives 1.19.
    # 14.21 / 12 is 1.18417: 1.18. Both are said in one review, each with its own number.
    result = review([junior(employee="1"), junior(employee="2")],
                    history("1", [1.2] * 11 + [1.02]) + history("2", [1.2] * 11 + [1.01]))
    assert result.table.at["1", "reasons"] == "平均绩效系数 1.19 < 1.2"
    assert result.table.at["2", "reasons"] == "平均绩效系数 1.18 < 1.2"
