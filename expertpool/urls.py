from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

api_patterns = [
    path("", include("expertpool.pools.api_urls")),
    path("", include("expertpool.experts.api_urls")),
    path("", include("expertpool.eligibility.api_urls")),
    path("", include("expertpool.industries.api_urls")),
    path("", include("expertpool.accounts.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="schema"), name="api-redoc"),
]

urlpatterns = [
    path("", include("expertpool.core.urls")),
    path("accounts/", include("expertpool.accounts.urls")),
    path("console/", include("expertpool.console_urls")),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
