from django.urls import path

from expertpool.draws import api

urlpatterns = [
    path("draws/verify", api.DrawVerifyView.as_view(), name="api-draw-verify"),
]
