"""Ladders B (README policy §3): the average over the role's cycle decides the outcome."""

import math

import pandas as pd
import pytest

from conftest import history, person, review
from xlfuncs.policy import default_policy
from xlfuncs.rules import item_weights, kpi_scores

REP = dict(ladder="cs_rep", level="普通客服代表-高级", hire_date="2020-01-01")


@pytest.mark.parametrize("scores, average, outcome", [
    ([80, 80, 80], 80.0, "保持"),              # exactly 80 stays
    ([80, 81, 80], 241 / 3, "晋升"),           # above 80
    ([70, 70, 70], 70.0, "保持"),              # exactly 70 stays (the kinder reading)
    ([69, 70, 70], 209 / 3, "降级"),
    ([50, 50, 50], 50.0, "降级"),              # exactly 50: down one, no probation
    ([49, 50, 50], 149 / 3, "降级并试用"),
    ([0, 100, 100, 100], 100.0, "晋升"),       # the 4th month back is outside the 3-month cycle
])
def test_band_boundaries_on_the_cycle_average(one, scores, average, outcome):
    row = one(person(**REP), history("1001", scores))
    assert math.isclose(row.cycle_average, average)
    assert row.outcome == outcome and not row.overridden


def test_cycle_lengths_per_role(one):
    # tech support reviews over 6 months: 90 × 5 and 30 → 80 → stays; over 3 it would be 70
    row = one(person(ladder="tech_support", level="技术支持-中级"), history("1001", [90] * 5 + [30]))
    assert row.cycle_months == 6 and row.cycle_average == 80 and row.outcome == "保持"
    # the tech lead (a rung of the same ladder) reviews over 12 months
    row = one(person(ladder="tech_support", level="技术支持组长-中级"), history("1001", [100] + [60] * 12))
    assert row.cycle_months == 12 and row.cycle_average == 60 and row.outcome == "降级"
    row = one(person(ladder="reviewer", level="二级审核员"), history("1001", [100] * 6 + [81] * 6))
    assert row.cycle_average == 81 and row.outcome == "晋升"
    row = one(person(ladder="supervisor", level="客服主管-中级"), history("1001", [85] * 12))
    assert row.cycle_months == 12 and row.outcome == "晋升"


def test_second_fail_under_probation_flags_dismissal_review_for_hr(one):
    on_probation = person(**REP, probation_until="2026-10-31")
    row = one(on_probation, history("1001", [60, 60, 49]))
    assert row.outcome == "劝退评估" and row.outcome_move == -1 and row.demotion_due is True
    assert one(on_probation, history("1001", [60, 60, 50])).outcome == "降级"  # 50 is not below 50
    ended = {**on_probation, "probation_until": "2026-09-30"}
    assert one(ended, history("1001", [60, 60, 40])).outcome == "降级"
    ended_mid = {**on_probation, "probation_until": "2026-10-01"}
    assert one(ended_mid, history("1001", [60, 60, 40])).outcome == "劝退评估"


def test_hr_override_wins_and_is_recorded(one):
    row = one(person(**REP), history("1001", [40, 40, 40], override=["", "", "保持"]))
    assert row.outcome == "保持" and row.overridden and row.outcome_move == 0
    assert row.demotion_due is False


@pytest.mark.parametrize("typed", ["保持", "Stay", " ｓｔａｙ", "保持 "])
def test_an_override_is_read_as_hr_may_type_an_outcome(one, typed):
    """By either of its names, in any case, full-width or Traditional, as a ladder or a level is:
    an English workbook names its outcomes in English (Stay). The code before took only 保持."""
    row = one(person(**REP), history("1001", [40, 40, 40], override=["", "", typed]))
    assert row.outcome == "保持" and row.overridden and row.outcome_move == 0 and row.problem is None


def test_an_override_in_traditional_is_read_in_a_simplified_policy(one):
    """劝退评估 typed in Traditional, 勸退評估, into a Simplified workbook: the README says a name
    typed in Traditional is read as its Simplified twin, outcomes among them."""
    row = one(person(**REP), history("1001", [80, 80, 80], override=["", "", "勸退評估"]))
    assert row.outcome == "劝退评估" and row.outcome_move == -1 and row.overridden


def test_an_override_that_is_no_outcome_is_a_problem_and_gives_no_verdict():
    result = review(person(**REP), history("1001", [40, 40, 40], override="升职"))
    row = result.table.loc["1001"]
    assert row.outcome == "" and row.demotion_due is None  # not the computed 降级并试用 either
    assert "「部门审核结果」「升职」不是评审结果（可选：晋升、保持、降级、降级并试用、劝退评估）" in row.problem.zh
    assert row.problem.en.endswith("'Review override' '升职' is not an outcome (one of Promote, Stay, Demote, Demote "
                                   "with probation, Advise resignation review)")
    assert row.problem in result.problems


def test_top_and_bottom_rungs_say_the_level_stays(one):
    top = one(person(ladder="cs_rep", level="高级客服代表-高级"), history("1001", [95] * 3))
    assert top.outcome == "晋升" and top.outcome_note == "已是最高职级，职级不变"
    assert top.eligible is False
    bottom = one(person(ladder="cs_rep", level="普通客服代表-中级"), history("1001", [55] * 3))
    assert bottom.outcome == "降级" and bottom.outcome_note == "已是最低职级，职级不变"
    assert bottom.demotion_due is False


def test_eligibility_on_a_band_ladder_needs_the_up_band(one):
    row = one(person(**REP), history("1001", [85] * 3))
    assert row.eligible is True and row.next_level == "大客户客服代表-中级"
    row = one(person(**REP), history("1001", [80] * 3))
    assert row.eligible is False
    assert row.reasons == "周期评审结果为「保持」（周期平均 80.0）"
    assert row.reasons_en == "the cycle review says 'Stay' (cycle average 80.0)"
    assert math.isnan(row.raise_min)  # §3 pay tables are blank: no raise range to invent


def test_no_scores_in_the_cycle(one):
    row = one(person(**REP), history("1001", [90], last="2026-06"))
    assert row.outcome == "" and row.outcome_note == "评审周期内没有绩效记录"
    assert row.eligible is False


def test_kpi_score_is_the_weighted_sum_of_item_scores():
    role = default_policy().role("cs_rep")
    items = pd.DataFrame([[90, 80, 70, 60, 100], [100] * 5])
    # 0.2×90 + 0.2×80 + 0.25×70 + 0.25×60 + 0.1×100 = 18 + 16 + 17.5 + 15 + 10
    assert kpi_scores(items, item_weights(role), (0, 100))[0].tolist() == pytest.approx([76.5, 100])


def test_monthly_score_computed_from_item_columns_when_the_score_is_blank(one):
    items = {"客户回访率": 90, "客户满意度": 80, "处理时限和正确度": 70, "培训及业务水平": 60, "考勤": 100}
    records = history("1001", [None] * 3, **items)
    row = one(person(**REP), records)
    assert row.cycle_average == pytest.approx(76.5) and row.outcome == "保持"


def test_review_assistant_has_one_rung_and_no_cycle(one):
    row = one(person(ladder="审核助理", level="审核助理"), history("1001", [95] * 3))
    assert row.outcome == "" and row.eligible is False and row.reasons == "已是最高职级"


def test_vip_ladder_next_rung_and_horizontal_moves(one):
    row = one(person(ladder="vip", level="高级VIP客户经理"), history("1001", [88] * 12))
    assert row.next_level == "客服主管" and row.eligible is True
    assert row.horizontal == "培训导师、质检员、其他部门"
    assert row.horizontal_en == "Trainer, Quality inspector, Another department"
    assert one(person(ladder="vip", level="VIP客户经理"), history("1001", [88])).horizontal == ""


def test_cycle_averages_in_reasons_are_each_employees_own_rounded_half_up():
    # 73.25 shows as 73.3 (Excel's ROUND); 219.55 / 3 = 73.18333 as 73.2; one band, one review
    result = review([person("1", **REP), person("2", **REP)],
                    history("1", [73.25] * 3) + history("2", [73.2, 73.2, 73.15]))
    assert result.table.at["1", "reasons"] == "周期评审结果为「保持」（周期平均 73.3）"
    assert result.table.at["2", "reasons"] == "周期评审结果为「保持」（周期平均 73.2）"
