"""Tables are read by content, with the line numbers a person sees, and refused with the field and the reason."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from moselle.core.tabular import Problem, read_table


def _refusal(data: bytes, **options: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as raised:
        read_table(data, **options)
    return raised.value.message_dict


def _xlsx(rows: list[list[Any]], *, title: str = "Sheet1", more_sheets: tuple[str, ...] = ()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for extra in more_sheets:
        workbook.create_sheet(extra).append(["Other"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_it_reads_utf8_with_a_bom() -> None:
    table = read_table("\ufeffName,City\nÉcole du Nord,Esch-sur-Alzette\n".encode())
    assert table.format == "csv" and table.encoding == "UTF-8" and table.delimiter == ","
    assert table.headers == ["Name", "City"]  # no BOM glued to the first header
    assert table.rows[0].values == {"Name": "École du Nord", "City": "Esch-sur-Alzette"}


def test_it_reads_a_semicolon_csv_with_commas_in_cells() -> None:
    table = read_table(b"Name;Address\nL-DIH;5 avenue des Hauts Fourneaux, Esch\nLIST;Belvaux, 4362\n")
    assert table.delimiter == ";"
    assert table.rows[0].values == {"Name": "L-DIH", "Address": "5 avenue des Hauts Fourneaux, Esch"}


def test_it_reads_a_tab_separated_file() -> None:
    table = read_table(b"Name\tEmployees\tNote\nAcme\t12\tsmall, growing\n")
    assert table.delimiter == "\t"
    assert table.rows[0].values == {"Name": "Acme", "Employees": "12", "Note": "small, growing"}


def test_it_honours_an_explicit_delimiter_and_refuses_an_invalid_one() -> None:
    table = read_table(b"a;b,c\n1;2,3\n", delimiter=",")
    assert table.headers == ["a;b", "c"]
    assert read_table(b"a\tb\n1\t2\n", delimiter="tab").headers == ["a", "b"]
    assert "delimiter" in _refusal(b"a:b\n1:2\n", delimiter=":")


def test_it_reads_a_one_column_file() -> None:
    table = read_table(b"Email\nana@example.org\nbob@example.org\n")
    assert table.headers == ["Email"]
    assert [row.values["Email"] for row in table.rows] == ["ana@example.org", "bob@example.org"]
    notes = read_table(b"Note\nSmall, growing\nLarge; stable\n")
    assert [row.values["Note"] for row in notes.rows] == ["Small, growing", "Large; stable"]
    assert notes.problems == []


def test_it_refuses_windows_1252_on_auto_naming_the_encoding_field() -> None:
    data = "Société;Ville\nCafé Müller;Differdange\n".encode("cp1252")
    refusal = _refusal(data)
    assert list(refusal) == ["encoding"]
    assert "not UTF-8" in refusal["encoding"][0] and "Windows-1252" in refusal["encoding"][0]


def test_it_reads_windows_1252_when_told() -> None:
    data = "Société;Ville\nCafé Müller \u2013 Nord;Differdange\n".encode("cp1252")
    table = read_table(data, encoding="windows-1252")
    assert table.encoding == "Windows-1252"
    assert table.rows[0].values == {"Société": "Café Müller \u2013 Nord", "Ville": "Differdange"}
    assert read_table("Nom\nÉté\n".encode("latin-1"), encoding="iso-8859-1").rows[0].values == {"Nom": "Été"}


def test_it_refuses_an_unknown_encoding_and_text_that_is_not_in_the_chosen_one() -> None:
    assert "Unknown encoding" in _refusal(b"a\n1\n", encoding="klingon")["encoding"][0]
    assert "encoding" in _refusal(b"a\n1\n", encoding="shift_jis")  # a real codec, but not one we offer
    assert "cannot be read as UTF-8" in _refusal(b"a\n\xe9\n", encoding="utf-8")["encoding"][0]


@pytest.mark.parametrize(
    "encoding",
    ["utf-8\x00", "\x00", "\ud800", "utf\u200b-8", "../utf-8", "é", "-", "x" * 5000, "base64", "rot13", "undefined"],
)
def test_it_refuses_a_junk_encoding_name_naming_the_encoding_field(encoding: str) -> None:
    # codecs.lookup raised ValueError on a NUL and UnicodeEncodeError on a surrogate: a 500 from the import API.
    refusal = _refusal(b"a,b\n1,2\n", encoding=encoding)
    assert list(refusal) == ["encoding"]
    message = refusal["encoding"][0]
    assert message.startswith("Unknown encoding") and "Windows-1252" in message
    assert "\x00" not in message and "\ud800" not in message and "\u200b" not in message
    assert len(message) < 200  # the name is repeated, cut short


@pytest.mark.parametrize("delimiter", ["\x00", ",\x00", "\ud800", ";;", "", "x" * 5000, "\\", "auto\x00"])
def test_it_refuses_a_junk_delimiter_naming_the_delimiter_field(delimiter: str) -> None:
    refusal = _refusal(b"a,b\n1,2\n", delimiter=delimiter)
    assert list(refusal) == ["delimiter"]
    message = refusal["delimiter"][0]
    assert "is not a delimiter" in message and "\x00" not in message and "\ud800" not in message
    assert len(message) < 200


def test_it_names_both_options_when_both_are_wrong_even_in_a_file_it_cannot_decode() -> None:
    refusal = _refusal("Société\nCafé\n".encode("cp1252"), encoding="utf-8\x00", delimiter=":")
    assert sorted(refusal) == ["delimiter", "encoding"]


def test_it_accepts_the_offered_encodings_by_their_aliases_and_spacing() -> None:
    for name in (" UTF-8 ", "utf8", "Windows-1252", "latin-1", "ISO-8859-1", "AUTO"):
        assert read_table(b"a;b\n1;2\n", encoding=name, delimiter=";").headers == ["a", "b"]
    assert read_table(b"a\tb\n1\t2\n", delimiter=" TAB ").headers == ["a", "b"]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_it_reads_utf16_with_a_bom(codec: str) -> None:
    text = "Name;City\nÉcole;Luxembourg\n"
    data = text.encode(codec) if codec == "utf-16" else "\ufeff".encode(codec) + text.encode(codec)
    table = read_table(data)
    assert table.encoding == "UTF-16" and table.headers == ["Name", "City"]
    assert table.rows[0].values == {"Name": "École", "City": "Luxembourg"}


def test_it_reads_an_xlsx_even_when_it_is_named_xls() -> None:
    data = _xlsx([["Name", "Country"], ["L-DIH", "Luxembourg"]], title="EDIH Catalogue")
    table = read_table(data, filename="export-edihs.xls")
    assert table.format == "xlsx" and table.sheet == "EDIH Catalogue"
    assert table.headers == ["Name", "Country"]
    assert table.rows[0].line == 2 and table.rows[0].values == {"Name": "L-DIH", "Country": "Luxembourg"}


def test_it_renders_xlsx_numbers_and_dates_as_a_person_reads_them() -> None:
    data = _xlsx(
        [
            ["Count", "Share", "Whole float", "Day", "Moment", "Flag", "Code"],
            [12, 0.25, 12.0, dt.date(2025, 5, 5), dt.datetime(2025, 5, 5, 4, 15), True, "  0042  "],
        ]
    )
    values = read_table(data).rows[0].values
    assert values == {
        "Count": "12",
        "Share": "0.25",
        "Whole float": "12",
        "Day": "2025-05-05",
        "Moment": "2025-05-05T04:15:00",
        "Flag": "TRUE",
        "Code": "0042",
    }


def test_it_reads_the_named_sheet_and_refuses_an_unknown_one() -> None:
    data = _xlsx([["Name"], ["Acme"]], title="Companies", more_sheets=("Contacts",))
    assert read_table(data).sheet == "Companies"
    assert read_table(data, sheet="Contacts").headers == ["Other"]
    refusal = _refusal(data, sheet="Hubs")
    assert "Companies, Contacts" in refusal["sheet"][0]


def test_it_ignores_trailing_empty_columns_and_rows_of_an_xlsx() -> None:
    data = _xlsx([["Name", "City", None, None], ["Acme", "Esch", None, None], [None, None, None], [None]])
    table = read_table(data)
    assert table.headers == ["Name", "City"]
    assert [row.values for row in table.rows] == [{"Name": "Acme", "City": "Esch"}]
    assert table.problems == []


def test_it_refuses_the_old_excel_format() -> None:
    refusal = _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, filename="export.xls")
    assert "97-2003" in refusal["file"][0] and ".xlsx" in refusal["file"][0]


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        random.Random(20250505).randbytes(4096),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        _zip(["word/document.xml", "[Content_Types].xml"]),
        _zip(["mimetype", "content.xml"]),
        b"PK\x03\x04 a broken zip",
    ],
    ids=["random bytes", "png", "docx", "ods", "broken zip"],
)
def test_it_refuses_what_is_not_a_table(data: bytes) -> None:
    assert "not a table" in _refusal(data, filename="list.csv")["file"][0]


def test_it_refuses_a_damaged_workbook() -> None:
    data = _zip(["[Content_Types].xml", "xl/workbook.xml"])
    assert "cannot be opened" in _refusal(data)["file"][0]


def test_it_refuses_an_empty_file() -> None:
    assert "empty" in _refusal(b"")["file"][0]
    assert "no header row" in _refusal(b"\n \n,,\n")["file"][0]


def test_it_refuses_a_file_over_the_upload_limit(settings: Any) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    assert "larger than the limit" in _refusal(b"Name\n" + b"x\n" * 1000)["file"][0]


def test_a_file_past_the_size_check_is_read_whole(settings: Any) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    table = read_table(b"Name\n" + b"x\n" * 1000, check_size=False)
    assert len(table.rows) == 1000


def _zip_bomb(unpacked: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * unpacked)
    return buffer.getvalue()


@pytest.mark.parametrize("check_size", [True, False])
def test_it_refuses_a_workbook_that_unpacks_far_beyond_its_size(settings: Any, check_size: bool) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 64 * 1024
    bomb = _zip_bomb(50 * 1024 * 1024)
    assert len(bomb) < settings.MOSELLE_UPLOAD_MAX_BYTES
    assert "too large once unpacked" in _refusal(bomb, check_size=check_size)["file"][0]


def test_it_refuses_duplicate_and_unnamed_headers() -> None:
    assert "“Name” appears more than once" in _refusal(b"Name,City,Name\na,b,c\n")["file"][0]
    assert "“Name” appears more than once" in _refusal(_xlsx([["Name", "Name"], ["a", "b"]]))["file"][0]
    assert "Column B (number 2) has no name" in _refusal(b"Name,,City\na,b,c\n")["file"][0]


def test_it_refuses_too_many_rows() -> None:
    csv_data = b"Name\n" + b"".join(b"row %d\n" % number for number in range(11))
    assert "more than 10 rows" in _refusal(csv_data, max_rows=10)["file"][0]
    assert len(read_table(csv_data, max_rows=11).rows) == 11
    xlsx_data = _xlsx([["Name"]] + [[f"row {number}"] for number in range(11)])
    assert "more than 10 rows" in _refusal(xlsx_data, max_rows=10)["file"][0]


def test_it_numbers_lines_as_a_person_sees_them() -> None:
    data = b'Name,Note\nAcme,first\n\nBeta,"two\nlines"\n,\nGamma,last\n'
    table = read_table(data)
    # The blank line is line 3 and skipped; a cell holding a line break is one row, as in a spreadsheet.
    assert [(row.line, row.values["Name"]) for row in table.rows] == [(2, "Acme"), (4, "Beta"), (6, "Gamma")]
    assert table.rows[1].values["Note"] == "two\nlines"
    xlsx = read_table(_xlsx([["Name"], ["Acme"], [None], ["Beta"]]))
    assert [(row.line, row.values["Name"]) for row in xlsx.rows] == [(2, "Acme"), (4, "Beta")]


def test_it_reports_extra_cells_as_a_row_problem_and_pads_short_rows() -> None:
    table = read_table(b"Name,City\nAcme,Esch,surplus\nBeta\nGamma,Wiltz,\n")
    assert [row.values for row in table.rows] == [
        {"Name": "Acme", "City": "Esch"},
        {"Name": "Beta", "City": ""},
        {"Name": "Gamma", "City": "Wiltz"},
    ]
    assert len(table.problems) == 1  # an empty trailing cell is not a problem
    problem = table.problems[0]
    assert isinstance(problem, Problem) and problem.line == 2 and "beyond the last named column" in problem.reason


def test_it_strips_cells_and_skips_rows_with_only_spaces() -> None:
    table = read_table(b"  Name  ; City \n  Acme ;  Esch  \n ; \n")
    assert table.headers == ["Name", "City"]
    assert [row.values for row in table.rows] == [{"Name": "Acme", "City": "Esch"}]
