"""The add-in's functions as pycel plugins (module attributes, lower case) and `formulas`
custom functions, for recalc_bench: the two engines compute a workbook the way they would
if ladderbook used them for everything. `SOURCE` is the workbook file the functions read."""

from workbook.recalc import functions

FUNCTIONS = functions()

SOURCE = None


def _plugin(function):
    def call(*args):
        rows = [[list(r) for r in a] if isinstance(a, tuple) else a for a in args]
        result = function(*rows, caller=SOURCE)
        return tuple(tuple(r) for r in result) if isinstance(result, list) else result
    return call


for _name, _function in FUNCTIONS.items():
    globals()[_name.lower()] = _plugin(_function)
