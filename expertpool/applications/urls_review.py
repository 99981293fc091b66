"""The reviewers' console, mounted in the ``console`` namespace."""

from django.urls import path

from expertpool.applications import views_review as views

urlpatterns = [
    path("<slug:pool_slug>/applications/", views.application_list_view, name="application_list"),
    path("<slug:pool_slug>/applications/proposed/", views.proposed_list, name="proposed_list"),
    path("<slug:pool_slug>/applications/<int:pk>/", views.application_review, name="application_review"),
    path("<slug:pool_slug>/meetings/", views.meeting_list_view, name="meeting_list"),
    path("<slug:pool_slug>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<slug:pool_slug>/meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("<slug:pool_slug>/notices/", views.notice_list_view, name="notice_list"),
    path("<slug:pool_slug>/notices/admit/", views.notices_admit, name="notices_admit"),
    path("<slug:pool_slug>/notices/<int:pk>/", views.notice_detail, name="notice_detail"),
    path(
        "<slug:pool_slug>/notices/<int:pk>/objections/<int:objection_id>/resolve/",
        views.objection_resolve,
        name="objection_resolve",
    ),
]
