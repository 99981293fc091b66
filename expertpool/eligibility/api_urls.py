from django.urls import path

from expertpool.eligibility import api

urlpatterns = [
    path("pools/<slug:slug>/eligibility", api.EligibilityCheckView.as_view(), name="api-eligibility"),
    # The documented path has no trailing slash; the slashed spelling works too, off the schema.
    path("pools/<slug:slug>/eligibility/", api.EligibilityCheckView.as_view(schema=None)),
]
