from django.urls import path

from expertpool.core import views

urlpatterns = [
    path("", views.home, name="home"),
]
