from django.urls import path

from expertpool.pools import api

urlpatterns = [
    path("pools/", api.PoolListView.as_view(), name="api-pools"),
    path("pools/<slug:slug>/", api.PoolDetailView.as_view(), name="api-pool"),
]
