import datetime as dt

import pandas as pd
import pytest

from xlfuncs import values


def test_employee_ids_match_after_trim_nfkc_and_float():
    ids, bad = values.employee_ids([" 1001 ", "１００１", 1001.0, 1001, "1001.0", "A-7", None, True])
    assert [None if pd.isna(i) else i for i in ids] == ["1001"] * 5 + ["A-7", None, None]
    assert list(ids.cat.categories) == ["1001", "A-7"]
    assert bad.tolist() == [False] * 7 + [True]


@pytest.mark.parametrize("raw", [45597, 45597.75, "2024-11-01", "2024/11/1", "2024年11月1日",
                                 "２０２４年１１月１日", dt.date(2024, 11, 1),
                                 dt.datetime(2024, 11, 1, 9, 30), pd.Timestamp("2024-11-01"), "45597"])
def test_dates_from_serials_datetimes_and_chinese_text(raw):
    assert values.date(raw) == pd.Timestamp("2024-11-01")


@pytest.mark.parametrize("raw", ["2024-13-01", "2024-02-30", "next week", True, -5])
def test_unreadable_dates_are_flagged(raw):
    column, bad = values.dates([raw])
    assert bad.tolist() == [True] and column.isna().all()


def test_blank_dates_are_missing_not_bad():
    column, bad = values.dates([None, "", float("nan")])
    assert column.isna().all() and not bad.any()


@pytest.mark.parametrize("raw", ["2026-10", "2026/10", "2026年10月", "2026.10", " 2026-10 ",
                                 dt.date(2026, 10, 15), "2026-10-31", 46296])
def test_months(raw):
    assert values.month_label(values.month(raw)) == "2026-10"


def test_bad_month_is_flagged():
    column, bad = values.months(["2026-13", "Oct", "2026-10"])
    assert bad.tolist() == [True, True, False]
    assert column.iloc[2] == 2026 * 12 + 9


def test_month_end():
    assert values.month_end(values.month("2024-02")) == pd.Timestamp("2024-02-29")


def test_flags_in_every_spelling_hr_uses():
    yes = ["是", "Y", "y", "yes", "TRUE", "true", 1, 1.0, "√", True]
    no = ["否", "N", "no", "FALSE", 0, "0", "×", False, None, ""]
    column, bad = values.flags(yes + no + ["maybe", 2])
    assert column.tolist() == [True] * 10 + [False] * 12
    assert bad.tolist() == [False] * 20 + [True, True]


def test_numbers_from_text_and_full_width_digits():
    column, bad = values.numbers([3, "３", " 2.5 ", "1,200", "abc", None, True])
    assert column.tolist()[:4] == [3.0, 3.0, 2.5, 1200.0]
    assert bad.tolist() == [False] * 4 + [True, False, True]
    assert pd.isna(column.iloc[5])


def test_integer_ids_as_excel_gives_them():
    ids, bad = values.employee_ids(pd.Series([1002, 1001, 1002]))
    assert list(ids) == ["1002", "1001", "1002"] and not bad.any()


@pytest.mark.parametrize("dtype", [float, object])  # a float column, or cells as Excel gives them
def test_employee_ids_from_numbers_with_blanks_and_fractions(dtype):
    ids, bad = values.employee_ids(pd.Series([1001.0, None, 1001.5, 1002.0, 1001.0], dtype=dtype))
    assert [None if pd.isna(i) else i for i in ids] == ["1001", None, "1001.5", "1002", "1001"]
    assert not bad.any()


def test_absent_columns_read_as_the_readers_would_read_blank_cells():
    from xlfuncs import schema
    frame = pd.DataFrame({"month": ["2026-10"], "employee": ["1"]}, index=[7])
    clean, problems = schema.clean(schema.RECORDS, frame)
    blank, _ = schema.clean(schema.RECORDS, frame.assign(
        **{f.key: [None] for f in schema.RECORDS.fields if f.key not in frame}))
    assert problems == []
    for key in clean:
        assert clean[key].dtype == blank[key].dtype or key == "employee", key
        pd.testing.assert_series_equal(clean[key], blank[key], check_dtype=False, check_categorical=False)


def test_serials_before_march_1900_are_the_days_excel_shows():
    # Excel counts a 29 February 1900 that never was: serial 1 is 1900-01-01, 61 is 1900-03-01
    assert values.date(1.0) == pd.Timestamp("1900-01-01") and values.date(61.0) == pd.Timestamp("1900-03-01")
