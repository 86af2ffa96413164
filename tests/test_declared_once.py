"""A new Excel function is one function and its declaration: added here, in a test module, it
is computed by `ladderbook recalc`, written into the VBA module, given its column on the month
sheets and in History, and frozen by the close, with no other edit."""

import openpyxl
import pandas as pd
import pytest

from test_close import ITEMS, history_rows
from workbook import close, recalc, templates, vba
from xlfuncs import excel, udfs
from xlfuncs.excel import Column, excel_function


@pytest.fixture
def tenure_months():
    @excel_function(employee=udfs.EMPLOYEE, as_of=udfs.AS_OF,
                    columns=(Column("tenure", "司龄(月)", "Tenure (months)", "tenure_months", number_format="0"),))
    def TENURE_MONTHS(employee, as_of=None, caller=None):
        """司龄（整月）| Tenure in whole months."""
        return udfs._per_employee(employee, caller, as_of, "tenure_months")

    yield TENURE_MONTHS
    excel.DECLARED.pop("TENURE_MONTHS")


def test_a_function_declared_in_a_test_module_is_everywhere(tenure_months, tmp_path):
    roster = pd.DataFrame([{"employee": 1001, "name": "王芳", "ladder": "客户代表", "level": "普通客服代表-中级",
                            "hire_date": pd.Timestamp("2024-03-01")}])
    records = pd.DataFrame([{"month": pd.Timestamp("2026-10-01"), "employee": 1001,
                             **dict(zip(ITEMS, [90, 80, 70, 60, 100]))}])
    path = tmp_path / "dept.xlsx"
    templates.with_department(roster, records).save(path)

    # the month sheet has its column and formula, History its frozen column
    ws = openpyxl.load_workbook(path, read_only=True)["2026-10 客户代表"]
    heads = [str(c.value).split("\n")[0] for c in ws[2]]
    at = heads.index("司龄(月)") + 1
    assert ws.cell(3, at).value.text == "=TENURE_MONTHS(A3:A13,$B$1)"  # the person and ten blank rows
    history = openpyxl.load_workbook(path, read_only=True)["历史记录"]
    assert "司龄(月)" in [str(c.value).split("\n")[0] for c in history[1]]

    # recalc computes it: 2024-03-01 to 2026-10-31 is 31 whole months
    recalc.recalc(path)
    assert openpyxl.load_workbook(path, data_only=True, read_only=True)["2026-10 客户代表"].cell(3, at).value == 31

    # the VBA module has it, from its module
    text = vba.udf_module()
    assert "Function TENURE_MONTHS(employee, Optional as_of)" in text
    assert 'XLPy.CallUDF("test_declared_once", "TENURE_MONTHS"' in text

    # the close freezes it into History
    assert close.close_file(path).plan.problems == []
    (row,) = [r for r in history_rows(path) if r["工号"] == 1001]
    assert row["司龄(月)"] == 31
