from django.urls import path

from expertpool.experts import views_public

urlpatterns = [
    path("<slug:pool_slug>/directory/", views_public.directory, name="directory"),
]
