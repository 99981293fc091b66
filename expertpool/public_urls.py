"""Pages anyone may read without logging in: public notices and the public directory."""

from expertpool.applications import urls_public as notice_urls
from expertpool.experts import urls_public as directory_urls

app_name = "public"
urlpatterns = [*notice_urls.urlpatterns, *directory_urls.urlpatterns]
