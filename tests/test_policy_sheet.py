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


def problems_of(cells) -> list[str]:
    with pytest.raises(PolicyError) as err:
        policy_sheet.read_policy(cells)
    return [p.en for p in err.value.problems]


@pytest.mark.parametrize("title", ["■ 序列 | Ladders", "■ 考核项 | KPI items", "■ 横向发展 | Horizontal moves"])
def test_a_table_whose_title_row_was_overwritten_is_named_not_read_as_empty(title):
    """The code before read the table as empty: no ladders (every close then failed, "ladderbook
    failed: KeyError: 'ladder'"), roles without their KPI items, or no horizontal moves, which
    CAREER_OPTIONS would quietly leave out. Each is named, with where it belongs."""
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    at = next(i for i, row in enumerate(cells) if row == [title])
    before = next(row[0] for row in reversed(cells[:at]) if row and str(row[0]).startswith("■"))
    cells[at] = ["<b>"]
    assert problems_of(cells) == [
        f"No table titled '{title}' (after '{before}'): its title row was changed or deleted; put it back (a table "
        f"may have no rows, but its title and header rows must be there)"]


def test_an_empty_ladders_table_is_said():
    """Title and header rows kept, every ladder deleted (their rungs with them): nobody's ladder
    could be known, and the code before took it."""
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    title = cells.index(["■ 序列 | Ladders"])
    end = next(i for i in range(title + 2, len(cells)) if not cells[i])
    rungs = cells.index(["■ 职级与晋升条件 | Rungs and their criteria"])
    moves = cells.index(["■ 横向发展 | Horizontal moves"])
    cells = cells[:title + 2] + cells[end:rungs + 2] + [[]] + cells[moves:moves + 2]
    assert problems_of(cells) == ["There are no ladders: the ladders table is empty"]


def test_rows_naming_a_role_ladder_or_rung_no_table_has_are_named_and_a_ladder_typed_by_its_name_is_read():
    """A KPI item of role cs_repp, a move from 高级VIP客户经里: the code before left such a row
    out, the role's weights short (said as a sum) or the move gone (said nowhere). A rung's
    ladder typed by its Chinese name, in Traditional characters, or by its English name, is that
    ladder: the code before left the rung out."""
    cells = [list(r) for r in policy_sheet.rows(default_data())]
    for row in cells:
        if row[:2] == ["cs_grade", "中级客服"]:
            row[0] = "客服職級"
        elif row[:2] == ["cs_grade", "高级客服"]:
            row[0] = "CS Grades"  # its English name, as an English workbook shows it
    assert policy_sheet.read_policy(cells) == default_policy()
    for row in cells:
        if row[:3] == ["vip", "高级VIP客户经理", "培训导师"]:
            row[1] = "高级VIP客户经里"
        elif row[:2] == ["cs_rep", "考勤"]:
            row[0] = "cs_repp"
        elif row[:2] == ["tech_support", "技术支持-中级"]:
            row[0] = "tech"
    assert problems_of(cells) == [
        "KPI items: the role 'cs_repp' of '考勤' is in no row of the roles table",
        "Rungs and their criteria: the ladder 'tech' of the rung '技术支持-中级' is in no row of the ladders table",
        "Horizontal moves: '高级VIP客户经里' of the ladder 'vip' is in no row of the rungs table"]
