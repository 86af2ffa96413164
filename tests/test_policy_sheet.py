import pytest

from xlfuncs import policy_sheet
from xlfuncs.policy import Policy, default_data, default_policy
from xlfuncs.problems import PolicyError


def test_the_default_policy_survives_the_sheet_round_trip():
    cells = policy_sheet.rows(default_data())
    assert policy_sheet.read_policy(cells) == default_policy()


def test_sheet_layout_titles_and_bilingual_headers():
    cells = policy_sheet.rows(default_data())
    assert cells[0] == ["■ 设置 | Settings"]
    assert cells[1] == ["项目|key", "值|value", "说明|note"]
    assert ["min_months_at_company", 12, policy_sheet.SETTING_NOTES["min_months_at_company"]] in cells
    rung = next(r for r in cells if r[:2] == ["cs_grade", "中级客服"])
    assert rung[4:10] == [18, 1.2, 2, 3, 3, 3]


def test_hr_edits_as_excel_gives_them_back_floats_and_chinese_headers():
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    header = next(i for i, r in enumerate(cells) if r and r[0] == "序列|ladder")
    cells[header] = ["序列", "职级", "英文名", "角色", "最低司龄(月)"] + cells[header][5:]
    for row in cells:
        if row[:2] == ["cs_grade", "中级客服"]:
            row[4] = 20.0  # Excel hands every number back as a float
    policy = policy_sheet.read_policy(cells)
    assert policy.ladder("cs_grade").rungs[1].tenure_months == 20
    assert policy.ladder("vip").rungs[2].horizontal[0].name == "培训导师"


def test_an_edit_that_breaks_the_policy_is_reported():
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    for row in cells:
        if row[:2] == ["cs_rep", "考勤"]:
            row[3] = 15
    with pytest.raises(PolicyError, match="105%"):
        Policy.from_dict(policy_sheet.read(cells))


def test_a_review_band_typed_wrong_is_said_by_its_outcome():
    """HR finds a band by its outcome on the policy sheet, not by counting the band rows."""
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    promote = next(row for row in cells if row[:2] == ["晋升", "Promote"])
    promote[2] = "八十"
    with pytest.raises(PolicyError) as err:
        policy_sheet.read_policy(cells)
    assert [(p.zh, p.en) for p in err.value.problems] == [(
        "评审档位「晋升」：lower 应为非负数，现为 '八十'", "Review band 'Promote': lower must be a number ≥ 0, not '八十'")]
