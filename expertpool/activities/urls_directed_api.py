"""Mounts ``urls_directed.api_patterns`` under /api/ by module name."""

from expertpool.activities.urls_directed import api_patterns

urlpatterns = api_patterns
