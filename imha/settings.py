"""Settings for imha.

Everything that differs between a laptop demo and production comes from environment
variables. The defaults are chosen so that `make run` works with no configuration at all,
and so that a production deployment that forgets a variable fails `check --deploy` loudly
rather than running insecurely.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return int(raw)


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# The demo key is public (it is in the source), so the `imha.core` deploy check refuses it
# whenever DEBUG is off. It exists only so the demo starts with no configuration.
DEMO_SECRET_KEY = "imha-demo-only-insecure-key-never-use-in-production-0000000000"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY") or DEMO_SECRET_KEY
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "imha.core",
    "imha.accounts",
    "imha.hospitals",
    "imha.resources",
    "imha.audit",
    "imha.referrals",
    "imha.cases",
    "imha.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Listed after SessionMiddleware so it runs first on the way out, before the save.
    "imha.core.middleware.SlidingSessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "imha.accounts.middleware.KeptSqlOTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "imha.core.middleware.NoStoreForStaffMiddleware",
]

ROOT_URLCONF = "imha.urls"
WSGI_APPLICATION = "imha.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "imha.core.context_processors.service",
                "imha.core.context_processors.staff_navigation",
            ],
        },
    },
]

# SQLite is the embedded default so the demo needs no server; production sets DATABASE_URL
# to PostgreSQL. conn_max_age keeps connections between requests under gunicorn.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# One index carries INCLUDE columns so PostgreSQL, the production database, can answer the
# quarterly return's activity counts from the index alone; SQLite ignores them by design.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_USER_MODEL = "accounts.User"
# ModelBackend, reading the signed-in person with kept SQL (imha.accounts.backends). Django's
# own ModelBackend is not listed as well: a session names the backend that signed it in, so
# people signed in before this change sign in again once, but with both listed every wrong
# password would be hashed twice.
AUTHENTICATION_BACKENDS = ["imha.accounts.backends.KeptSqlModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "resources:home"

# Argon2 is not in the pinned dependencies; PBKDF2 with Django's current iteration count is
# the documented default and is adequate for staff accounts that also require TOTP.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in throttling: this many failures for one username, or from one address, within the
# window locks further attempts until the window has passed.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

# Sessions end after inactivity, so an unattended screen on a ward signs itself out. Use
# pushes the expiry forward, at most once a minute (imha.core.middleware.SlidingSession...).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_RENEW_INTERVAL_SECONDS = 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict policy: no inline script or style anywhere, so templates load everything from
# our own static files. The QR code for MFA enrolment is an inline SVG element, which needs
# no style-src relaxation because it uses presentation attributes only.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Manifest storage needs `collectstatic`; production runs it at deploy time, while the demo
# and the test suite serve files straight from the source folders.
USE_MANIFEST_STATIC = env_bool("USE_MANIFEST_STATIC", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if USE_MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Django 6.1 configures outgoing mail through MAILERS. SMTP options are only passed to the SMTP
# backend, because the console and locmem backends refuse options they do not know.
_mail_backend = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_mail_options: dict[str, object] = {}
if _mail_backend.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 25),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", False),
        "timeout": env_int("EMAIL_TIMEOUT_SECONDS", 20),
    }
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@imha.example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def cache_from_url(url: str) -> dict[str, object]:
    """CACHES["default"] from CACHE_URL.

    Unset means memory inside each process: right for the demo and the tests, but each
    gunicorn worker then keeps its own copy. Production sets redis://host:6379/0 (shared by
    every worker and machine) or file:///var/cache/imha (shared by the workers of one machine).
    """
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    parsed = urlparse(url)
    if parsed.scheme in {"redis", "rediss"}:
        return {"BACKEND": "imha.core.cache.SharedClientRedisCache", "LOCATION": url}
    if parsed.scheme == "file" and parsed.path:
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parsed.path,
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must start redis://, rediss:// or file:///, not {parsed.scheme or url!r}."
    )


CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", "").strip())}


def session_engine_for(cache: dict[str, object]) -> str:
    """Where sessions live, given the default cache.

    Every signed-in request reads its session. When Redis is the cache, every worker on every
    machine sees the same copy, so sessions are read from it first and each page saves a
    database round trip; the database stays the record, so emptying the cache signs nobody
    out. A memory or file cache is not shared between machines (memory not even between
    workers): a sign-out handled by one would leave the others holding the old session, so
    those keep sessions in the database alone.
    """
    if cache["BACKEND"] == "imha.core.cache.SharedClientRedisCache":
        return "django.contrib.sessions.backends.cached_db"
    return "django.contrib.sessions.backends.db"


SESSION_ENGINE = session_engine_for(CACHES["default"])

# Background work. The database backend means the demo needs no extra server; a worker
# (`manage.py db_worker`) runs the queue in production and can be started on more machines.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# What the public site says about the service. Every value here is a setting, not text in a
# template, because each commissioned provider runs its own copy. The defaults are plainly
# fictional: 01632 960xxx is set aside by Ofcom for drama, and example.org is reserved.
IMHA_SERVICE = {
    "name": os.environ.get("IMHA_SERVICE_NAME", "Exampleshire IMHA Service"),
    "provider": os.environ.get("IMHA_PROVIDER", "Exampleshire Advocacy (a fictional charity)"),
    "area": os.environ.get("IMHA_AREA", "Exampleshire"),
    "phone": os.environ.get("IMHA_PHONE", "01632 960 000"),
    "textphone": os.environ.get("IMHA_TEXTPHONE", "01632 960 001"),
    "email": os.environ.get("IMHA_EMAIL", "referrals@imha.example.org"),
    "secure_email": os.environ.get("IMHA_SECURE_EMAIL", "imha.referrals@nhs.example.net"),
    "address": os.environ.get(
        "IMHA_ADDRESS", "Unit 0, Imaginary Business Park, Exampletown, EX0 0AA"
    ),
    "opening_hours": os.environ.get("IMHA_OPENING_HOURS", "Monday to Friday, 9am to 5pm"),
    "response_working_days": env_int("IMHA_RESPONSE_WORKING_DAYS", 3),
    "jurisdiction": os.environ.get("IMHA_JURISDICTION", "england"),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Shown in the person's authenticator app next to the six-digit code.
OTP_TOTP_ISSUER = IMHA_SERVICE["name"]

# Public referrals accepted from one network address in an hour. Generous, because a whole
# NHS trust can reach us through one address; the honeypot field stops most robots.
IMHA_PUBLIC_REFERRALS_PER_HOUR = env_int("IMHA_PUBLIC_REFERRALS_PER_HOUR", 20)

# The public address of this service, for links in emails (alerts to managers, for example).
IMHA_SITE_URL = os.environ.get("IMHA_SITE_URL", "http://127.0.0.1:8000")
# Upload limits: leaflets on the public library, and letters or forms attached to cases.
IMHA_LIBRARY_MAX_UPLOAD_BYTES = env_int("IMHA_LIBRARY_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
IMHA_CASE_MAX_ATTACHMENT_BYTES = env_int("IMHA_CASE_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# How long a closed case's personal details are kept before `apply_retention` anonymises
# them. Six years after the work ends is common for advocacy records; set your own policy.
IMHA_CASE_RETENTION_DAYS = env_int("IMHA_CASE_RETENTION_DAYS", 6 * 365)

# Busy staff list pages are kept, finished, in the default cache until the data behind them
# changes, and never longer than this many seconds; 0 turns it off. See imha.core.kept_pages
# for what makes a kept page stale, and why the limit is short.
KEPT_PAGE_SECONDS = env_int("KEPT_PAGE_SECONDS", 60)
