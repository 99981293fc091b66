"""Exporters: a subclass yields header and rows; rendering to .xlsx lives here (pretix's exporters)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Iterator

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CellValue = str | int | float | datetime.date | None


class Exporter:
    """Base class. ``rows_written`` holds the number of data rows after ``render_xlsx``."""

    sheet_title = "Sheet1"
    column_width = 16

    def __init__(self) -> None:
        self.rows_written = 0

    def headers(self) -> list[str]:
        raise NotImplementedError

    def rows(self) -> Iterator[list[CellValue]]:
        raise NotImplementedError

    def render_xlsx(self) -> bytes:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(self.sheet_title)
        headers = self.headers()
        for index in range(1, len(headers) + 1):
            sheet.column_dimensions[get_column_letter(index)].width = self.column_width
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        sheet.append([_cell(sheet, header, font=bold) for header in headers])
        self.rows_written = 0
        for row in self.rows():
            sheet.append(list(_cells(sheet, row)))
            self.rows_written += 1
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()


def _cells(sheet: WriteOnlyWorksheet, row: Iterable[CellValue]) -> Iterator[Cell | CellValue]:
    for value in row:
        yield _cell(sheet, value) if isinstance(value, str) else value


def _cell(sheet: WriteOnlyWorksheet, value: str, *, font: Font | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    # Text is always text: a value such as "=HYPERLINK(...)" typed by an applicant
    # must not become a live formula in the reader's spreadsheet.
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    return cell
