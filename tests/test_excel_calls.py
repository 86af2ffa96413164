"""The calling convention (`workbook.excel_calls`) against the real thing: xlwings' own
`call_udf`, the function its COM server runs for every call from Excel, imported here with
pywin32 stubbed out, and the squeeze of its `XLPython.CallUDF`. Both get the same cells; what
the function receives and what Excel receives must be the same."""

import datetime as dt
import importlib
import sys
import types
from types import SimpleNamespace

import pytest
import xlwings

from workbook import excel_calls, formula_text
from xlfuncs.excel import DECLARED, CellError, excel_function

MISSING_SCODE = -2147352572  # what VBA passes for an Optional argument left out


class ComRange:
    """A Range object as Excel passes it to the VBA wrapper (pywin32 Dispatch)."""

    def __init__(self, value):
        self.value = value


@pytest.fixture(scope="module")
def xlwings_udfs():
    """xlwings.udfs as on Windows, its decorators real, its COM pieces stubbed."""
    stubs = {name: types.ModuleType(name) for name in
             ("pythoncom", "pywintypes", "win32com", "win32com.client", "xlwings.com_server")}
    stubs["pythoncom"].CoInitialize = lambda: None
    stubs["win32com.client"].Dispatch = lambda *args: None
    stubs["xlwings.com_server"].loop = None
    engine = excel_calls._engine().impl

    def impl(xl=None):  # xlwings._xlwindows.Range(xl=…): what Range.raw_value reads; the caller
        book = SimpleNamespace(app=SimpleNamespace(engine=engine, pid=1), fullname="probe.xlsm")
        return SimpleNamespace(xl=xl, raw_value=getattr(xl, "value", None), max_cells_per_read=None,
                               sheet=SimpleNamespace(book=book, name="S"), row=1, column=1,
                               address="$A$1", shape=(1, 1))

    windows = SimpleNamespace(Range=impl, is_range_instance=lambda x: isinstance(x, ComRange),
                              BOOK_CALLER=None)
    with pytest.MonkeyPatch.context() as mp:
        for name, module in stubs.items():
            mp.setitem(sys.modules, name, module)
        mp.setattr(xlwings, "_xlwindows", windows, raising=False)
        mp.delitem(sys.modules, "xlwings.udfs", raising=False)
        udfs = importlib.import_module("xlwings.udfs")
        mp.setattr(udfs, "ComRange", lambda rng: rng)
        for ours, theirs in (("func", udfs.xlfunc), ("arg", udfs.xlarg), ("ret", udfs.xlret)):
            mp.setattr(xlwings, ours, theirs)
        yield udfs
        mp.delitem(sys.modules, "xlwings.udfs")


@pytest.fixture(scope="module")
def probe(xlwings_udfs):
    """A function declared as ours are, with xlwings' real decorators: it records what it
    receives and answers what it is told to."""
    seen, say = [], []

    @excel_function(value="a cell or a literal", block=("a range, rows kept", {"ndim": 2}),
                    extra="optional")
    def PROBE(value, block=None, extra="default", caller=None):
        seen.append((value, block, extra))
        return say[0]

    assert PROBE.__xlfunc__["args"][1]["options"] == {"err_to_str": True, "ndim": 2}
    yield PROBE, seen, say
    DECLARED.pop("PROBE")  # declared for these tests only


def through_xlwings(udfs, fn, args):
    """What Excel gets from xlwings for `args` (cells as ComRange, literals as VBA passes them)."""
    udfs.get_udf_module = lambda name, book: SimpleNamespace(**{fn.__name__: fn})
    padded = [*args, *[MISSING_SCODE] * (len(fn.__xlfunc__["args"]) - 1 - len(args)), None]
    res = udfs.call_udf("probe", fn.__name__, tuple(padded), None, None)
    if len(res) == 1 and len(res[0]) == 1:  # xlwings/com_server.py, XLPython.CallUDF
        return res[0][0]
    return res[0] if len(res) == 1 and len(res[0]) > 1 else res


def com(cells):
    return excel_calls.com_value(cells)


DAY = dt.datetime(2026, 10, 31)
ARGUMENTS = [  # (value, block, extra) as the formula gives them: cells, literals, left out
    [ComRange(com([[1001.0]]))],
    [ComRange(com([[None]])), ComRange(com([[None]]))],
    [ComRange(com([["#N/A"]])), ComRange(com([[1.0, "#VALUE!"], ["#DIV/0!", None]]))],
    [ComRange(com([[DAY]])), ComRange(com([[dt.date(2024, 2, 29)]]))],
    [ComRange(com([[1.0], [2.0], [3.0]])), ComRange(com([[1.0], [2.0], [3.0]]))],
    [ComRange(com([[1.0, 2.0, 3.0]])), ComRange(com([[1.0, 2.0, 3.0]]))],
    [ComRange(com([[1.0, "a"], [True, None]])), ComRange(com([["x"]])), "en"],
    [46300.0, (60.0, 40.0), True],
    ["2026-10", ((60.0,), (40.0,)), None],
]


@pytest.mark.parametrize("args", ARGUMENTS, ids=range(len(ARGUMENTS)))
def test_arguments_arrive_as_xlwings_hands_them_over(xlwings_udfs, probe, args):
    fn, seen, say = probe
    say[:] = [0.0]
    through_xlwings(xlwings_udfs, fn, args)
    ours = [a.value if isinstance(a, ComRange) else a for a in args]
    excel_calls.call(fn, ours, None)
    assert seen[-1] == seen[-2]


ANSWERS = [
    1.5, True, "text", "x" * 300, None, DAY,
    CellError("#N/A", "没有", "none"),
    [[1.0, 2.0]], [[1.0], [2.0]], [1.0, 2.0], [[7.0]],
    [["x" * 300], ["short"]], [[CellError("#VALUE!", "错", "wrong"), 2.0]],
]


@pytest.mark.parametrize("said", ANSWERS, ids=range(len(ANSWERS)))
def test_answers_reach_excel_as_xlwings_hands_them_back(xlwings_udfs, probe, said):
    fn, _, say = probe
    say[:] = [said]
    assert excel_calls.call(fn, [1.0], None) == through_xlwings(xlwings_udfs, fn, [1.0])


def test_error_cells_would_be_blanks_without_err_to_str(xlwings_udfs):
    """Why every argument is declared with err_to_str: xlwings' default reads an error as None."""
    assert xlwings.conversion.read(None, com([["#N/A"]]), {}) is None
    assert xlwings.conversion.read(None, com([["#N/A"]]), {"err_to_str": True}) == "#N/A"


def test_shapes_as_xlwings_squeezes_them():
    read = excel_calls.conversion.read
    excel_calls._engine()
    assert read(None, com([[1.0]]), {}) == 1.0
    assert read(None, com([[1.0], [2.0]]), {}) == [1.0, 2.0]  # a column: flat
    assert read(None, com([[1.0, 2.0]]), {}) == [1.0, 2.0]  # a row: flat too
    assert read(None, com([[1.0], [2.0]]), {"ndim": 2}) == [[1.0], [2.0]]
    assert read(None, com([[1.0, 2.0]]), {"ndim": 2}) == [[1.0, 2.0]]
    assert read(None, com([[DAY]]), {}) == DAY and type(read(None, com([[DAY]]), {})) is dt.datetime


def test_excel_fills_a_range_from_an_array():
    assert excel_calls.fill(5.0, 2, 2) == [[5.0, 5.0], [5.0, 5.0]]
    assert excel_calls.fill([1.0, 2.0], 2, 3)[0] == [1.0, 2.0, excel_calls.NA]  # a row, repeated down
    assert excel_calls.fill([1.0, 2.0], 2, 2)[1] == [1.0, 2.0]
    assert excel_calls.fill([[1.0], [2.0]], 3, 2) == [[1.0, 1.0], [2.0, 2.0], [excel_calls.NA] * 2]
    # a row of answers in a column shows the first one all the way down
    assert excel_calls.fill([1.0, 2.0, 3.0], 3, 1) == [[1.0], [1.0], [1.0]]
    assert excel_calls.fill([["x" * 256, "y"]], 1, 2) == [[excel_calls.NA_VALUE] * 2]


def test_a_range_past_the_cells_a_sheet_stores_arrives_with_its_empty_cells():
    """A month sheet's formula reads down to its last row where the reader's rows end at the
    last holding a value: the cells below and right of those are empty, None as pywin32 gives them."""
    cells = formula_text.StoredCells(SimpleNamespace(sheet_names=lambda: ["S"],
                                                     values=lambda sheet: [[1001.0, "x"], [1002.0, None]]))
    assert cells.argument("S", "A1:C3") == ((1001.0, "x", None), (1002.0, None, None), (None, None, None))
    assert cells.argument("S", "$B$2:$B$4") == ((None,), (None,), (None,))
    assert cells.argument("S", "A2:B2") == ((1002.0, None),)
    assert cells.argument("S", "D9") is None
