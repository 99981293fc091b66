"""Settings for the expert-pool platform.

Everything is driven by environment variables with working defaults, so a fresh
checkout runs with no configuration at all (SQLite, local files, console mail).
Production sets at least SECRET_KEY, DEBUG=0, ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict[str, object]:
    """Translate DATABASE_URL (sqlite:///path or postgres://user:pw@host:port/name)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path or sqlite:////absolute/path, as SQLAlchemy spells them.
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": url.split(":///", 1)[1] or ":memory:"}
    if parsed.scheme in {"postgres", "postgresql"}:
        # A socket directory may be given as ?host=/path, as libpq does.
        query = dict(part.split("=", 1) for part in parsed.query.split("&") if "=" in part)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": unquote(query.get("host", parsed.hostname or "")),
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": 60,
        }
    raise ValueError(f"Unsupported DATABASE_URL scheme: {parsed.scheme!r}")


DEBUG = env_bool("DEBUG", default=True)
# The default key only ever serves a local demo; production must set SECRET_KEY.
SECRET_KEY = env_str("SECRET_KEY", "insecure-local-demo-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off.")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_tasks",
    # The queue for TASKS_BACKEND=django_tasks_db.DatabaseBackend (a worker runs it).
    "django_tasks_db",
    "csp",
    "expertpool.core",
    "expertpool.accounts",
    "expertpool.audit",
    "expertpool.industries",
    "expertpool.organisations",
    "expertpool.pools",
    "expertpool.experts",
    "expertpool.eligibility",
    "expertpool.applications",
    "expertpool.activities",
    "expertpool.draws",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "expertpool.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "expertpool.urls"
WSGI_APPLICATION = "expertpool.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "expertpool" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "expertpool.core.context_processors.navigation",
            ],
        },
    },
]

# Local state of the embedded default (database, uploads) lives in var/, outside version control.
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": database_from_url(env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "console:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first; English through Django's i18n.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# WhiteNoise warns on every request when its root is missing, even while DEBUG serves from the finders.
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Mail: printed on the console by default; EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
# writes each message to a file in EMAIL_FILE_PATH; production sends through SMTP
# (django.core.mail.backends.smtp.EmailBackend and the EMAIL_HOST… settings).
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@expertpool.local")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise RuntimeError("Set EMAIL_USE_TLS (STARTTLS, usually port 587) or EMAIL_USE_SSL (port 465), not both.")
# A mail server that does not answer must not hold a request for ever.
EMAIL_TIMEOUT = int(env_str("EMAIL_TIMEOUT", "10"))
# Text messages (invitations to drawn experts): printed on the console by default;
# a gateway is a class with send_messages, named here (expertpool/core/sms.py).
SMS_BACKEND = env_str("SMS_BACKEND", "expertpool.core.sms.ConsoleBackend")

TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")}}

REST_FRAMEWORK = {
    # Token first, so that an unauthenticated request gets 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Expert-pool platform API",
    "DESCRIPTION": "Pools, policies, experts and the eligibility engine. Field names follow the glossary.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the app itself: government intranets are offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: nothing may be fetched from outside.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Fields named alike ("level", "kind") carry different choice sets; name each set once.
    "ENUM_NAME_OVERRIDES": {
        "TitleLevelEnum": "expertpool.experts.models.TITLE_LEVEL_CHOICES",
        "IndustryCodeLevelEnum": "expertpool.industries.models.Level",
        "CredentialKindEnum": "expertpool.experts.models.CredentialKind",
        "AchievementKindEnum": "expertpool.experts.models.AchievementKind",
        "ActivityStatusEnum": "expertpool.activities.models.Activity.Status",
        "PanelSeatStatusEnum": "expertpool.draws.models.PanelSeat.Status",
        "DeclineReasonEnum": "expertpool.draws.models.PanelSeat.DeclineReason",
        "MembershipStatusEnum": "expertpool.experts.models.MembershipStatus",
    },
}

# Every asset comes from this origin; nothing is loaded from a CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'self'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "SAMEORIGIN"

# Keys the personal-data blind index (ID numbers) so that uniqueness survives
# encryption at rest; change it only with a re-index.
PERSONAL_DATA_INDEX_KEY = env_str("PERSONAL_DATA_INDEX_KEY", SECRET_KEY)
# Keys the audit chain's hashes; keep it outside the database and never change it,
# or every existing record stops verifying.
AUDIT_CHAIN_KEY = env_str("AUDIT_CHAIN_KEY", SECRET_KEY)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-tasks logs each task's start and end; with every mail a task that is noise.
    # Failures (ERROR, with the traceback) still show; the scheduler logs its own work.
    "loggers": {"django_tasks": {"level": "WARNING"}},
}
