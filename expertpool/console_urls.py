"""The pool staff's console: one namespace, each app contributing its pages."""

from django.urls import path

from expertpool.core import views as core_views

app_name = "console"
urlpatterns = [
    path("", core_views.console_home, name="home"),
]
