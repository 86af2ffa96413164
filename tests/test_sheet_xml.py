"""A worksheet's rows edited in its XML: cells put in order, rows deleted with the rows below
moved up, whatever way the sheet's writer spelled an empty sheet."""

import pytest

from workbook import files, sheet_xml

OLD = ' old="1"'
HEAD = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:C3"/>'


def cell(text):
    """A maker of the cell `text` holding 1, saying whether it replaced one (old="1")."""
    return lambda attrs, inner: f'<c r="{text}"{"" if attrs is None else OLD}><v>1</v></c>'


@pytest.mark.parametrize("empty", [b"<sheetData/>", b"<sheetData />"])
def test_cells_go_into_an_empty_sheet_however_it_is_spelled(empty):
    data = HEAD + empty + b"<pageMargins/></worksheet>"
    out = sheet_xml.put(data, "S", {2: {1: cell("A2")}})
    assert out == HEAD + b'<sheetData><row r="2"><c r="A2"><v>1</v></c></row></sheetData><pageMargins/></worksheet>'


def test_cells_are_put_in_row_and_column_order_beside_those_kept():
    data = HEAD + (b'<sheetData><row r="1" spans="1:2"><c r="A1"/><c r="C1"><v>5</v></c></row>'
                   b'<row r="3"><c r="A3"/></row></sheetData></worksheet>')
    cells = {1: {2: cell("B1"), 3: cell("C1")}, 2: {1: cell("A2")}, 4: {2: cell("B4")}}
    out = sheet_xml.put(data, "S", cells)
    assert out == HEAD + (b'<sheetData><row r="1"><c r="A1"/><c r="B1"><v>1</v></c><c r="C1" old="1"><v>1</v></c>'
                          b'</row><row r="2"><c r="A2"><v>1</v></c></row><row r="3"><c r="A3"/></row>'
                          b'<row r="4"><c r="B4"><v>1</v></c></row></sheetData></worksheet>')


@pytest.mark.parametrize("cells, fit, ref", [
    ({5: {5: cell("E5")}}, 5, b"A1:E5"),  # a row appended: to it
    ({2: {1: cell("A2")}}, 4, b"A1:D3"),  # above the last row: to that
    ({}, 2, b"A1:C3")])  # (never narrower)
def test_cells_put_with_the_dimension_fitted_to_the_last_row_and_the_column_given(cells, fit, ref):
    data = HEAD + (b'<sheetData><row r="1"><c r="A1"/></row><row r="3"><c r="C3"><v>5</v></c></row>'
                   b'</sheetData></worksheet>')
    out = sheet_xml.put(data, "S", cells, fit=fit)
    assert out.startswith(HEAD.replace(b"A1:C3", ref))
    assert out.endswith(b'<row r="3"><c r="C3"><v>5</v></c></row>'
                        + (b'<row r="5"><c r="E5"><v>1</v></c></row>' if 5 in cells else b"")
                        + b"</sheetData></worksheet>")


@pytest.mark.parametrize("sheet_data, kept", [
    (b'<sheetData><row r="1"><c r="A1"/></row><row r="3"><c r="C3"><v>5</v></c></row></sheetData>',
     b'<row r="1"><c r="A1"/></row><row r="3"><c r="C3"><v>5</v></c></row>'),
    (b"<sheetData/>", b""), (b"<sheetData />", b"")])
def test_rows_appended_go_after_the_last_with_the_dimension_fitted_to_them(sheet_data, kept):
    rows = '<row r="4"><c r="B4"><v>1</v></c></row><row r="6"><c r="B6"><v>2</v></c></row>'
    out = b"".join(sheet_xml.append_pieces(HEAD + sheet_data + b"<pageMargins/></worksheet>", "S", rows, 6, 5))
    assert out == (HEAD.replace(b"A1:C3", b"A1:E6") + b"<sheetData>" + kept + rows.encode()
                   + b"</sheetData><pageMargins/></worksheet>")


def test_deleted_rows_take_the_rows_below_up_with_their_formulas():
    data = HEAD + (b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A2"><v>2</v></c></row>'
                   b'<row r="3"><c r="A3"><v>3</v></c></row>'
                   b'<row r="4"><c r="A4"><f>A3&amp;"&lt;"</f><v>3&lt;</v></c><c r="B4"/></row>'
                   b'</sheetData></worksheet>')
    out = sheet_xml.delete_rows(data, "S", 2, 2)
    assert out == HEAD + (b'<sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                          b'<row r="2"><c r="A2"><f>A1&amp;"&lt;"</f><v>3&lt;</v></c><c r="B2"/></row>'
                          b'</sheetData></worksheet>')
    assert sheet_xml.fit_dimension(out, "S").startswith(HEAD.replace(b"A1:C3", b"A1:C2"))


def test_a_shared_formula_below_deleted_rows_is_refused_by_name():
    data = HEAD + (b'<sheetData><row r="1"><c r="A1"/></row>'
                   b'<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="0">B1</f></c></row></sheetData></worksheet>')
    with pytest.raises(files.Refused, match="'S'.*A2"):
        sheet_xml.delete_rows(data, "S", 1, 1)


def test_a_row_without_its_number_is_refused():
    with pytest.raises(files.Refused, match="without their reference"):
        sheet_xml.put(HEAD + b"<sheetData><row><c/></row></sheetData></worksheet>", "S", {1: {1: cell("A1")}})


def test_rows_say_the_heights_set_by_hand_hiding_and_styles_not_excels_fitted_heights_or_hints():
    """As Excel writes them: every row with its x14ac:dyDescent hint, a height it fitted to the
    row's text without customHeight. Only what HR set is said, with whether the row holds a cell."""
    data = HEAD + (b'<sheetData><row r="1" spans="1:2" x14ac:dyDescent="0.25"><c r="A1"/></row>'
                   b'<row r="2" ht="30" x14ac:dyDescent="0.25"><c r="A2"/></row>'
                   b'<row r="3" ht="45" customHeight="1" x14ac:dyDescent="0.25"><c r="A3"/></row>'
                   b'<row r="4" hidden="1"/><row r="5" s="3" customFormat="1"/></sheetData></worksheet>')
    assert sheet_xml.rows(data, "S") == {3: ({"r": "3", "ht": "45", "customHeight": "1"}, True),
                                         4: ({"r": "4", "hidden": "1"}, False),
                                         5: ({"r": "5", "s": "3", "customFormat": "1"}, False)}
