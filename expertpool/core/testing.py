"""Helpers shared by the test suites."""

from django.conf import settings
from django.test import Client


def english_client() -> Client:
    """A browser whose user switched to English (the platform ignores Accept-Language)."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
