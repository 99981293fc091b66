from django.urls import path

from expertpool.industries import api

urlpatterns = [
    path("industry-codes/", api.IndustryCodeListView.as_view(), name="api-industry-codes"),
    path("industry-codes/<str:code>/", api.IndustryCodeDetailView.as_view(), name="api-industry-code"),
]
