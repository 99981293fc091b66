"""Applicant-facing pages (``/apply/``); each part of the workflow keeps its own list."""

from expertpool.applications import urls_applicant, urls_nomination, urls_printing

app_name = "applications"
urlpatterns = [*urls_applicant.urlpatterns, *urls_printing.urlpatterns, *urls_nomination.urlpatterns]
