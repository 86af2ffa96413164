"""The README's Layout table names every module of the tree, and nothing that is gone."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_layout_table_matches_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):readme.index("`xlfuncs` never imports `workbook`.")]
    rows = {row.split("|")[1].strip(): row for row in layout.splitlines() if row.startswith("| `")}
    modules = sorted(str(p.relative_to(ROOT)) for package in ("xlfuncs", "workbook")
                     for p in (ROOT / package).rglob("*.py") if p.name != "__init__.py")
    for module in modules:
        folder = f"`{Path(module).parent}/`"
        assert f"`{module}`" in layout or (folder in rows and f"`{Path(module).name}`" in rows[folder]), module
    for named in re.findall(r"`((?:xlfuncs|workbook)/[\w/]+\.py)`", layout):
        assert (ROOT / named).exists(), named


def test_every_package_is_installed():
    """`pip install .` installs what setup.py lists: a package left out breaks every command."""
    setup = (ROOT / "setup.py").read_text(encoding="utf-8")
    listed = set(re.search(r"packages=\[([^\]]*)\]", setup).group(1).replace('"', "").replace(" ", "").split(","))
    found = {str(p.parent.relative_to(ROOT)).replace("/", ".") for package in ("xlfuncs", "workbook")
             for p in (ROOT / package).rglob("__init__.py")}
    assert listed == found
