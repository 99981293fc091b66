"""The applicant's pages under ``/apply/``: my applications, the form, uploads and the status page."""

from django.urls import URLPattern, path

from expertpool.applications import views_applicant as views

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("start/<slug:pool_slug>/", views.start, name="start"),
    path("industry-codes/search/", views.industry_code_search_view, name="industry_code_search"),
    path("industry-codes/chosen/", views.industry_picker, name="industry_picker"),
    path("<int:pk>/", views.status, name="status"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/form/", views.application_form, name="form"),
    path("<int:pk>/form/draft/", views.draft, name="draft"),
    path("<int:pk>/form/session/", views.session, name="session"),
    path("<int:pk>/form/eligibility/", views.eligibility, name="eligibility"),
    path("<int:pk>/form/categories/", views.categories, name="categories"),
    path("<int:pk>/form/rows/<slug:group>/", views.row, name="row"),
    path("<int:pk>/photo/", views.photo, name="photo"),
    path("<int:pk>/photo/upload/", views.photo_upload, name="photo_upload"),
    path("<int:pk>/attachments/upload/<slug:kind>/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
