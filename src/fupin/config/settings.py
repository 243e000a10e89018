"""Django settings for fupin. Everything that differs between machines comes from the
environment (DATABASE_URL, FUPIN_*); see docs/operator-guide.md for the full list."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from fupin.config.secrets import secret


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


PACKAGE_DIR = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("FUPIN_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("FUPIN_VAR", HOME / "var")).resolve()

DEBUG = env_bool("FUPIN_DEBUG", False)
# The demo switch: plain HTTP on loopback and no second factor. Never set it in production.
DEMO = env_bool("FUPIN_DEMO", False)

SECRET_KEY = secret(env="FUPIN_SECRET_KEY", path=VAR_DIR / "secret_key")
# Keys for personal data: AES-256-GCM field encryption and HMAC-SHA256 lookup hashes, each
# 32 random bytes as URL-safe base64 (secrets.token_urlsafe(32)). Losing FUPIN_FIELD_KEY loses
# every encrypted field: back var/field_key up, apart from the database.
FUPIN_FIELD_KEY = secret(env="FUPIN_FIELD_KEY", path=VAR_DIR / "field_key", nbytes=32)
FUPIN_LOOKUP_KEY = secret(env="FUPIN_LOOKUP_KEY", path=VAR_DIR / "lookup_key", nbytes=32)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("FUPIN_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("FUPIN_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "fupin.core",
    "fupin.regions",
    "fupin.accounts",
    "fupin.registry",
    "fupin.standards",
    "fupin.procedures",
    "fupin.monitoring",
    "fupin.reports",
    "fupin.assistance",
    "fupin.public",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "fupin.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "fupin.accounts.middleware.SecondFactorMiddleware",
    "fupin.core.middleware.CurrentRegionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so that it sees the outcome of the login view (and lockouts).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fupin.config.urls"
WSGI_APPLICATION = "fupin.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "fupin.core.context_processors.shell",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fupin.sqlite3'}",
        conn_max_age=env_int("FUPIN_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker write while pages read; IMMEDIATE avoids lock upgrades that
        # fail with "database is locked" under concurrent writers.
        # A 128 MB page cache and memory-mapped reads: the default 2 MB cache makes index
        # upkeep on a county of a million persons spill to disk at every insert.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000; "
            "PRAGMA foreign_keys=ON; PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY; "
            "PRAGMA mmap_size=1073741824;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- authentication and security ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

AXES_FAILURE_LIMIT = env_int("FUPIN_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("FUPIN_LOCKOUT_MINUTES", 15))
# Locked per account: county offices share one address behind NAT, so locking by address
# would lock a whole office out after a few typos (docs/decisions/0004-security-baseline.md).
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

# Roles that must pass a TOTP second factor (accounts.roles.OTP_REQUIRED_ROLES).
FUPIN_OTP_REQUIRED = env_bool("FUPIN_OTP_REQUIRED", not DEMO)
OTP_TOTP_ISSUER = "fupin 扶贫"

SECURE_COOKIES = env_bool("FUPIN_SECURE_COOKIES", not (DEBUG or DEMO))
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
LANGUAGE_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("FUPIN_SESSION_HOURS", 12) * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if SECURE_COOKIES:
    SECURE_HSTS_SECONDS = env_int("FUPIN_HSTS_SECONDS", 0)
    SECURE_PROXY_SSL_HEADER = (
        ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("FUPIN_BEHIND_PROXY", False) else None
    )
# Only behind a proxy we run do we believe X-Forwarded-For for the audit log's IP address.
FUPIN_TRUST_X_FORWARDED_FOR = env_bool("FUPIN_BEHIND_PROXY", False)
# Objections to a notice from the public page: at most this many per sender address an hour.
FUPIN_OBJECTIONS_PER_HOUR = env_int("FUPIN_OBJECTIONS_PER_HOUR", 5)
# Self-applications for monitoring from the public page: at most this many per address an hour.
FUPIN_APPLICATIONS_PER_HOUR = env_int("FUPIN_APPLICATIONS_PER_HOUR", 5)
# The first year the analytics tables hold (registration began in 2014).
FUPIN_ANALYTICS_FIRST_YEAR = env_int("FUPIN_ANALYTICS_FIRST_YEAR", 2014)
# PostgreSQL memory per sort or hash in an analytics rebuild, and for building the indexes
# again after a first load (a province needs more).
FUPIN_PG_WORK_MEM = os.environ.get("FUPIN_PG_WORK_MEM", "256MB")
# An import that adds at least this many persons, and at least as many as the registry
# already holds (a county's first load), drops the registry tables' indexes and foreign keys
# on PostgreSQL and builds them again at the end, as PostgreSQL advises for populating a
# database: the tables are locked for the import's length. 0: never.
FUPIN_IMPORT_FIRST_LOAD_PERSONS = env_int("FUPIN_IMPORT_FIRST_LOAD_PERSONS", 100_000)
# The font embedded in printable notices ("path#index" for a collection); default: Debian's
# Noto Sans CJK, found by fupin.public.pdf.
FUPIN_PDF_FONT = os.environ.get("FUPIN_PDF_FONT", "")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # ECharts sets inline style attributes on the chart elements it creates.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [HOME / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- static files: served by the app itself, never from a CDN ------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "fupin.core.finders.VendorFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "fupin.core.storage.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
FUPIN_EXPORT_DIR = VAR_DIR / "exports"
FUPIN_VAR_DIR = VAR_DIR

# --- API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fupin.core.api_base.IsVerifiedUser"],
    "DEFAULT_PAGINATION_CLASS": "fupin.core.api_base.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "fupin.core.api_base.exception_handler",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fupin API",
    "DESCRIPTION": (
        "扶贫 — 农户信息、标准、程序与防返贫监测系统的接口。所有数据按用户的行政区划范围过滤。"
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- background work ----------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("FUPIN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FUPIN_LOG_LEVEL", "WARNING")},
    "loggers": {"fupin": {"level": os.environ.get("FUPIN_LOG_LEVEL", "INFO")}},
}
