"""The printable application form (/apply/…): filled for the people concerned, blank for anyone."""

from django.urls import URLPattern, path

from expertpool.applications import views_printing

urlpatterns: list[URLPattern] = [
    path("<int:pk>/print.docx", views_printing.print_docx, name="print_docx"),
    path("<int:pk>/print.pdf", views_printing.print_pdf, name="print_pdf"),
    path("form/<slug:pool_slug>/blank.docx", views_printing.blank_docx, name="blank_docx"),
    path("form/<slug:pool_slug>/blank.pdf", views_printing.blank_pdf, name="blank_pdf"),
]
