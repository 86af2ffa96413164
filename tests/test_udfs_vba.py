"""What Excel's "Import Functions" gets from the add-in, generated here without Windows
(`workbook.vba`: xlwings' real decorators and its own `generate_vba_wrapper`), and the module
file shipped for importing by hand."""

from pathlib import Path

import pytest

import xlfuncs.udfs
from workbook import cli, vba

FUNCTIONS = {  # Excel name: arguments as the VBA signature must list them
    "PROMO_ELIGIBLE": "employee, Optional as_of",
    "PROMO_REASON": "employee, Optional as_of, Optional lang",
    "NEXT_LEVEL": "employee",
    "RAISE_RANGE": "employee, Optional to_level",
    "REVIEW_OUTCOME": "employee, Optional as_of, Optional lang",
    "CYCLE_AVG": "employee, Optional as_of",
    "DEMOTION_DUE": "employee, Optional as_of",
    "TRAINING_REQUIRED": "employee, Optional as_of",
    "PAY_ADJUST": "employee, Optional as_of",
    "PAY_DETAIL": "employee, Optional as_of, Optional lang",
    "BASE_PAY": "employee, Optional as_of",
    "PERF_PAY": "employee, Optional as_of",
    "ABSENCE_FLAG": "employee, Optional as_of",
    "CAREER_OPTIONS": "employee, Optional as_of, Optional lang",
    "KPI_SCORE": "scores, role, Optional items",
    "POLICY_CHECK": "",
    "WHY": "cell",
}


@pytest.fixture(scope="module")
def decorated():
    """The VBA module as the add-in writes it, and xlwings' metadata on every function, given by
    xlwings' real decorators, as on Windows."""
    text = vba.udf_module().replace("\r\n", "\n")
    with vba.xlwings_udfs() as udfs:
        functions = {name: fn.__xlfunc__ for name, fn in vba.as_on_windows(udfs, "xlfuncs.udfs").items()}
    return text, functions


def blocks(vba: str) -> dict[str, str]:
    out, name = {}, None
    for line in vba.splitlines():
        if line.startswith("Function "):
            name = line.split()[1].split("(")[0]
            out[name] = ""
        if name:
            out[name] += line + "\n"
        if line.startswith("End Function"):
            name = None
    return out


def test_every_function_is_in_the_vba_module_with_its_arguments(decorated):
    vba, _ = decorated
    found = blocks(vba)
    assert set(FUNCTIONS) <= set(found)
    for name, args in FUNCTIONS.items():
        assert found[name].startswith(f"Function {name}({args})\n"), found[name]
        assert 'XLPy.CallUDF("xlfuncs.udfs", "' + name + '"' in found[name]
        assert "Application.Caller" in found[name]


def test_functions_that_read_the_workbook_are_volatile(decorated):
    vba, functions = decorated
    found = blocks(vba)
    for name in FUNCTIONS:
        assert functions[name]["volatile"] is True
        assert "Application.Volatile" in found[name]


def test_function_wizard_texts_chinese_first_in_the_ladderbook_category(decorated):
    _, functions = decorated
    for name, info in functions.items():
        assert info["category"] == "ladderbook"
        doc = info["ret"]["doc"]
        assert len(doc) <= 255 and "\u4e00" <= doc[0] <= "\u9fff", (name, doc)
        for arg in info["args"]:
            if arg["name"] != "caller":
                assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])
                assert len(arg["doc"]) <= 255


def test_the_month_end_macros_are_subs_for_the_macros_dialog(decorated):
    vba, _ = decorated
    for name in ("LADDERBOOK_CLOSE_MONTH", "LADDERBOOK_APPLY_MOVES"):
        assert f"Sub {name}()\n" in vba
        # ThisWorkbook goes along: xw.Book.caller() in the macro is the workbook it runs in
        assert f'XLPy.CallUDF "workbook.macros", "{name}", Array(), ThisWorkbook, Application.Caller' in vba
    assert "Function LADDERBOOK" not in vba


def test_every_declared_function_is_in_the_module_and_the_shipped_file(decorated):
    text, _ = decorated
    declared = {name for name, fn in vars(xlfuncs.udfs).items() if hasattr(fn, "__ladderbook__")}
    assert declared == set(FUNCTIONS)
    shipped = (Path(__file__).parents[1] / "templates" / vba.FILE).read_bytes().decode("ascii")
    assert shipped == vba.udf_module(), "run: ladderbook templates"
    assert shipped.count("\r\n") == shipped.count("\n")  # Windows line ends, as the VBA editor writes them


def test_the_vba_command_writes_the_module(tmp_path):
    assert cli.main(["vba", "--output", str(tmp_path / "m.bas")]) == 0
    assert (tmp_path / "m.bas").read_bytes().decode("ascii") == vba.udf_module()
    assert cli.main(["vba", "--output", str(tmp_path / "no" / "m.bas")]) == 2
