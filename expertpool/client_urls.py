"""The client unit's pages: one namespace, mounted at ``/client/``."""

from django.urls import URLPattern, URLResolver, path

from expertpool.activities import urls_directed, views_client

app_name = "client"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_client.client_home, name="home"),
    path("<slug:pool_slug>/activities/new/", views_client.client_activity_create, name="activity_create"),
    path("activities/<int:pk>/", views_client.client_activity_detail, name="activity_detail"),
    path("activities/<int:pk>/attendance/", views_client.client_attendance, name="attendance"),
    # Asking for an expert by name, with the written request (activities/views_directed.py).
    *urls_directed.client_patterns,
]
