"""What the rules do with inputs they cannot use: say so, by employee, never a silent zero."""

import pandas as pd

from conftest import history, person, review
from xlfuncs.rules import evaluate


def test_ids_match_across_full_width_digits_spaces_and_floats():
    result = review(person(employee=" 1001 ", hire_date="2025-04-01", duties=3),
                    history(1001.0, [1.2] * 6) + history("１００１", [1.2] * 6, last="2026-04"))
    row = result.table.loc["1001"]
    assert row.average_months == 12 and row.eligible is True
    assert result.problems == []


def test_unknown_ladder_and_level_are_problems_of_that_employee_only():
    people = [person(employee="1", ladder="sales"), person(employee="2", level="组长"),
              person(employee="3")]
    result = review(people, history("3", [1.0]))
    table = result.table
    assert table.at["1", "problem"].zh.startswith("「员工名册」第 0 行（工号 1）：未知序列「sales」（可选：客服职级、")
    assert table.at["2", "problem"].zh == ("「员工名册」第 1 行（工号 2）：序列「客服职级」没有职级「组长」"
                                           "（可选：初级客服、中级客服、高级客服、客服主管）")
    assert table.at["2", "problem"].en == ("'Roster' row 1 (employee 2): ladder cs_grade has no level '组长' "
                                           "(one of Junior CS, Intermediate CS, Senior CS, CS supervisor)")
    assert table.at["1", "eligible"] is None and table.at["2", "demotion_due"] is None
    assert table.at["3", "problem"] is None and table.at["3", "eligible"] is False


def test_unreadable_cells_name_the_row_the_column_and_the_employee():
    people = pd.DataFrame([person(employee="1", hire_date="2024-13-01")], index=[5])
    result = evaluate(people, pd.DataFrame(history("1", [1.0])), None, "2026-10")
    (problem,) = result.problems
    assert problem.zh == "「员工名册」第 5 行（工号 1）：「入职日期」应为日期（如 2024-11-01），现为「2024-13-01」"
    assert problem.en == "'Roster' row 5 (employee 1): 'Hire date' should be a date (e.g. 2024-11-01), not '2024-13-01'"
    assert result.table.at["1", "problem"] == problem
    assert result.table.at["1", "eligible"] is None


def test_records_of_strangers_duplicates_and_out_of_range_scores():
    records = history("1", [1.3, 9.0]) + history("1", [1.2]) + history("99", [1.0])
    result = review(person(employee="1"), records)
    text = "\n".join(p.en for p in result.problems)
    assert "'History' row 3: employee 99 is not on the roster (left?), so not counted" in text
    assert "'History' row 1 (employee 1) and 'History' row 2 (employee 1) are both records of 2026-10" in text
    assert "'History' row 1 (employee 1): Performance coefficient 9 is outside 0–3" in text
    # no verdict rests on a score the policy's range does not allow; the reason is said
    assert result.table.at["1", "eligible"] is None and "都是 2026-10 的记录" in result.table.at["1", "problem"].zh


def test_duplicate_roster_ids_are_a_problem_and_no_verdict_on_either_row():
    result = review([person(employee="1", level="中级客服"), person(employee="1.0")], history("1", [1.3]))
    assert len(result.table) == 1 and result.table.at["1", "eligible"] is None
    assert result.problems[0].en.startswith("'Roster' row 0, 'Roster' row 1 all have employee ID 1")


def test_malformed_review_month_and_no_records_at_all():
    result = review(person(), history("1001", [1.0]), as_of="2026-13")
    assert "2026-13" in result.problems[0].zh and result.month is None
    result = review(person(), [], as_of=None)
    assert result.problems[0].en == "There are no monthly records to choose a review month from"


def test_review_month_defaults_to_the_latest_on_record():
    result = review(person(), history("1001", [1.0, 1.0], last="2026-08"), as_of=None)
    assert result.month_label == "2026-08"


def test_a_cell_is_checked_by_the_reviews_that_read_it():
    # cs_grade looks back 12 months (the average window), pay items only at the review month:
    # a typo 14 months back (2025-09), or in last month's pay items, does not hold up
    # October's review, and is said when a review that reads it is made.
    records = history("1", [1.2] * 14, sick_days=["三"] + [0] * 13,
                      own_computer=[""] * 12 + ["maybe", ""])
    october = review(person(employee="1"), records)
    assert october.problems == [] and october.table.at["1", "eligible"] is False
    september = review(person(employee="1"), records, as_of="2026-09")
    assert [p.en for p in september.problems] == [
        "'History' row 12 (employee 1): 'Own computer' should be yes/no, not 'maybe'"]
    assert september.table.at["1", "eligible"] is None
    first = review(person(employee="1"), records, as_of="2025-09")
    assert [p.en for p in first.problems] == [
        "'History' row 0 (employee 1): 'Sick days' should be a number, not '三'"]


def test_records_of_people_who_left_are_said_only_while_a_review_reads_them():
    records = history("1", [1.2] * 14) + history("2", [1.0] * 3, last="2025-10")
    assert review(person(employee="1"), records).problems == []
    assert [p.en for p in review(person(employee="1"), records, as_of="2026-09").problems] == [
        "'History' row 16: employee 2 is not on the roster (left?), so not counted"]  # its last, 2025-10
    assert [p.en for p in review(person(employee="1"), records, as_of="2025-10").problems] == [
        "'History' row 14 and 2 more: employee 2 is not on the roster (left?), so not counted"]


def test_a_record_whose_month_cannot_be_read_holds_up_its_employee():
    records = history("1", [1.2] * 3) + [{"month": "2026-13", "employee": "1", "score": 1.2}]
    result = review([person(employee="1"), person(employee="2")], records + history("2", [1.2]))
    (problem,) = result.problems
    assert problem.en == "'History' row 3 (employee 1): 'Month' should be a month (e.g. 2026-10), not '2026-13'"
    assert result.table.at["1", "eligible"] is None and result.table.at["2", "eligible"] is False
