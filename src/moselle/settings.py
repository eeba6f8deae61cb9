"""Moselle settings. Every value comes from the environment through ``moselle.env``.

With no variable set, a fresh clone runs on a SQLite file under ``var/`` with the
console e-mail backend; ``DATABASE_URL`` switches to PostgreSQL.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from moselle.env import (
    database_from_url,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    sqlite_database,
)

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("MOSELLE_VAR_DIR", str(PROJECT_DIR / "var")))
TESTING = "pytest" in sys.modules or env_bool("MOSELLE_TESTING", False)

DEBUG = env_bool("MOSELLE_DEBUG", False)
_DEV_SECRET = "moselle-development-secret-not-for-production-use-0123456789"
SECRET_KEY = env_str("MOSELLE_SECRET_KEY", _DEV_SECRET)
ALLOWED_HOSTS = env_list("MOSELLE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("MOSELLE_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("MOSELLE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SECURE_COOKIES = env_bool("MOSELLE_SECURE_COOKIES", False)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "moselle.core",
    "moselle.accounts",
    "moselle.organisations",
    "moselle.assessments",
    "moselle.catalogue",
    "moselle.matching",
    "moselle.journeys",
    "moselle.reporting",
    "moselle.events",
    "moselle.funding",
    "moselle.network",
    "moselle.skills",
    "moselle.pilots",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "moselle.accounts.middleware.UserLanguageMiddleware",
    "moselle.accounts.middleware.StaffMfaMiddleware",
    "moselle.core.middleware.ApiMethodNotAllowedMiddleware",
]

ROOT_URLCONF = "moselle.urls"
WSGI_APPLICATION = "moselle.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "moselle.core.context_processors.platform",
            ],
        },
    },
    {
        # The plain-text e-mails (``core.mail``): the same templates, nothing HTML-escaped ("L'IA", not "L&#x27;IA").
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": database_from_url(_database_url)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": sqlite_database(VAR_DIR / "moselle.sqlite3")}
if TESTING and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The test database is thrown away: no journal on disk, no waiting for the disk.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# allauth: e-mail is the identity; verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_ADAPTER = "moselle.accounts.adapter.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "moselle.accounts.forms.SignupForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Moselle] "
ACCOUNT_LOGOUT_ON_GET = False
# Log-ins a minute from one address (allauth's "login" limit; its other limits keep their defaults). A hub
# that trains many people behind one address, or a browser test suite, raises it.
LOGIN_RATE_LIMIT = env_int("MOSELLE_LOGIN_RATE_LIMIT", 30, minimum=1)
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else {"login": f"{LOGIN_RATE_LIMIT}/m/ip"}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Moselle"
MOSELLE_REQUIRE_STAFF_MFA = env_bool("MOSELLE_REQUIRE_STAFF_MFA", True)
# The Commission's layouts (services delivered, DMA results): only EDIHs report to the Commission's tools.
MOSELLE_COMMISSION_LAYOUTS = env_bool("MOSELLE_COMMISSION_LAYOUTS", True)
MOSELLE_COMMISSION_ECOSYSTEM_LABEL = env_str(
    "MOSELLE_COMMISSION_ECOSYSTEM_LABEL", "Innovation ecosystem and networking"
)

_email_backend = env_choice("MOSELLE_EMAIL_BACKEND", "console", ("console", "smtp", "locmem"))
EMAIL_BACKEND = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}[_email_backend]
EMAIL_HOST = env_str("MOSELLE_SMTP_HOST", "localhost")
EMAIL_PORT = env_int("MOSELLE_SMTP_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("MOSELLE_SMTP_USER", "")
EMAIL_HOST_PASSWORD = env_str("MOSELLE_SMTP_PASSWORD", "")
EMAIL_USE_TLS = env_bool("MOSELLE_SMTP_STARTTLS", False)
DEFAULT_FROM_EMAIL = env_str("MOSELLE_FROM_EMAIL", "Moselle <noreply@moselle.invalid>")

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["moselle.formats"]
TIME_ZONE = env_str("MOSELLE_TIME_ZONE", "Europe/Luxembourg")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
if TESTING:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise looks for it even when it serves from the finders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING
# Uploads live outside any web root and are served only through access helpers.
MEDIA_ROOT = Path(env_str("MOSELLE_UPLOAD_DIR", str(VAR_DIR / "uploads")))
MEDIA_URL = None
MOSELLE_UPLOAD_MAX_BYTES = env_int("MOSELLE_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MOSELLE_UPLOAD_MAX_BYTES + 1024 * 1024
# Which definition of a small mid-cap the size class uses (thresholds in organisations/data/size_definitions.json):
# the Digital Europe work programme's "not an SME, fewer than 500 staff", or the Commission's May 2025 proposal.
MOSELLE_SMALL_MIDCAP_DEFINITION = env_choice(
    "MOSELLE_SMALL_MIDCAP_DEFINITION", "digital-europe-wp", ("digital-europe-wp", "eu-2025-recommendation")
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

MOSELLE_SIGNED_LINK_DAYS = env_int("MOSELLE_SIGNED_LINK_DAYS", 14, minimum=1, maximum=365)
MOSELLE_DEMO = env_bool("MOSELLE_DEMO", False)
# Hours after an event's last session before those who attended get the survey (run by ``tick``).
MOSELLE_EVENT_SURVEY_AFTER_HOURS = env_int("MOSELLE_EVENT_SURVEY_AFTER_HOURS", 2, minimum=0, maximum=24 * 14)
# Attendees' personal data (name, e-mail, answers, survey comments) is purged this many days after the event
# ends; the counts, attendance and organisation stay for the figures.
MOSELLE_EVENT_RETENTION_DAYS = env_int("MOSELLE_EVENT_RETENTION_DAYS", 365, minimum=1, maximum=3650)

# Federation with other Moselle instances (network/federation): messages go over HTTPS only; plain http is for
# the loopback test. A signed message older or newer than the skew allowance is refused; an undelivered message
# is retried after the base delay, doubled at every attempt (at most six hours apart).
MOSELLE_FEDERATION_ALLOW_HTTP = env_bool("MOSELLE_FEDERATION_ALLOW_HTTP", False)
MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS = env_int("MOSELLE_FEDERATION_CLOCK_SKEW_SECONDS", 300, minimum=5, maximum=3600)
MOSELLE_FEDERATION_RETRY_BASE_SECONDS = env_int("MOSELLE_FEDERATION_RETRY_BASE_SECONDS", 60, minimum=1, maximum=3600)
MOSELLE_FEDERATION_MAX_BODY = env_int("MOSELLE_FEDERATION_MAX_BODY", 1_000_000, minimum=10_000, maximum=20_000_000)
MOSELLE_FEDERATION_INVITATION_HOURS = env_int("MOSELLE_FEDERATION_INVITATION_HOURS", 48, minimum=1, maximum=24 * 30)
MOSELLE_FEDERATION_TIMEOUT_SECONDS = env_int("MOSELLE_FEDERATION_TIMEOUT_SECONDS", 10, minimum=1, maximum=120)

_task_backend = env_choice("MOSELLE_TASK_BACKEND", "immediate" if TESTING else "database", ("immediate", "database"))
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if _task_backend == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

# One cache shared by every web worker (log-in rate limits count across workers); the table is
# created by a migration of the core app.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING
        else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "moselle_cache"}
    )
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {
        "handlers": ["console"],
        "level": env_choice("MOSELLE_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
    },
    "loggers": {"django.request": {"level": "ERROR"}},
}

# How the Open DMA scores an invested/planned table and the SME's negative item (docs/assessments.md):
# the official method is not published. A stored result names the rule it used; changing these
# re-scores nothing silently.
MOSELLE_DMA_DUAL_RULE = env_choice("MOSELLE_DMA_DUAL_RULE", "A", ("A", "B", "C", "D"))
MOSELLE_DMA_NEGATIVE_RULE = env_choice("MOSELLE_DMA_NEGATIVE_RULE", "exclude", ("exclude", "penalty", "count"))
