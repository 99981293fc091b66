from django.urls import path

from expertpool.experts import api, api_public

urlpatterns = [
    path("pools/<slug:slug>/experts/", api.PoolExpertListView.as_view(), name="api-pool-experts"),
    path("pools/<slug:slug>/experts/<int:expert_id>/", api.PoolExpertDetailView.as_view(), name="api-pool-expert"),
    path(
        "pools/<slug:slug>/experts/<int:expert_id>/contact",
        api.PoolExpertContactView.as_view(),
        name="api-pool-expert-contact",
    ),
    path(
        "public/pools/<slug:slug>/directory/",
        api_public.PublicDirectoryView.as_view(),
        name="api-public-directory",
    ),
]
