"""Read a table a person uploads, CSV or XLSX, into rows of text, or refuse it with the field and the reason.

Imports (the EDIH catalogue, company lists, contacts) all start here, so every one of them recognises a
file by its bytes rather than by its name, gives the line numbers a person sees in a spreadsheet, and
refuses the same things with the same words. Nothing here touches the database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from typing import Any, Literal

import openpyxl  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_ROWS = 20000

# The encodings a person may choose, by the name Python's codecs give them, with the name we show.
ENCODINGS = {"utf-8": "UTF-8", "cp1252": "Windows-1252", "iso8859-1": "ISO-8859-1", "utf-16": "UTF-16"}
DELIMITERS = (",", ";", "\t", "|")
# What a codec name may look like (letters, digits, "-", "_", ".", ":" and spaces); anything else is refused
# before Python's codec registry sees it, which raises more than LookupError on junk (a NUL, a surrogate).
_ENCODING_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:\- ]{0,39}")
# How much of a refused option a message repeats.
_SHOWN_CHARS = 40

# Old binary Excel (97-2003) and every other OLE2 compound file start with these bytes.
OLE2_MAGIC = b"\xd0\xcf\x11\xe0"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
# An XLSX is a zip; openpyxl inflates its shared strings whole, so a workbook that unpacks to far more than
# the upload limit is refused before it is opened. Ordinary workbooks unpack to 3 to 15 times their size.
MAX_UNPACK_RATIO = 30
# How much of a CSV is looked at to guess its delimiter.
SNIFF_CHARS = 64 * 1024
SNIFF_RECORDS = 50


@dataclass(frozen=True)
class Problem:
    """Something wrong in one row, told with the line and column a person finds it by."""

    line: int
    column: str
    reason: str


@dataclass(frozen=True)
class Row:
    """One data row: its line as a spreadsheet numbers it (the header is line 1) and its cells as text."""

    line: int
    values: dict[str, str]


@dataclass(frozen=True)
class Table:
    """The header and the non-empty rows of a file, and how it was read."""

    format: Literal["csv", "xlsx"]
    headers: list[str]
    rows: list[Row]
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""  # CSV only: the encoding the text was read with, as shown in ENCODINGS
    delimiter: str = ""  # CSV only
    sheet: str = ""  # XLSX only: the title of the sheet read


def read_table(
    data: bytes,
    *,
    filename: str = "",
    encoding: str = "auto",
    delimiter: str = "auto",
    sheet: str = "",
    max_rows: int = MAX_ROWS,
    check_size: bool = True,
) -> Table:
    """Read CSV or XLSX bytes into a Table; raise ValidationError naming the field and the reason.

    The format is told by the content: the EC catalogue serves an XLSX named ``.xls``. ``filename`` is
    not used to decide anything; it is accepted so callers can pass what they have. ``encoding`` and
    ``delimiter`` apply to CSV, ``sheet`` to XLSX (the first worksheet when empty). ``check_size=False``
    is for a caller that held the file to the upload limit already, or reads a file shipped with Moselle.
    """
    del filename  # the name a browser sends says nothing reliable about the content
    limit = settings.MOSELLE_UPLOAD_MAX_BYTES
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if check_size and len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    if data.startswith(OLE2_MAGIC):
        raise ValidationError(
            {"file": _("The file is saved in the old Excel 97-2003 format. Save it as .xlsx or CSV and try again.")}
        )
    if data.startswith(ZIP_MAGICS):
        # A file let past the size check is still held to the unpacking ratio, measured from its own size.
        _check_workbook_archive(data, max(limit, len(data)))
        return _read_xlsx(data, sheet=sheet, max_rows=max_rows)
    codec, chosen = _csv_options(encoding, delimiter)
    text, encoding_name = _decode(data, codec)
    if not chosen:
        chosen = _sniff_delimiter(text)
    headers, rows, problems = _collect(_csv_records(text, chosen), max_rows=max_rows)
    return Table(
        format="csv",
        headers=headers,
        rows=rows,
        problems=problems,
        encoding=encoding_name,
        delimiter=chosen,
    )


def _not_a_table() -> ValidationError:
    return ValidationError({"file": _("This file is not a table Moselle can read. Save it as .xlsx or CSV.")})


# --- CSV ----------------------------------------------------------------------------------------------


def _shown(value: str) -> str:
    """A refused option as a message may repeat it: without invisible or unprintable characters, and short."""
    shown = "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} else ch
        for ch in value[: _SHOWN_CHARS + 1]
    )
    return shown if len(shown) <= _SHOWN_CHARS else shown[:_SHOWN_CHARS] + "…"


def _codec(name: str) -> str:
    """The codec's canonical name when ``name`` is one of ENCODINGS (under any of its aliases), else ""."""
    if not _ENCODING_NAME.fullmatch(name):
        return ""
    try:
        codec = codecs.lookup(name).name
    except (LookupError, ValueError):  # ValueError covers what the registry raises on odd names
        return ""
    return codec if codec in ENCODINGS else ""


def _csv_options(encoding: str, delimiter: str) -> tuple[str, str]:
    """The codec ("auto" to tell it from the bytes) and the delimiter ("" to guess it) a person chose.

    Both are checked before the file is read, so a person who got both wrong hears of both at once.
    """
    errors: dict[str, str] = {}
    codec = "auto"
    chosen_encoding = encoding.strip()
    if chosen_encoding.casefold() != "auto":
        codec = _codec(chosen_encoding)
        if not codec:
            errors["encoding"] = _("Unknown encoding “%(encoding)s”. Choose one of: %(choices)s.") % {
                "encoding": _shown(chosen_encoding),
                "choices": ", ".join(ENCODINGS.values()),
            }
    chosen = ""
    if delimiter.strip().casefold() != "auto":
        chosen = "\t" if delimiter.strip().casefold() in ("tab", "\\t") else delimiter
        if chosen not in DELIMITERS:
            errors["delimiter"] = _(
                "“%(delimiter)s” is not a delimiter Moselle reads. Choose a comma, a semicolon, a tab or |."
            ) % {"delimiter": _shown(delimiter)}
    if errors:
        raise ValidationError(errors)
    return codec, chosen


def _decode(data: bytes, codec: str) -> tuple[str, str]:
    """The text of a CSV and the name of the encoding it was read with; ``codec`` is "auto" or in ENCODINGS."""
    if codec == "auto":
        if data.startswith(codecs.BOM_UTF8):
            codec = "utf-8"
        elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            codec = "utf-16"
        else:
            if b"\x00" in data:
                raise _not_a_table()
            try:
                return data.decode("utf-8"), ENCODINGS["utf-8"]
            except UnicodeDecodeError:
                raise ValidationError(
                    {
                        "encoding": _(
                            "The file is not UTF-8 text. Choose the encoding it was saved in, for example "
                            "Windows-1252 for a CSV file saved by Excel on Windows."
                        )
                    }
                ) from None
    elif codec != "utf-16" and b"\x00" in data:
        raise _not_a_table()
    try:
        # utf-8-sig and utf-16 drop the byte-order mark themselves.
        text = data.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError:
        raise ValidationError(
            {
                "encoding": _("The file cannot be read as %(encoding)s. Choose the encoding it was saved in.")
                % {"encoding": ENCODINGS[codec]}
            }
        ) from None
    if "\x00" in text:
        raise _not_a_table()
    return text.removeprefix("\ufeff"), ENCODINGS[codec]


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits the header into several columns and agrees with the most rows.

    csv.Sniffer guesses from character frequencies and is easily fooled by semicolons or commas inside
    descriptions; splitting the first records with each candidate and counting the rows whose width
    matches the header's is plainer and sturdier.
    """
    sample = text[:SNIFF_CHARS]
    truncated = len(text) > SNIFF_CHARS
    best, best_key = "", (-1, 0)
    unused = ""  # for a one-column file: a delimiter that cuts no cell of it in two
    for candidate in DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            records = list(islice((r for r in reader if any(cell.strip() for cell in r)), SNIFF_RECORDS + 1))
        except csv.Error:
            continue
        if truncated and len(records) <= SNIFF_RECORDS:
            records = records[:-1]  # the sample ended inside the text, so its last record may be cut
        records = records[:SNIFF_RECORDS]
        if not unused and all(sum(1 for cell in record if cell.strip()) <= 1 for record in records):
            unused = candidate
        if not records:
            continue
        width = len(records[0])
        agree = sum(1 for record in records[1:] if len(record) == width)
        key = (agree, width)
        if width > 1 and key > best_key:
            best, best_key = candidate, key
    return best or unused or ","


def _csv_records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with its row number; a cell holding line breaks is still one row, as in a spreadsheet."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for line, record in enumerate(reader, start=1):
            yield line, [cell.strip() for cell in record]
    except csv.Error:
        raise ValidationError(
            {"file": _("The CSV file cannot be read at line %(line)s.") % {"line": line + 1}}
        ) from None


# --- XLSX ---------------------------------------------------------------------------------------------


def _check_workbook_archive(data: bytes, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _not_a_table() from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _not_a_table()
    if unpacked > MAX_UNPACK_RATIO * limit:
        raise ValidationError(
            {"file": _("The workbook is too large once unpacked. Save the sheet you need as CSV and try again.")}
        )


def _read_xlsx(data: bytes, *, sheet: str, max_rows: int) -> Table:
    damaged = ValidationError(
        {"file": _("The workbook cannot be opened; it may be damaged. Save it again as .xlsx or CSV.")}
    )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds of error on a damaged file
        raise damaged from error
    try:
        worksheets = list(workbook.worksheets)
        if sheet:
            matching = [ws for ws in worksheets if ws.title == sheet]
            if not matching:
                titles = ", ".join(ws.title for ws in worksheets)
                raise ValidationError(
                    {
                        "sheet": _("The workbook has no sheet named “%(sheet)s”. Its sheets: %(titles)s.")
                        % {"sheet": sheet, "titles": titles}
                    }
                )
            worksheet = matching[0]
        elif worksheets:
            worksheet = worksheets[0]
        else:
            raise ValidationError({"file": _("The workbook has no worksheet.")})
        # The dimension written in the file may be wrong (too small cuts rows, too large pads millions of
        # empty ones); without it openpyxl reads the rows that are really there.
        worksheet.reset_dimensions()
        records = (
            (line, [_cell_text(value) for value in values])
            for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
        )
        try:
            headers, rows, problems = _collect(records, max_rows=max_rows)
        except ValidationError:
            raise
        except Exception as error:  # the sheet is parsed while it is read, so damage shows up here too
            raise damaged from error
        return Table(format="xlsx", headers=headers, rows=rows, problems=problems, sheet=worksheet.title)
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell as the text a person reads: 12 rather than 12.0, dates in ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(value, ".15g")  # Excel keeps 15 significant digits
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="seconds")
    return str(value).strip()


# --- Both ---------------------------------------------------------------------------------------------


def _column_letter(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _headers(cells: list[str]) -> list[str]:
    """The column names of the header row, refusing an unnamed or repeated one; trailing empty cells dropped."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    seen: set[str] = set()
    for number, name in enumerate(cells, start=1):
        if not name:
            raise ValidationError(
                {
                    "file": _("Column %(letter)s (number %(number)s) has no name in the header row.")
                    % {"letter": _column_letter(number), "number": number}
                }
            )
        if name in seen:
            raise ValidationError(
                {"file": _("The column “%(name)s” appears more than once in the header row.") % {"name": name}}
            )
        seen.add(name)
    return cells


def _collect(records: Iterable[tuple[int, list[str]]], *, max_rows: int) -> tuple[list[str], list[Row], list[Problem]]:
    """The header (the first non-empty row), the non-empty rows after it, and the row problems."""
    headers: list[str] | None = None
    rows: list[Row] = []
    problems: list[Problem] = []
    for line, cells in records:
        if not any(cells):
            continue
        if headers is None:
            headers = _headers(cells)
            continue
        if len(rows) >= max_rows:
            raise ValidationError(
                {
                    "file": _("The file has more than %(max_rows)s rows. Split it into smaller files.")
                    % {"max_rows": max_rows}
                }
            )
        width = len(headers)
        if any(cells[width:]):
            problems.append(
                Problem(
                    line=line,
                    column="",
                    reason=_("This row has cells beyond the last named column (%(count)s columns); they were ignored.")
                    % {"count": width},
                )
            )
        rows.append(Row(line=line, values=dict(zip(headers, chain(cells, repeat("")), strict=False))))
    if headers is None:
        raise ValidationError({"file": _("The file has no header row: every line is empty.")})
    return headers, rows, problems
