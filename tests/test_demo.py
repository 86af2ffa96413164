import openpyxl
import pandas as pd
import pytest

from workbook import cli, sample, templates
from workbook.file_book import FileBook
from workbooks import typed
from xlfuncs.policy import default_policy
from xlfuncs.rules import evaluate


def test_sample_is_deterministic_and_covers_every_ladder():
    roster, records = sample.department()
    again_roster, again_records = sample.department()
    pd.testing.assert_frame_equal(roster, again_roster)
    pd.testing.assert_frame_equal(records, again_records)
    assert set(roster["ladder"]) == {ld.name for ld in default_policy().ladders}
    assert len(roster) == 300 and records["month"].nunique() >= 12


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_demos_workbook_holds_what_the_template_filled_through_openpyxl_holds(tmp_path, lang):
    """The demo writes History's rows as a close appends them (`templates.department_file`),
    not through openpyxl: every sheet reads back the same, value and type, as the workbook
    `with_department` fills cell by cell; History's Table reaches its last row."""
    roster, records = sample.department(size=20, months=6)
    records = sample.decide(roster, records)
    templates.with_department(roster, records, lang=lang).save(tmp_path / "openpyxl.xlsx")
    templates.department_file(tmp_path / "package.xlsx", roster, records, lang=lang)
    made, theirs = FileBook(tmp_path / "package.xlsx"), FileBook(tmp_path / "openpyxl.xlsx")
    assert made.sheet_names() == theirs.sheet_names()
    for sheet in theirs.sheet_names():
        assert typed(made.values(sheet)) == typed(theirs.values(sheet)), sheet
    history = "历史记录" if lang == "zh" else "History"
    assert len(made.values(history)) == 1 + (records["month"] < records["month"].max()).sum() > 60
    table = next(iter(openpyxl.load_workbook(tmp_path / "package.xlsx")[history].tables.values()))
    assert table.ref.endswith(str(len(made.values(history))))


def off_their_lists(path) -> list[tuple]:
    """(sheet, cell, value) of each cell holding a value its dropdown does not offer."""
    wb = openpyxl.load_workbook(path)
    lists = {}
    for name, defined in wb.defined_names.items():
        (sheet, cells), = defined.destinations
        lists[name] = {c.value for row in wb[sheet][cells.replace("$", "")] for c in row}
    out = []
    for ws in wb.worksheets:
        for dv in ws.data_validations.dataValidation:
            offered = lists.get((dv.formula1 or "").lstrip("=")) if dv.type == "list" else None
            for box in dv.sqref.ranges if offered else ():
                for row in ws.iter_rows(box.min_row, min(box.max_row, ws.max_row), box.min_col, box.max_col):
                    out += [(ws.title, c.coordinate, c.value) for c in row if c.value is not None
                            and c.value not in offered]
    return out


def test_demo_does_the_month_end_round(capsys, tmp_path):
    path = tmp_path / "demo.xlsx"
    assert cli.main(["demo", "--output", str(path)]) == 0
    out = capsys.readouterr().out
    roster, records = sample.department()
    table = evaluate(roster, records).table
    eligible = int((table["eligible"] == True).sum())  # noqa: E712
    due = int((table["demotion_due"] == True).sum())  # noqa: E712
    assert out.startswith("评审月份 2026-10 · 300 名员工")
    assert f"## 可晋升 ({eligible})" in out and f"## 应降级 ({due})" in out
    assert eligible > 0 and due > 0
    first = table[table["eligible"] == True].iloc[0]  # noqa: E712
    assert first["name"] in out and first["next_level"] in out
    assert "2026-10 已结账" in out

    # the archive holds the month sheets with the results the close computed
    archive = openpyxl.load_workbook(tmp_path / "demo-archive" / "2026-10.xlsx", read_only=True)
    sheet = archive["2026-10 客户代表"]
    heads = [str(c.value).split("\n")[0] for c in sheet[2]]
    for row in sheet.iter_rows(min_row=3, values_only=True):
        row = dict(zip(heads, row))
        assert row["可晋升"] == {True: "是", False: "否", None: None}[table.at[str(row["工号"]), "eligible"]]

    # each decision sample.decide made is one move in the log and a new level on the roster
    decided = sample.decide(roster, records)
    decided = decided[decided["decision"].notna()]
    wb = openpyxl.load_workbook(path, read_only=True)
    log = list(wb["调动记录"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[1] for r in log) == sorted(decided["employee"])
    assert f"执行 {len(decided)} 项" in out
    levels = {r[0]: r[3] for r in wb["员工名册"].iter_rows(min_row=2, values_only=True)}
    assert all(levels[r[1]] == r[3] for r in log)
    assert "2026-11 客户代表" in wb.sheetnames and "2026-10 客户代表" not in wb.sheetnames


def test_demo_in_english(capsys, tmp_path):
    """Its sample typed in English, as the workbook's dropdowns offer it, and the month end writing the
    same words: apply-moves set roster cells to No and Senior CS, which the lists (是/否, 高级客服)
    refused, and the ladders on them (CS grades) were no ladder to the review."""
    path = tmp_path / "demo-en.xlsx"
    assert cli.main(["demo", "--lang", "en", "--size", "60", "--output", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Review month 2026-10 · 60 employees")
    assert "## Eligible for promotion" in out and "applied" in out
    policy = default_policy()
    listed = out.split("## Eligible for promotion")[1].split("\n\n2026-10")[0]  # the review's three lists
    rungs = [r for ld in policy.ladders for r in ld.rungs]
    assert not [r.name for r in rungs if r.name in listed]  # levels were listed by their Chinese names
    assert {"Junior CS", "Intermediate CS"} & {r.name_en for r in rungs if r.name_en in listed}
    assert off_their_lists(path) == []
    roster = pd.read_excel(path, sheet_name="Roster", engine="calamine")
    assert set(roster.iloc[:, 2]) <= {ld.name_en for ld in policy.ladders}
    assert set(roster.iloc[:, 3]) <= {r.name_en for ld in policy.ladders for r in ld.rungs}
    assert set(roster.iloc[:, 9]) == {"Yes", "No"}


@pytest.mark.parametrize("argv, says", [
    (["new", "{tmp}/nodir/x.xlsx"], "does not exist"),
    (["new", "{tmp}/部门.csv"], "name it .xlsx"),
    (["new", "{tmp}/部门3"], "name it .xlsx"),
    (["demo", "--output", "{tmp}/nodir/x.xlsx"], "does not exist"),
    (["demo", "--size", "0", "--output", "{tmp}/d.xlsx"], "--size must be at least 1, not 0"),
    (["demo", "--size", "-5", "--output", "{tmp}/d.xlsx"], "--size must be at least 1, not -5"),
    (["demo", "--as-of", "garbage", "--output", "{tmp}/d.xlsx"], "Review month 'garbage' is not a month"),
])
def test_a_first_command_gone_wrong_is_a_message_and_writes_nothing(tmp_path, capsys, argv, says):
    assert cli.main([a.format(tmp=tmp_path) for a in argv]) == 2
    err = capsys.readouterr().err
    assert says in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_command_is_told_in_both_languages(capsys):
    with pytest.raises(SystemExit) as stop:
        cli.main(["recalc"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "命令参数有误" in err and "the following arguments are required: file" in err
    with pytest.raises(SystemExit):
        cli.main(["new", "x.xlsx", "--lang", "fr"])
    assert "命令参数有误" in capsys.readouterr().err
