"""The pool staff's console: one namespace, each app contributing its pages."""

from django.urls import include, path

from expertpool.activities import urls_directed
from expertpool.applications import urls_review
from expertpool.core import views as core_views
from expertpool.draws import urls_console as draws_urls
from expertpool.experts import views as expert_views
from expertpool.experts import views_io as expert_io_views

app_name = "console"
urlpatterns = [
    path("", core_views.console_home, name="home"),
    path("<slug:pool_slug>/", core_views.pool_home, name="pool_home"),
    path("<slug:pool_slug>/experts/", expert_views.expert_list, name="expert_list"),
    path("<slug:pool_slug>/experts/import/", expert_io_views.expert_import, name="expert_import"),
    path(
        "<slug:pool_slug>/experts/import-template.xlsx",
        expert_io_views.expert_import_template,
        name="expert_import_template",
    ),
    path("<slug:pool_slug>/experts/export.xlsx", expert_io_views.expert_export, name="expert_export"),
    path("<slug:pool_slug>/experts/<int:expert_id>/", expert_views.expert_detail, name="expert_detail"),
    path(
        "<slug:pool_slug>/experts/<int:expert_id>/attachments/<int:attachment_id>/",
        expert_views.attachment_download,
        name="attachment_download",
    ),
    path("<slug:pool_slug>/eligibility/", include("expertpool.eligibility.console_urls")),
    # Qualification review, meetings, the proposed list, notices and objections.
    *urls_review.urlpatterns,
    # Activities and their draws, the supervisor's list of draws (draws/urls_console.py).
    *draws_urls.urlpatterns,
    # Directed selections: experts from outside the pool (activities/views_directed.py).
    *urls_directed.console_patterns,
]
