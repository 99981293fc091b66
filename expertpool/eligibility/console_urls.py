"""The eligibility page of the console; included under ``<pool_slug>/eligibility/`` in the console namespace."""

from django.urls import path

from expertpool.eligibility import views

urlpatterns = [
    path("", views.check, name="eligibility_check"),
]
