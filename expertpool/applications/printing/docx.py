"""The printed form as a Word document (.docx), for applicants who fill in by hand or
edit before signing: A4, the source's table with its merged cells, the photo placed.

Chinese text is set in 宋体 through the East-Asian font slot (``w:eastAsia``); the
font table gives its English name SimSun and the GB2312 character set, so Word and
LibreOffice substitute a CJK serif where 宋体 is not installed.
"""

from __future__ import annotations

import io
import re
from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.oxml import serialize_part_xml
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from PIL import Image

from expertpool.applications.printing.layout import MIN_ROW_HEIGHT, Cell, Form, Page, Photo, placements

EAST_ASIAN_FONT = "宋体"
LATIN_FONT = "Times New Roman"
TEXT_WIDTH_MM = 170
# 1寸 photo: 25 × 35 mm.
PHOTO_BOX_MM = (25, 35)
# Characters XML 1.0 cannot hold; typed text may carry them from a pasted document.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def render_docx(form: Form) -> bytes:
    document = Document()
    _set_up(document, form.title)
    for index, page in enumerate(form.pages):
        _page(document, page, form.photo, new_page=index > 0)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document: Any, title: str) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(20), Mm(18)
    document.core_properties.title = title
    # Defaults for every run: explicit fonts instead of the template's theme fonts,
    # which would otherwise win over the East-Asian font.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    fonts.attrib.clear()
    for slot in ("ascii", "hAnsi", "cs"):
        fonts.set(qn(f"w:{slot}"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    defaults.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    _declare_font(document)


def _declare_font(document: Any) -> None:
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    table = parse_xml(part.blob)
    table.append(
        parse_xml(
            f'<w:font {nsdecls("w")} w:name="{EAST_ASIAN_FONT}"><w:altName w:val="SimSun"/>'
            '<w:panose1 w:val="02010600030101010101"/><w:charset w:val="86"/>'
            '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        )
    )
    # python-docx keeps the font table as a plain part: its bytes are all there is to edit.
    part._blob = serialize_part_xml(table)


def _page(document: Any, page: Page, photo: Photo | None, *, new_page: bool) -> None:
    paragraphs = [_paragraph(document, line, size=14, bold=True) for line in page.heading]
    paragraphs += [
        _paragraph(document, line, size=18, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER) for line in page.title
    ]
    paragraphs[0].paragraph_format.page_break_before = new_page
    paragraphs[-1].paragraph_format.space_after = Pt(10)
    if page.rows:
        _table(document, page, photo)
    for text in page.paragraphs:
        paragraph = _paragraph(document, text, size=12)
        paragraph.paragraph_format.first_line_indent = Pt(24)
        paragraph.paragraph_format.line_spacing = 1.5
    for line in page.signature:
        _paragraph(document, line, size=12, align=WD_ALIGN_PARAGRAPH.RIGHT).paragraph_format.space_before = Pt(12)
    for note in page.notes:
        _paragraph(document, note, size=9)


def _paragraph(
    document: Any, text: str, *, size: float, bold: bool = False, align: WD_ALIGN_PARAGRAPH | None = None
) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = align
    run = paragraph.add_run(NOT_XML.sub("", text))
    run.font.size = Pt(size)
    run.bold = bold
    return paragraph


def _table(document: Any, page: Page, photo: Photo | None) -> None:
    table = document.add_table(rows=len(page.rows), cols=len(page.columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * width / sum(page.columns)) for width in page.columns]
    # The grid's cells, taken once before merging: ``table.cell()`` walks the whole
    # table on every call. Merges only touch cells they cover, never a later one.
    grid = [list(row.cells) for row in table.rows]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row, cells in zip(table.rows, grid, strict=True):
        row.height, row.height_rule = Mm(MIN_ROW_HEIGHT), WD_ROW_HEIGHT_RULE.AT_LEAST
        for cell, width in zip(cells, widths, strict=True):
            cell.width = width
    for placed in placements(page):
        target = grid[placed.row][placed.column]
        if placed.cell.rowspan > 1 or placed.cell.colspan > 1:
            target = target.merge(grid[placed.row + placed.cell.rowspan - 1][placed.column + placed.cell.colspan - 1])
            target.width = sum(widths[placed.column : placed.column + placed.cell.colspan])
        _fill(target, placed.cell, photo)
        if placed.cell.height:
            table.rows[placed.row].height = Mm(placed.cell.height)


def _fill(target: Any, cell: Cell, photo: Photo | None) -> None:
    # Long text reads from the top, as on the source; short cells sit in the middle.
    target.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP if cell.height else WD_CELL_VERTICAL_ALIGNMENT.CENTER
    centred = cell.role in {"label", "photo"}
    first = target.paragraphs[0]
    if cell.role == "photo" and photo is not None:
        first.alignment = WD_ALIGN_PARAGRAPH.CENTER
        width, height = _photo_size(photo)
        first.add_run().add_picture(io.BytesIO(photo.data), width=width, height=height)
        return
    for index, line in enumerate(cell.lines):
        paragraph = first if index == 0 else target.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else None
        paragraph.add_run(NOT_XML.sub("", line))
    for index, line in enumerate(cell.signature):
        paragraph = first if not cell.lines and index == 0 else target.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_before = Pt(10)
        paragraph.add_run(line)


def _photo_size(photo: Photo) -> tuple[int, int]:
    """The photo scaled to fit the 1寸 box, keeping its proportions."""
    with Image.open(io.BytesIO(photo.data)) as image:
        width, height = image.size
    box_width, box_height = PHOTO_BOX_MM
    scale = min(box_width / width, box_height / height)
    return Mm(width * scale), Mm(height * scale)
