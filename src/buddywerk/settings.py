"""Buddywerk settings: one module, driven by environment variables.

The defaults run the demo on SQLite under `var/`; production sets DATABASE_URL,
SECRET_KEY, ALLOWED_HOSTS, EMAIL_URL and friends (see README.md).
"""

import logging
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from buddywerk.common.email_url import mailers_from_url
from buddywerk.common.env import env
from buddywerk.common.logs import logging_config

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(env("BUDDYWERK_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = BASE_DIR / "data"


def _secret_key() -> str:
    """SECRET_KEY from the environment, or one generated once and kept under var/."""
    key = env("SECRET_KEY", "")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS", [])
# The demo database is the only one on which demo-only conveniences may run.
DEMO_DATABASE_NAME = "demo.sqlite3"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Dutch full-text search of the practice database on PostgreSQL (network app).
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    # Before django_tasks_db: its `db_worker` command is replaced by common's, which waits
    # out a database outage (the first app that has a command name wins).
    "buddywerk.common",
    "django_tasks_db",
    "bootstrap",
    # django-ninja serves the API docs page (Swagger UI) from its static files, no CDN.
    "ninja",
    "buddywerk.mail",
    "buddywerk.geo",
    "buddywerk.access",
    "buddywerk.organisations",
    "buddywerk.buddies",
    "buddywerk.referrals",
    "buddywerk.matching",
    "buddywerk.trajectories",
    "buddywerk.followup",
    "buddywerk.expenses",
    "buddywerk.learning",
    "buddywerk.network",
    "buddywerk.reports",
    "buddywerk.funds",
    "buddywerk.coverage",
    "buddywerk.privacy",
    "buddywerk.internships",
    "buddywerk.api",
    "buddywerk.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "buddywerk.common.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "buddywerk.access.middleware.RequireMfaMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "buddywerk.common.middleware.NoStoreMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "buddywerk.urls"
WSGI_APPLICATION = "buddywerk.wsgi.application"
ASGI_APPLICATION = "buddywerk.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "buddywerk.access.context_processors.access",
            ],
            "builtins": [
                "django.templatetags.i18n",
                "buddywerk.common.templatetags.once",
                "buddywerk.common.templatetags.dates",
            ],
            # Tests set this to raise, so that an unknown variable fails (ARCHITECTURE.md 11).
            "string_if_invalid": env("TEMPLATE_STRING_IF_INVALID", ""),
        },
    }
]

# Django's widget templates, the common ones written out in Python (issue 17 point 4).
FORM_RENDERER = "buddywerk.common.form_renderer.FastRenderer"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / DEMO_DATABASE_NAME}"),
        conn_max_age=env("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer makes a page fail in seconds (a 503, see
    # common/views.server_error), not hang until gunicorn kills the worker.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
    # Server-side binding lets psycopg prepare a statement the connection runs again (the
    # same page, another request): PostgreSQL then skips planning it, a third of the time
    # of a page's queries (issue 17 point 4). Not behind a pooler in transaction mode
    # (docs/deployment.md): set DATABASE_PREPARE_THRESHOLD=0 there.
    if threshold := env("DATABASE_PREPARE_THRESHOLD", 2):
        DATABASES["default"]["OPTIONS"] |= {
            "server_side_binding": True,
            "prepare_threshold": threshold,
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and web process share the demo database.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache, so login throttling holds across stateless workers.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "buddywerk_cache",
    }
}

# The funder's report (reports/store.py, issue 17 point 4): a report computed less than
# this many seconds ago is served even when a figure changed since; the page and its
# files say when its figures were computed. 0: every change shows at once.
REPORT_REFRESH_SECONDS = env("REPORT_REFRESH_SECONDS", 60)

AUTH_USER_MODEL = "access.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Platform admins get the model permissions of the admin from their role.
    "buddywerk.access.backends.PlatformAdminBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: email login, mandatory verification, reset by mail, TOTP with recovery codes.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_PASSWORD_RESET_TOKEN_GENERATOR = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Buddywerk] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("DEFAULT_HTTP_PROTOCOL", "https")
# Accounts are made by invitation or registration forms of the domain, not by open sign-up.
ACCOUNT_ADAPTER = "buddywerk.access.adapters.AccountAdapter"
# The same forms, with the 254-character email limit of the User model.
ACCOUNT_FORMS = {
    "login": "buddywerk.access.forms.LoginForm",
    "reset_password": "buddywerk.access.forms.ResetPasswordForm",
}
# Failed sign-ins (access.login_throttle, issue 11): counted per address, per account AND
# address, and per account; the account counts skip a known device (a browser that signed
# in to the account before), so failing on purpose cannot lock the owner out. Every limit
# lifts by itself. allauth's own "login_failed" count is replaced by these.
LOGIN_FAILURE_LIMITS = {"ip": "20/m", "account_ip": "5/5m", "account": "100/h"}
KNOWN_DEVICE_DAYS = 180
# Public forms that send a mail (buddy and school registration, practice proposals):
# submissions per client address and per recipient address, across the three forms.
PUBLIC_FORM_LIMITS = {"ip": "10/h", "recipient": "3/d"}
# Unconfirmed submissions (practice proposals, buddy registrations whose address was
# never confirmed) are deleted after this many days (`buddywerk run-scheduled`).
UNCONFIRMED_RETENTION_DAYS = env("UNCONFIRMED_RETENTION_DAYS", 7)
# The client's address behind our own proxies: with n proxies (a load balancer: 1), the
# n-th X-Forwarded-For entry from the right (common.throttle.client_ip). 0 ignores the
# header, which anyone can send. allauth reads the same number.
TRUSTED_PROXY_COUNT = env("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_REAUTHENTICATION_REQUIRED = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Buddywerk"

SESSION_COOKIE_SECURE = env("COOKIE_SECURE", True)
CSRF_COOKIE_SECURE = env("COOKIE_SECURE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "buddywerk.common.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env("SESSION_COOKIE_AGE", 8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", False)
if env("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Django's own Content-Security-Policy: nothing from elsewhere, scripts only with a nonce.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LANGUAGE_CODE = "nl-be"
LANGUAGES = [("nl-be", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
# One date format per context (text, tables) in each language: buddywerk.common.dates.
FORMAT_MODULE_PATH = ["buddywerk.formats"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# The container image collects static files into the image, apart from VAR_DIR (a volume).
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    # Django's, but a write that fails (a full disk) leaves no half-written file.
    "default": {"BACKEND": "buddywerk.common.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_BACKEND",
            "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Without collectstatic (the demo), whitenoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = env("WHITENOISE_USE_FINDERS", True)
WHITENOISE_AUTOREFRESH = DEBUG

# The site's public address: every link in a mail is built on it (buddywerk.mail.compose).
# Production sets it to its https:// address (checked by `check --deploy`); the demo sets
# it to its own port.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

MAILERS = mailers_from_url(env("EMAIL_URL", "console://"))
# Issue 20: the SMS gateway for short messages to families: console:// (the demo) or the
# URL of an HTTP gateway that takes {"id", "to", "text"} as JSON.
SMS_URL = env("SMS_URL", "console://")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Buddywerk <noreply@buddywerk.be>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: mail and reminders go through django.tasks with a database queue,
# so they commit with the write that caused them and survive an SMTP outage.
TASKS = {
    "default": {
        # django-tasks-db's backend, keeping the enqueuing request's id with each task.
        "BACKEND": env("TASKS_BACKEND", "buddywerk.common.tasks.DatabaseBackend"),
    }
}

# JSON lines by default (what a log collector reads); LOG_FORMAT=plain for a terminal.
LOGGING = logging_config(fmt=env("LOG_FORMAT", "json"), level=env("LOG_LEVEL", "INFO"))
# Python warnings (a library's UserWarning) through the same handler, as JSON lines.
logging.captureWarnings(True)

AUDIT_RETENTION_DAYS = env("AUDIT_RETENTION_DAYS", 5 * 365)

# `buddywerk serve` (common/management/commands/serve.py): the production stack.
SERVE_BIND = env("SERVE_BIND", "127.0.0.1:8000")
WEB_WORKERS = env("WEB_WORKERS", 0)  # 0: 2 x CPU cores + 1
WEB_THREADS = env("WEB_THREADS", 1)
TASK_WORKERS = env("TASK_WORKERS", 1)
SCHEDULER_EVERY_SECONDS = env("SCHEDULER_EVERY_SECONDS", 300)  # 0: no scheduler here
SERVE_STOP_TIMEOUT = env("SERVE_STOP_TIMEOUT", 25)

# `buddywerk backup --dir`: backups older than this are deleted, so data erased in the
# application is gone from every backup after this many days (docs/deployment.md).
BACKUP_RETENTION_DAYS = env("BACKUP_RETENTION_DAYS", 35)

# /readyz (common/health.py): the queue is stuck when a ready task has waited this long,
# the outbox when an unsent mail has been failing this long.
READY_TASK_MAX_AGE_MINUTES = env("READY_TASK_MAX_AGE_MINUTES", 15)
READY_MAIL_FAILING_MINUTES = env("READY_MAIL_FAILING_MINUTES", 60)

# The API (issue 18): calls per personal token, in a sliding window (common.throttle).
API_TOKEN_RATE_LIMIT = env("API_TOKEN_RATE_LIMIT", "120/m")
# Webhooks (api/webhooks.py): only https:// addresses on public IPs in production; a local
# receiver (http://127.0.0.1) only with DEBUG and in the tests (SSRF, docs/api.md).
WEBHOOK_ALLOW_HTTP = env("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", DEBUG)
WEBHOOK_TIMEOUT_SECONDS = env("WEBHOOK_TIMEOUT_SECONDS", 10)
WEBHOOK_MAX_ATTEMPTS = env("WEBHOOK_MAX_ATTEMPTS", 10)
