"""The printable application form of each pool (GZ 附件, UR 附件1、附件2).

The form is built once as data (``layout.Form``: pages of rows and cells, in the
source's order) and rendered twice: as .docx (``docx.render_docx``) and as PDF
(``pdf.render_pdf``). See docs/printing.md.
"""
