from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("expertpool.pools.api_urls")),
    path("", include("expertpool.experts.api_urls")),
    path("", include("expertpool.eligibility.api_urls")),
    path("", include("expertpool.industries.api_urls")),
    path("", include("expertpool.accounts.api_urls")),
    path("", include("expertpool.draws.api_urls")),
    path("", include("expertpool.activities.api_urls")),
    path("", include("expertpool.activities.urls_directed_api")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: the CSP forbids inline scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", include("expertpool.core.urls")),
    path("accounts/", include("expertpool.accounts.urls")),
    path("console/", include("expertpool.console_urls")),
    path("client/", include("expertpool.client_urls")),
    path("apply/", include("expertpool.applications.urls")),
    path("invitations/", include("expertpool.draws.urls_invitations")),
    path("public/", include("expertpool.public_urls")),
    path("api/", include(api_patterns)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
