"""Directed selection routes, as three lists for the namespaces that mount them:
``client_patterns`` ("client", under /client/), ``console_patterns`` ("console",
under /console/) and ``api_patterns`` (under /api/)."""

from django.urls import URLPattern, path

from expertpool.activities import api_directed as api
from expertpool.activities import views_directed as views

client_patterns: list[URLPattern] = [
    path("activities/<int:activity_id>/directed/", views.directed_client_list, name="directed_list"),
    path("activities/<int:activity_id>/directed/new/", views.directed_request, name="directed_request"),
    path(
        "activities/<int:activity_id>/directed/<int:directed_id>/letter/",
        views.directed_client_letter,
        name="directed_letter",
    ),
]

console_patterns: list[URLPattern] = [
    path("<slug:pool_slug>/directed/", views.directed_console_list, name="directed_list"),
    path("<slug:pool_slug>/directed/<int:directed_id>/", views.directed_detail, name="directed_detail"),
    path("<slug:pool_slug>/directed/<int:directed_id>/decide/", views.directed_decide, name="directed_decide"),
    path("<slug:pool_slug>/directed/<int:directed_id>/letter/", views.directed_console_letter, name="directed_letter"),
]

api_patterns: list[URLPattern] = [
    path(
        "activities/<int:activity_id>/directed-selections",
        api.ActivityDirectedSelectionsView.as_view(),
        name="api-activity-directed-selections",
    ),
    path(
        "directed-selections/<int:directed_id>/approve",
        api.DirectedSelectionApproveView.as_view(),
        name="api-directed-selection-approve",
    ),
    path(
        "directed-selections/<int:directed_id>/refuse",
        api.DirectedSelectionRefuseView.as_view(),
        name="api-directed-selection-refuse",
    ),
    path(
        "pools/<slug:slug>/directed-selections",
        api.PoolDirectedSelectionsView.as_view(),
        name="api-pool-directed-selections",
    ),
]
