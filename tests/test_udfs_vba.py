"""What Excel's "Import Functions" gets from xlfuncs.udfs, generated here without Windows:
the Windows-only modules are stubbed, xlwings' real decorators applied, and xlwings' own
`generate_vba_wrapper` writes the VBA module that Excel would import."""

import importlib
import io
import sys
import types

import pytest
import xlwings

import workbook.macros
import xlfuncs.udfs

FUNCTIONS = {  # Excel name: arguments as the VBA signature must list them
    "PROMO_ELIGIBLE": "employee, Optional as_of",
    "PROMO_REASON": "employee, Optional as_of, Optional lang",
    "NEXT_LEVEL": "employee",
    "RAISE_RANGE": "employee, Optional to_level",
    "REVIEW_OUTCOME": "employee, Optional as_of",
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
}


def on_windows(plain):
    """`plain` (a module) reloaded as on Windows, with xlwings' real decorators; its VBA
    module as "Import Functions" writes it, and the module itself."""
    stubs = {name: types.ModuleType(name) for name in ("pythoncom", "pywintypes", "win32com", "win32com.client")}
    stubs["pythoncom"].CoInitialize = lambda: None
    stubs["win32com.client"].Dispatch = lambda *args: None
    with pytest.MonkeyPatch.context() as mp:
        for name, module in stubs.items():
            mp.setitem(sys.modules, name, module)
        mp.delitem(sys.modules, "xlwings.udfs", raising=False)
        windows = importlib.import_module("xlwings.udfs")
        mp.setattr(xlwings, "func", windows.xlfunc)
        mp.setattr(xlwings, "arg", windows.xlarg)
        mp.setattr(xlwings, "ret", windows.xlret)
        mp.setattr(xlwings, "script", windows.xlsub)
        module = importlib.reload(plain)
        vba = io.StringIO()
        windows.generate_vba_wrapper(plain.__name__, module, vba, types.SimpleNamespace(Name="部门.xlsm"))
        mp.delitem(sys.modules, "xlwings.udfs")
    return vba.getvalue(), module


@pytest.fixture(scope="module")
def decorated():
    """xlfuncs.udfs as it is on Windows, with xlwings' metadata on every function."""
    vba, module = on_windows(xlfuncs.udfs)
    functions = {name: getattr(module, name).__xlfunc__ for name in FUNCTIONS}
    importlib.reload(xlfuncs.udfs)  # back to the plain functions for the other tests
    return vba, functions


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


def test_the_month_end_macros_are_subs_for_the_macros_dialog():
    vba, _ = on_windows(workbook.macros)
    importlib.reload(workbook.macros)
    for name in ("LADDERBOOK_CLOSE_MONTH", "LADDERBOOK_APPLY_MOVES"):
        assert f"Sub {name}()\n" in vba
        # ThisWorkbook goes along: xw.Book.caller() in the macro is the workbook it runs in
        assert f'XLPy.CallUDF "workbook.macros", "{name}", Array(), ThisWorkbook, Application.Caller' in vba
    assert "Function " not in vba
