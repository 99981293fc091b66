"""The printed form as data: pages of rows of cells, in the order of the source form.

Both renderers (.docx and PDF) read the same ``Form``, so the two files cannot
drift apart. A page's grid has ``len(columns)`` columns; each row lists its cells
left to right, skipping columns still covered by a cell spanning from above.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

CellRole = Literal["label", "value", "photo"]

CHECKED = "☑"
UNCHECKED = "☐"
# The date line under a signature or stamp, left blank for the hand.
DATE_LINE = "年　　月　　日"
# Every row is at least this tall (mm), so that empty rows can be written in by hand.
MIN_ROW_HEIGHT = 8


def box(checked: bool, text: str) -> str:
    """A checkbox as printed on the source forms: ☑ when the data says so, else ☐."""
    return f"{CHECKED if checked else UNCHECKED}{text}"


@dataclass(frozen=True)
class Cell:
    """One cell of a form's table."""

    lines: tuple[str, ...] = ()
    role: CellRole = "value"
    colspan: int = 1
    rowspan: int = 1
    # Right-aligned lines under the text, left blank for signature, stamp and date.
    signature: tuple[str, ...] = ()
    # Minimum height in millimetres, for text written at length or by hand.
    height: int = 0

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def label(text: str, *, colspan: int = 1, rowspan: int = 1) -> Cell:
    return Cell(lines=(text,), role="label", colspan=colspan, rowspan=rowspan)


def value(*lines: str, colspan: int = 1, height: int = 0) -> Cell:
    return Cell(lines=tuple(line for line in lines if line), colspan=colspan, height=height)


Row = tuple[Cell, ...]


@dataclass(frozen=True)
class Page:
    """One printed page: headings, a title, a table, then free text and notes."""

    title: tuple[str, ...]
    heading: tuple[str, ...] = ()
    # Relative widths of the table's columns (percent of the text width).
    columns: tuple[int, ...] = ()
    rows: tuple[Row, ...] = ()
    paragraphs: tuple[str, ...] = ()
    signature: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Photo:
    data: bytes
    content_type: str


@dataclass(frozen=True)
class Form:
    """A whole printed form: its pages, and the applicant's photo for the photo cell."""

    title: str
    pages: tuple[Page, ...]
    photo: Photo | None = None


@dataclass(frozen=True)
class Placement:
    row: int
    column: int
    cell: Cell


def placements(page: Page) -> Iterator[Placement]:
    """Where each cell sits in the grid; raises ``ValueError`` for a row that does not
    fill the grid exactly (a layout bug, caught by the tests)."""
    width = len(page.columns)
    covered: set[tuple[int, int]] = set()
    for row_index, row in enumerate(page.rows):
        column = 0
        for cell in row:
            while (row_index, column) in covered:
                column += 1
            yield Placement(row_index, column, cell)
            covered.update(
                (row_index + down, column + across) for down in range(cell.rowspan) for across in range(cell.colspan)
            )
            column += cell.colspan
        filled = {c for r, c in covered if r == row_index}
        if filled != set(range(width)):
            raise ValueError(f"row {row_index} of {page.title} covers columns {sorted(filled)} of {width}")
