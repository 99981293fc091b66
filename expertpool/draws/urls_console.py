"""The pool staff's activity and draw pages, mounted in the ``console`` namespace."""

from django.urls import path

from expertpool.activities import views_console as activity_views
from expertpool.draws import views

urlpatterns = [
    path("<slug:pool_slug>/activities/", activity_views.activity_list, name="activity_list"),
    path("<slug:pool_slug>/activities/<int:activity_id>/", activity_views.activity_detail, name="activity_detail"),
    path(
        "<slug:pool_slug>/activities/<int:activity_id>/approve-panel-size/",
        activity_views.activity_approve_panel_size_view,
        name="activity_approve_panel_size",
    ),
    path("<slug:pool_slug>/activities/<int:activity_id>/draw/", views.draw_page, name="draw_page"),
    path("<slug:pool_slug>/draws/", views.draw_list_view, name="draw_list"),
    path("<slug:pool_slug>/draws/<int:draw_id>/reveal/", views.draw_reveal_view, name="draw_reveal"),
    path("<slug:pool_slug>/draws/<int:draw_id>/record.json", views.draw_record_json, name="draw_record_json"),
    path("<slug:pool_slug>/draws/<int:draw_id>/sheet.pdf", views.draw_sheet_pdf, name="draw_sheet_pdf"),
]
