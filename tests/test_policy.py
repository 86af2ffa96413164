import copy
import tomllib
from importlib.resources import files

import pytest

from xlfuncs.policy import Policy, default_policy
from xlfuncs.problems import PolicyError

LADDERS = {
    "cs_grade": ["初级客服", "中级客服", "高级客服", "客服主管"],
    "cs_rep": ["普通客服代表-中级", "普通客服代表-高级", "大客户客服代表-中级", "大客户客服代表-高级",
               "高级客服代表-中级", "高级客服代表-高级"],
    "tech_support": ["技术支持-中级", "技术支持-高级", "技术支持组长-中级", "技术支持组长-高级"],
    "reviewer": ["一级审核员", "二级审核员", "三级审核员", "四级审核员"],
    "review_assistant": ["审核助理"],
    "supervisor": ["客服主管-中级", "客服主管-高级"],
    "vip": ["客服助理", "VIP客户经理", "高级VIP客户经理", "客服主管"],
}


def raw():
    text = files("xlfuncs").joinpath("default_policy.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def problems_of(data):
    with pytest.raises(PolicyError) as err:
        Policy.from_dict(data)
    return err.value.problems


def test_default_ladders_and_rungs_are_exactly_the_issue_table():
    policy = default_policy()
    assert {ld.id: [r.name for r in ld.rungs] for ld in policy.ladders} == LADDERS


def test_roles_by_id_or_chinese_name_with_weights_and_cycles_from_policy_md():
    policy = default_policy()
    expected = {  # role: (Chinese name, weights in order, cycle months), README policy §3
        "cs_rep": ("客户代表", [20, 20, 25, 25, 10], 3),
        "tech_support": ("技术支持", [40, 40, 10, 10], 6),
        "tech_lead": ("技术支持组长", [20, 20, 15, 15, 20, 10], 12),
        "reviewer": ("审核员", [45, 45, 10], 6),
        "supervisor": ("客服主管", [25, 25, 20, 20, 10], 12),
    }
    for role_id, (name, weights, cycle) in expected.items():
        role = policy.role(role_id)
        assert policy.role(name) is role
        assert [i.weight for i in role.items] == weights
        assert role.cycle_months == cycle
    assert policy.role(" CS_REP ") is policy.role("cs_rep")
    assert policy.role("nobody") is None


def test_cs_grade_criteria_and_raises_from_policy_md():
    policy = default_policy()
    ladder = policy.ladder("cs_grade")
    middle, senior, head = ladder.rungs[1:]
    assert (middle.tenure_months, middle.min_average, middle.leave_window_months,
            middle.max_sick_days, middle.max_personal_days, policy.required_duties(middle)) == (18, 1.2, 2, 3, 3, 3)
    assert (senior.tenure_months, senior.min_average, policy.required_duties(senior)) == (24, 1.3, 5)
    assert (head.tenure_months, head.min_average, head.leave_window_months,
            head.max_personal_days, head.max_sick_days) == (30, 1.4, 3, 0, 3)
    assert [policy.raise_range(ladder, i, i + 1) for i in range(3)] == [(500, 800), (1000, 1200), (1200, 1500)]
    assert policy.raise_range(ladder, 0, 2) == (1500, 2000)  # a skip: the steps' ranges summed (skip_raise)
    assert policy.raise_range(ladder, 2, 1) is None
    assert policy.raise_range(ladder, 3, 4) is None


def test_weights_not_adding_up_name_the_role_and_the_total():
    data = raw()
    data["roles"][0]["items"][0]["weight"] = 10
    (problem,) = problems_of(data)
    assert "cs_rep" in problem.zh and "90%" in problem.zh and "100%" in problem.zh
    assert "cs_rep" in problem.en and "90%" in problem.en


def test_unknown_role_on_a_rung_names_ladder_and_rung():
    data = raw()
    data["ladders"][1]["rungs"][2]["role"] = "ghost"
    (problem,) = problems_of(data)
    assert "cs_rep" in problem.zh and "大客户客服代表-中级" in problem.zh and "ghost" in problem.zh


def test_bands_out_of_order_and_raise_min_above_max_and_duplicate_rungs_all_reported():
    data = raw()
    data["bands"][1]["lower"] = 85
    data["ladders"][0]["rungs"][1]["raise_min"] = 900
    data["ladders"][3]["rungs"][1]["name"] = "一级审核员"
    problems = problems_of(data)
    assert len(problems) == 3
    text = "\n".join(p.en for p in problems)
    assert "out of order" in text and "85" in text
    assert "raise min 900 is above max 800" in text
    assert "duplicate rung '一级审核员'" in text


def test_a_ladder_name_no_sheet_name_may_hold_is_named_in_the_policy_check():
    """客服/热线: the month sheets and templates are named after the ladder, and Excel allows no /
    in a sheet's name (nor \\ * ? : [ ]). The code before took it, and the close then failed
    with "Invalid character / found in sheet title", sent to whoever maintains ladderbook."""
    data = raw()
    data["ladders"][0]["name"], data["ladders"][1]["name_en"] = "客服/热线", "Reps [all]"
    data["ladders"][2]["id"] = "tech:support"
    assert [p.en for p in problems_of(data)] == [
        "Ladder cs_grade: the name '客服/热线' holds /, which no sheet name may hold (\\ / * ? : [ ]): the month "
        "sheets and templates are named after the ladder",
        "Ladder cs_rep: the name 'Reps [all]' holds [, which no sheet name may hold (\\ / * ? : [ ]): the month "
        "sheets and templates are named after the ladder",
        "Ladder tech:support: the id 'tech:support' holds :, which no sheet name may hold (\\ / * ? : [ ]): the "
        "month sheets and templates are named after the ladder"]


def test_a_ladder_is_found_by_its_english_name_and_no_name_may_be_another_ladders():
    """An English workbook names its ladders in English (its month sheets, dropdowns and training
    list), so HR may type them so: CS grades is cs_grade. One ladder's English name that is another's
    id or name would leave it to the order of the policy's table which one a roster row is on."""
    policy = default_policy()
    assert policy.ladder("CS grades") is policy.ladder("cs_grade") is policy.ladder("ＣＳ ＧＲＡＤＥＳ ")
    assert policy.role("Customer representative") is policy.role("cs_rep")
    data = raw()
    data["ladders"][1]["name_en"] = "cs_grade"  # cs_rep's English name, cs_grade's id
    data["ladders"][3]["name_en"] = "技术支持"  # reviewer's, tech_support's name
    assert [p.en for p in problems_of(data)] == [
        "'cs_grade' names both ladder cs_grade and ladder cs_rep (by id, name or English name)",
        "'技术支持' names both ladder tech_support and ladder reviewer (by id, name or English name)"]


def test_no_name_of_an_outcome_may_be_another_outcomes():
    """HR's override is read by either name of an outcome (`Policy.outcome`): one outcome's English
    name that is another's name, or the dismissal named as a band, would leave it to the order of
    the bands which outcome an override gives."""
    data = raw()
    data["bands"][1]["outcome_en"] = "晋升"  # 保持's English name, 晋升's name
    data["dismissal"]["name"] = "降级"  # the name of a band
    assert [(p.zh, p.en) for p in problems_of(data)] == [
        ("「晋升」既是评审档位「晋升」的名称，又是评审档位「保持」的英文名称：一个名称只能指一个评审结果",
         "'晋升' is the name of the review band '晋升' and the English name of the review band '保持': a name may "
         "stand for one outcome only"),
        ("「降级」既是评审档位「降级」的名称，又是试用期内再次不达标之结果的名称：一个名称只能指一个评审结果",
         "'降级' is the name of the review band '降级' and the name of the outcome of failing again under "
         "probation: a name may stand for one outcome only")]
    data = raw()
    data["bands"][2]["outcome_en"] = ""  # an outcome without an English name is read by its name alone
    assert Policy.from_dict(data).outcome("降級") == "降级"


def test_unreadable_numbers_are_named_not_crashed():
    data = copy.deepcopy(raw())
    data["roles"][0]["items"][1]["weight"] = "二十"
    data["settings"]["min_months_at_company"] = 1.5
    problems = problems_of(data)
    text = "\n".join(p.en for p in problems)
    assert "weight must be a number ≥ 0, not '二十'" in text
    assert "min_months_at_company must be a whole number ≥ 0, not 1.5" in text


def test_the_default_policy_checks_clean():
    assert Policy.from_dict(raw()) == default_policy()


def test_a_yes_no_setting_that_is_neither_is_reported_not_read_as_no():
    data = raw()
    data["settings"]["promotion_needs_exam"] = "maybe"
    assert "promotion_needs_exam 应为 是/否，现为 'maybe'" in str(problems_of(data)[0])
    data["settings"]["promotion_needs_exam"] = "否"
    assert Policy.from_dict(data).settings.promotion_needs_exam is False
    assert default_policy().settings.promotion_needs_recommendation is True
