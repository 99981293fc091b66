from django.urls import path

from expertpool.activities import api

urlpatterns = [
    path("pools/<slug:slug>/activities", api.PoolActivityListView.as_view(), name="api-pool-activities"),
    path("activities/<int:pk>", api.ActivityDetailView.as_view(), name="api-activity"),
    path(
        "activities/<int:pk>/approve-panel-size",
        api.ActivityApprovePanelSizeView.as_view(),
        name="api-activity-approve-panel-size",
    ),
    path("activities/<int:pk>/attendance", api.ActivityAttendanceView.as_view(), name="api-activity-attendance"),
]
