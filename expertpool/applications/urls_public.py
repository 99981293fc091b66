from django.urls import path

from expertpool.applications import views_public

urlpatterns = [
    path("", views_public.index, name="index"),
    path("<slug:pool_slug>/notices/", views_public.notice_list, name="notice_list"),
    path("<slug:pool_slug>/notices/<int:pk>/", views_public.notice_detail, name="notice_detail"),
    path("<slug:pool_slug>/notices/<int:pk>/thanks/", views_public.objection_thanks, name="objection_thanks"),
]
