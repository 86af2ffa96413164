from setuptools import setup

setup(
    name="ladderbook",
    version="0.1.0",
    description="HR promotion policy as Excel functions (xlwings) and a headless workbook tool",
    long_description=open("README.md", encoding="utf-8").read(),
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    packages=["xlfuncs", "xlfuncs.rules", "workbook", "workbook.sheets"],
    package_data={"xlfuncs": ["default_policy.toml"]},
    # xlwings: its conversion code and reader are used directly (excel_calls, file_book); tested on 0.37.
    # formualizer: what engine.py avoids of it was measured on 0.13 (bench/engine_bench.py)
    # lxml: openpyxl writes through it when it is there (faster); required, so that what is tested is what runs
    install_requires=["pandas>=2.2", "openpyxl>=3.1", "xlwings>=0.37", "defusedxml>=0.7",
                      "formualizer>=0.13,<0.14", "opencc>=1.1",
                      "lxml>=5"],
    # python-calamine: pandas' xlsx reader to come, which a test reads the month end's values with
    extras_require={"test": ["pytest>=8", "pytest-xdist>=3", "python-calamine>=0.3"], "bench": ["ironcalc>=0.9"]},
    entry_points={"console_scripts": ["ladderbook = workbook.cli:main"]},
)
