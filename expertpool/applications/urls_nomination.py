"""Unit nomination: the nominating unit's pages (``unit/``) and the invitee's link (``invitations/``)."""

from django.urls import URLPattern, path

from expertpool.applications import views_nomination

urlpatterns: list[URLPattern] = [
    path("unit/", views_nomination.unit_home, name="unit_home"),
    path("unit/<slug:pool_slug>/invite/", views_nomination.unit_invite, name="unit_invite"),
    path("unit/applications/<int:pk>/", views_nomination.unit_review, name="unit_review"),
    path("invitations/<str:token>/", views_nomination.invitation, name="invitation"),
]
