"""Every bad cell a review reads is a problem naming the sheet, row, column and value, and the
employee gets no verdict: never a plausible one (issue 15's 46 cases, those the rules see).

One table: the roster row and the records as HR typed them, and the message worked out by hand
from the policy's ranges (a coefficient 0–3; a day count within its month; counts whole, ≥ 0)."""

import pytest

from conftest import history, person, review

HIRED = dict(employee="1001", hire_date="2020-01-01")
SIX = [1.2] * 6


def with_last(**columns):
    """Six months of 1.2 with `columns` given for the review month (the others blank)."""
    return history("1001", SIX, **{k: [None] * 5 + [v] for k, v in columns.items()})


CASES = {
    "hired in the future": (
        dict(employee="1001", hire_date="2029-01-01"), history("1001", SIX),
        "'Roster' row 0 (employee 1001): hired on 2029-01-01, after the review month 2026-10; not reviewed in it"),
    "hired after the review month": (
        dict(employee="1001", hire_date="2026-11-15"), history("1001", SIX),
        "hired on 2026-11-15, after the review month 2026-10; not reviewed in it"),
    "level since before the hire date": (
        dict(HIRED, level_since="2019-01-01"), history("1001", SIX),
        "'Roster' row 0 (employee 1001): 'Level since' 2019-01-01 is before the 'Hire date' 2020-01-01"),
    "probation before the hire date": (
        dict(HIRED, probation_until="2019-06-30"), history("1001", SIX),
        "'Probation until' 2019-06-30 is before the 'Hire date' 2020-01-01"),
    "coefficient -1.5": (
        HIRED, history("1001", [1.2] * 5 + [-1.5]),
        "'History' row 5 (employee 1001): Performance coefficient -1.5 is outside 0–3"),
    "coefficient 1e300": (HIRED, history("1001", [1.2] * 5 + [1e300]), "Performance coefficient 1e+300 is outside 0–3"),
    "coefficient typed 1,32": (HIRED, history("1001", [1.2] * 5 + ["1,32"]), "'Score' should be a number, not '1,32'"),
    "a stored #N/A": (HIRED, history("1001", [1.2] * 5 + ["#N/A"]), "'Score' is the error #N/A; correct that cell"),
    "a stored #DIV/0! months back": (HIRED, history("1001", ["#DIV/0!"] + [1.2] * 5), "'Score' is the error #DIV/0!"),
    "History score 950": (HIRED, history("1001", [950] + [1.2] * 5), "Performance coefficient 950 is outside 0–3"),
    "History score -50": (HIRED, history("1001", [-50] + [1.2] * 5), "Performance coefficient -50 is outside 0–3"),
    "History score as text": (HIRED, history("1001", ["优"] + [1.2] * 5), "'Score' should be a number, not '优'"),
    "sick days 1e15": (HIRED, with_last(sick_days=1e15), "'Sick days' 1e+15 is out of range; it should be 0–31"),
    "absence -3": (HIRED, with_last(absence_days=-3), "'Absence days' -3 is out of range; it should be 0–31"),
    "absence 40": (HIRED, with_last(absence_days=40), "'Absence days' 40 is out of range; it should be 0–31"),
    "overtime 32 in October": (HIRED, with_last(overtime_days=32), "'Overtime days' 32 is out of range; it should be 0–31"),
    "personal days 29 in February": (
        HIRED, history("1001", SIX, last="2026-02", personal_days=[None] * 5 + [29]),
        "'Personal days' 29 is out of range; it should be 0–28"),
    "hotline unreachable 1.5 times": (HIRED, with_last(unreachable=1.5),
                                      "'Hotline unreachable' 1.5 should be a whole number of at least 0"),
    "duties mastered -2": (dict(HIRED, duties=-2), history("1001", SIX),
                           "'Duties mastered' -2 is out of range; it should be ≥ 0"),
    "an override that is no outcome": (HIRED, with_last(override="好的"), "'Review override' '好的' is not an outcome"),
    "two records of one month": (
        HIRED, history("1001", SIX) + history("1001", [0.5]),
        "'History' row 5 (employee 1001) and 'History' row 6 (employee 1001) are both records of 2026-10"),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_input_is_named_and_gives_no_verdict(case):
    roster_row, records, said = CASES[case]
    as_of = "2026-02" if "February" in case else "2026-10"
    result = review(person(**roster_row), records, as_of=as_of)
    row = result.table.loc["1001"]
    assert row.problem is not None and said in row.problem.en, row.problem
    assert row.outcome == "" and row.eligible is None and row.demotion_due is None
    assert row.training_required is None


def test_the_same_inputs_typed_right_give_a_verdict():
    """The control: HIRED with six months of 1.2 is judged (so the cases above fail for their cell)."""
    row = review(person(**HIRED), with_last(absence_days=2, override="保持")).table.loc["1001"]
    assert row.problem is None and row.eligible is False and row.training_required is False


# ---- the same in a workbook file: what recalc shows and what the close says -----------------

def _edited(tmp_path, edit):
    import openpyxl

    from test_close import small
    path = small(tmp_path)
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    return path


def test_an_error_cell_is_said_as_an_error_not_a_blank(tmp_path):
    from workbook import close
    path = _edited(tmp_path, lambda wb: wb["2026-10 客户代表"].__setitem__("D3", "#N/A"))
    text = close.close_file(path).text()
    assert "'Callback rate' is the error #N/A; correct that cell" in text and "is blank" not in text


def test_a_deleted_item_column_is_said_once_for_its_sheet(tmp_path):
    from workbook import close
    path = _edited(tmp_path, lambda wb: wb["2026-10 客户代表"].delete_cols(4))
    text = close.close_file(path).text()
    assert "'2026-10 客户代表': no row of 'Callback rate' is filled in (or the column is missing)" in text
    assert "row 3 (employee 1001): 'Callback rate' is blank" not in text


def test_a_text_history_score_stops_the_close_instead_of_freezing_empty_results(tmp_path):
    from workbook import close

    def typed_as_text(wb):
        for row in wb["历史记录"].iter_rows(min_row=2):
            if row[1].value == 1002:
                row[2].value = "优"
    path = _edited(tmp_path, typed_as_text)
    before = path.read_bytes()
    closed = close.close_file(path)
    assert "'历史记录' row 3 (employee 1002): 'Score' should be a number, not '优'" in closed.text()
    assert closed.plan.problems and path.read_bytes() == before


def test_a_bad_cell_is_named_by_the_header_hr_sees_on_its_sheet(tmp_path):
    """The CS grades score by a coefficient, headed 绩效系数 | Performance coefficient on their
    month sheet, where History heads the same field 得分 | Score: a comma typed for the decimal
    point on the sheet is said under the sheet's header. And a month whose one score is such a
    cell is not said to be not filled in yet, which would send HR looking for a blank."""
    import openpyxl

    from test_apply_moves import department
    from workbook import close
    path = department(tmp_path, {})
    wb = openpyxl.load_workbook(path)
    ws = wb["2026-10 客服职级"]
    assert ws["D2"].value == "绩效系数\nPerformance coefficient" and ws["A3"].value == 1002
    ws["D3"] = "1,2"
    wb.save(path)
    closed = close.close_file(path)
    assert [(p.zh, p.en) for p in closed.plan.problems] == [(
        "「2026-10 客服职级」第 3 行（工号 1002）：「绩效系数」应为数字，现为「1,2」",
        "'2026-10 客服职级' row 3 (employee 1002): 'Performance coefficient' should be a number, not '1,2'")]


def test_the_same_id_twice_on_a_month_sheet_gives_neither_row_a_verdict(tmp_path):
    """Row 4 typed with row 3's id: both rows show an error, not the first person's verdict twice."""
    import openpyxl

    from workbook import recalc, templates
    from workbook.file_book import FileBook
    from workbook.sample import department

    path = tmp_path / "dept.xlsx"
    wb = templates.with_department(*department(size=30, months=3))
    sheet = next(ws for ws in wb.worksheets if ws.title.startswith("2026-10") and ws.max_row >= 4)
    title = sheet.title
    wb.save(path)
    wb = openpyxl.load_workbook(path)
    wb[title]["A4"] = wb[title]["A3"].value
    wb.save(path)
    recalc.recalc(path)
    rows = FileBook(path).values(title)
    eligible = [str(h).split("\n")[0] for h in rows[1]].index("可晋升")
    assert rows[2][0] == rows[3][0]
    assert str(rows[2][eligible]).startswith("#") and str(rows[3][eligible]).startswith("#"), rows[2:4]
    others = [r[eligible] for r in rows[4:] if r and r[0] is not None]
    assert any(v in (True, False) for v in others)  # the rest of the sheet keeps its verdicts


def test_a_month_sheet_level_that_is_not_the_rosters_stops_the_close(tmp_path):
    """The month sheet's KPI_SCORE weighs by the sheet's 职级, the review by the roster's: one fact,
    two values. Blank, another rung, or another ladder's level: each named; the English name of
    the same rung is the same level."""
    from workbook import close

    def typed(level):
        def edit(wb):
            wb["2026-10 客户代表"]["C3"] = level
        return edit

    for level, said in ((None, "'Level' '' is not the roster's '普通客服代表-中级'"),
                        ("大客户客服代表-中级", "'Level' '大客户客服代表-中级' is not the roster's"),
                        ("初级客服", "'Level' '初级客服' is not the roster's")):
        folder = tmp_path / str(level)
        folder.mkdir()
        text = close.close_file(_edited(folder, typed(level))).text()
        assert "'2026-10 客户代表' row 3 (employee 1001): " + said in text, text
    folder = tmp_path / "english"
    folder.mkdir()
    assert close.close_file(_edited(folder, typed("Standard rep, intermediate"))).plan.problems == []

    def alike(wb):  # the VIP ladder's first rung named 初级客服 too, in English VIP junior
        (row,) = [row for row in wb["政策"].iter_rows() if [c.value for c in row[:2]] == ["vip", "客服助理"]]
        row[1].value, row[2].value = "初级客服", "VIP junior"
        wb["2026-10 客服职级"]["C3"] = "Junior CS"  # 1002, 初级客服 of the CS grades on the roster
    folder = tmp_path / "alike"
    folder.mkdir()
    assert close.close_file(_edited(folder, alike)).plan.problems == []  # was: 'Junior CS' is not the roster's


def test_a_total_typed_under_a_month_sheets_records_is_said_as_no_id_not_as_someone_to_add(tmp_path):
    """合计 in the id column under the records, with a SUM beside it, as HR totals a sheet: the
    close said employee 合计 is not on the roster and to add them to it."""
    from workbook import close

    def total(wb):
        ws = wb["2026-10 客服职级"]
        assert ws["A3"].value == 1002 and ws["A4"].value is None
        ws["A5"], ws["D5"] = "合计", "=SUM(D3:D4)"
    closed = close.close_file(_edited(tmp_path, total))
    assert [p.zh for p in closed.plan.problems] == [
        "「2026-10 客服职级」第 5 行：工号列是「合计」，不是工号：合计、备注请写在记录以外，或删除该行"]


def test_a_decision_that_says_what_cannot_be_done_stops_the_close_while_its_sheet_can_be_put_right(tmp_path):
    """A decision word that is none (升职吧), and a level the person's ladder does not have: the
    close froze them into History and took the month sheet away, and only apply-moves refused
    them, by History's row (the code before). Now the close names the month sheet's cell. One
    the policy refuses for what the roster says (no recommendation yet) still closes: HR may put
    it on the roster before applying."""
    from workbook import close
    from workbook.file_book import FileBook

    def decided(wb):
        heads = [str(c.value).split("\n")[0] for c in wb["2026-10 客服职级"][2]]
        wb["2026-10 客服职级"].cell(3, heads.index("调动决定") + 1, "升职吧")
        heads = [str(c.value).split("\n")[0] for c in wb["2026-10 客户代表"][2]]
        wb["2026-10 客户代表"].cell(3, heads.index("调动决定") + 1, "晋升")
        wb["2026-10 客户代表"].cell(3, heads.index("调至职级") + 1, "客服主管")
    path = _edited(tmp_path, decided)
    assert [p.en for p in close.plan(FileBook(path)).problems] == [
        "'2026-10 客服职级' row 3 (employee 1002): the decision '升职吧' should be 晋升 (promotion) or 降级 (demotion)",
        "'2026-10 客户代表' row 3 (employee 1001): level '客服主管' is not on the ladder 'Customer representatives'"]

    def raised(wb):  # 初级客服 → 中级客服 comes with 500–800 a month (policy §1)
        heads = [str(c.value).split("\n")[0] for c in wb["2026-10 客服职级"][2]]
        wb["2026-10 客服职级"].cell(3, heads.index("调动决定") + 1, "晋升")
        wb["2026-10 客服职级"].cell(3, heads.index("加薪(元/月)") + 1, 900)
    (tmp_path / "raised").mkdir()
    assert [p.en for p in close.plan(FileBook(_edited(tmp_path / "raised", raised))).problems] == [
        "'2026-10 客服职级' row 3 (employee 1002): raise 900 CNY/month, should be 500–800"]

    def recommended_later(wb):
        heads = [str(c.value).split("\n")[0] for c in wb["2026-10 客户代表"][2]]
        wb["2026-10 客户代表"].cell(3, heads.index("调动决定") + 1, "晋升")
    (tmp_path / "later").mkdir()
    assert close.plan(FileBook(_edited(tmp_path / "later", recommended_later))).problems == []


def test_a_kpi_item_typed_as_a_percentage_stops_the_close(tmp_path):
    """HR types 95% for 客户回访率, a rate: Excel stores 0.95, shown as 95%, and the policy scores
    every item in points, so the close would have frozen a review of a callback score of 0.95
    (the code before). The file's number format says what HR typed. A coefficient typed as
    120% is 1.2, what HR meant, and closes."""
    from workbook import close
    from workbook.file_book import FileBook

    def as_percentages(wb):
        wb["2026-10 客户代表"]["D3"] = 0.95
        wb["2026-10 客户代表"]["D3"].number_format = "0%"
        wb["2026-10 客服职级"]["D3"].number_format = "0%"  # 1.2, shown as 120%
    path = _edited(tmp_path, as_percentages)
    assert [p.en for p in close.plan(FileBook(path)).problems] == [
        "'2026-10 客户代表' row 3 (employee 1001): 'Callback rate' is typed as the percentage 95%, which the cell "
        "holds as 0.95, and it is scored in points: type 95"]
