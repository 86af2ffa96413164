"""HR's decisions checked against the policy (README policy §1-§2), decided on 2026-10."""

import dataclasses

import pandas as pd
import pytest

from conftest import history, person, review
from xlfuncs import schema
from xlfuncs.moves import MOVE_COLUMNS, decide
from xlfuncs.policy import default_policy

GOOD = [1.2] * 12  # a junior's 12-month average exactly at the 中级 threshold


def junior(**kw):  # eligible for 中级客服 on 2026-10: 18 months' tenure, 3 duties, recommended, exam passed
    base = dict(level="初级客服", hire_date="2025-04-01", duties=3, recommended="是", exam_passed="是")
    return person(**{**base, **kw})


def run(p, decision, records=None, policy=None, logged=None):
    """Decide one decision row of History for person `p`."""
    policy = policy or default_policy()
    records = records if records is not None else history(p["employee"], GOOD)
    result = review([p], records, policy=policy)
    roster, _ = schema.clean(schema.ROSTER, pd.DataFrame([p]))
    row = {"employee": p["employee"], "decision": "晋升", "to_level": None, "raise": None,
           "approver": "王经理", **decision}
    decisions, _ = schema.clean(schema.RECORDS, pd.DataFrame([row], index=pd.MultiIndex.from_tuples(
        [("历史记录", 20)])))
    return decide(decisions, roster, result, policy, logged)


def refusal(decided) -> str:
    assert decided.moves.empty and len(decided.refused) == 1
    return str(decided.refused[0])


def test_a_one_rung_promotion_inside_the_raise_range_takes_effect_next_month():
    decided = run(junior(), {"raise": 800})
    assert decided.refused == []
    move = decided.moves.iloc[0]
    assert list(decided.moves.columns) == [*MOVE_COLUMNS, "probation_until"]
    assert (move.date, move.employee, move.from_level, move.to_level, move.kind, move["raise"], move.approver) == (
        pd.Timestamp("2026-11-01"), "1001", "初级客服", "中级客服", "晋升", 800, "王经理")


@pytest.mark.parametrize("amount, shown", [(499, "加薪 499 元/月，应在 500–800 之间"),
                                           (801, "加薪 801 元/月，应在 500–800 之间"),
                                           (None, "加薪 未填 元/月，应在 500–800 之间")])
def test_a_raise_outside_the_step_range_is_refused(amount, shown):
    text = refusal(run(junior(), {"raise": amount}))
    assert text.startswith(f"「历史记录」第 20 行（工号 1001）：{shown}")


def test_skipping_a_rung_needs_the_general_managers_approval_and_sums_the_ranges():
    # 初级 → 高级: two steps, 500–800 plus 1000–1200
    text = refusal(run(junior(), {"to_level": "高级客服", "raise": 1500}))
    assert "跨 2 级调动须总经理特批" in text
    allowed = run(junior(gm_approval="是"), {"to_level": "高级客服", "raise": 1500})
    assert allowed.refused == [] and allowed.moves.iloc[0].to_level == "高级客服"
    text = refusal(run(junior(gm_approval="是"), {"to_level": "高级客服", "raise": 2001}))
    assert "应在 1500–2000 之间" in text


def test_a_promotion_needs_the_recommendation_and_the_exam_where_the_policy_asks():
    text = refusal(run(junior(recommended="否", exam_passed=None), {"raise": 600}))
    assert "晋升须主管推荐、考核通过" in text and "needs the superior's recommendation and a passed exam" in text
    text = refusal(run(junior(exam_passed="否"), {"raise": 600}))
    assert "晋升须考核通过（" in text
    policy = default_policy()
    lenient = dataclasses.replace(policy, settings=dataclasses.replace(
        policy.settings, promotion_needs_recommendation=False, promotion_needs_exam=False))
    assert run(junior(recommended="否", exam_passed="否"), {"raise": 600}, policy=lenient).refused == []


def test_a_promotion_the_criteria_do_not_allow_is_refused_with_the_reasons():
    text = refusal(run(junior(hire_date="2025-05-01"), {"raise": 600}))  # 17 months, 18 needed
    assert "不符合晋升条件：司龄 17 个月 < 18 个月" in text and "tenure 17 months < 18 months" in text


def test_demotions_and_their_limits():
    senior = person(level="高级客服", hire_date="2020-01-01", duties=5)
    records = history("1001", [1.3] * 10 + [1.0, 1.05])
    decided = run(senior, {"decision": "降级"}, records)
    assert decided.refused == [] and decided.moves.iloc[0].to_level == "中级客服"
    assert pd.isna(decided.moves.iloc[0]["raise"])
    assert "降级不能加薪（100 元/月）" in refusal(run(senior, {"decision": "降级", "raise": 100}, records))
    assert "与从「高级客服」到「客服主管」不符" in refusal(run(senior, {"decision": "降级", "to_level": "客服主管"}, records))
    bottom = person(level="初级客服")
    assert "「初级客服」已是最低职级" in refusal(run(bottom, {"decision": "demote"}, history("1001", GOOD)))


def test_unreadable_decisions_and_strangers_are_refused():
    assert "调动决定「升职吧」应为 晋升 或 降级" in refusal(run(junior(), {"decision": "升职吧"}))
    assert "职级「总经理」不在序列「客服职级」中" in refusal(run(junior(), {"to_level": "总经理", "raise": 600}))
    text = refusal(run(junior(), {"employee": "9999", "raise": 600}))
    assert text.startswith("「历史记录」第 20 行（工号 9999）：不在员工名册中")


def test_a_decision_already_in_the_moves_log_is_not_made_twice():
    logged = pd.DataFrame([{"date": pd.Timestamp("2026-11-01"), "employee": "1001", "from_level": "初级客服",
                            "to_level": "中级客服", "kind": "晋升", "raise": 800, "approver": "王经理"}])
    moved = junior(level="中级客服", level_since="2026-11-01", recommended="否", exam_passed="否")
    decided = run(moved, {"raise": 800}, logged=logged)
    assert decided.refused == [] and decided.moves.empty and decided.already == 1
    assert run(moved, {"to_level": "Intermediate CS", "raise": 800}, logged=logged).already == 1  # its English name


@pytest.mark.parametrize("changed, said", [
    ({"decision": "降级"}, "the decision '降级' is not the move applied on 2026-11-01 (Moves log: 晋升 初级客服 → 中级客服)"),
    ({"to_level": "高级客服"}, "the decision '晋升' to 高级客服 is not the move applied on 2026-11-01"),
])
def test_a_decision_changed_in_history_after_it_was_applied_is_refused_not_counted_as_applied(changed, said):
    """1001 was promoted to 中级客服 on 2026-11-01 (the log says so); HR then changed the decision
    in History, to a demotion or to another level. The move made stands and does not follow:
    said, with what the log holds, and nothing applied (the code before counted it as applied,
    silently, and History and the log told two stories)."""
    logged = pd.DataFrame([{"date": pd.Timestamp("2026-11-01"), "employee": "1001", "from_level": "初级客服",
                            "to_level": "中级客服", "kind": "晋升", "raise": 800, "approver": "王经理"}])
    moved = junior(level="中级客服", level_since="2026-11-01", recommended="否", exam_passed="否")
    decided = run(moved, {"raise": 800, **changed}, logged=logged)
    assert decided.already == 0 and decided.moves.empty
    assert [p.en for p in decided.refused] == [
        f"'历史记录' row 20 (employee 1001): {said}"
        + ("" if "Moves log" in said else " (Moves log: 晋升 初级客服 → 中级客服)")
        + "; a decision is applied once: to change it, correct the roster and the Moves log by hand, or put "
          "this decision back"]
