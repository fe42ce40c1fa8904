"""pqctrack settings: one module, driven by the environment.

Development (``make run``/``make test``) sets DEBUG=true and the service URLs; production sets SECRET_KEY,
ALLOWED_HOSTS, DATABASE_URL and REDIS_URL and leaves DEBUG off, which turns on the HTTPS hardening below.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pqctrack.env import env_bool, env_int, env_list, env_retired, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
_DEV_SECRET = "dev-only-insecure-secret-key-never-used-in-production-0123456789abcdef"  # noqa: S105 - refused below unless DEBUG
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET if DEBUG else None)
if not DEBUG and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("SECRET_KEY must be set to a real secret when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "apps.core",
    "apps.audit",
    "apps.accounts",
    "apps.nations",
    "apps.sources",
    "apps.algorithms",
    "apps.standards",
    "apps.positions",
    "apps.gaps",
    "apps.importer",
    "apps.reports",
    "apps.api",
    "apps.web",
]

MIDDLEWARE = [
    "pqctrack.middleware.refuse_hostile_urls",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "apps.accounts.signin.idle_timeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a lockout raised during sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pqctrack.urls"
WSGI_APPLICATION = "pqctrack.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_url(
    "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/pqctrack", schemes=("postgres", "postgresql")
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
DATABASES["default"].setdefault("TEST", {})["NAME"] = env_str("TEST_DATABASE_NAME", "test_pqctrack")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", "redis://127.0.0.1:6379/0", schemes=("redis", "rediss"))
# Only the API throttle uses the cache, and it falls back to the per-process "local" cache when Redis is
# unreachable; the short timeouts bound what a request waits before the fallback (and what a hung Redis costs).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    },
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pqctrack-local"},
}

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"
# Sign-in hardening (OWASP ASVS L2, issue 9).  django-axes counts failed sign-ins per account and, separately,
# per address: either reaching the limit locks further attempts out (right password included) until the
# cool-off ends or an administrator resets it (`manage.py axes_reset`).  Its backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many proxies in front of the app append to X-Forwarded-For (0: clients connect directly); the address
# lockout counts the address the outermost proxy saw (apps.accounts.signin.client_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.signin.client_address"
# ASVS 2.1.1: at least 12 characters.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 256 * 1024)
# Hostile-input limits (apps.api.parsers, pqctrack.middleware): no record nests deeper than a few levels, and
# gunicorn refuses request lines over 4 KiB anyway, so these only stop abuse.
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32)
MAX_QUERY_STRING_BYTES = env_int("MAX_QUERY_STRING_BYTES", 8 * 1024)

# HTTPS hardening, on whenever DEBUG is off (``manage.py check --deploy`` runs clean).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Session lifetime (ASVS 3.3.2): signed out after this much inactivity (apps.accounts.signin), and after
# the absolute lifetime however active.
SESSION_IDLE_TIMEOUT_SECONDS = env_int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = env_int("SESSION_MAX_AGE_SECONDS", 12 * 60 * 60)

# Content-Security-Policy on every response (django-csp): the UI loads its script and styles from its own
# origin only and uses no inline script or event-handler attributes (tests/web/test_csp.py holds it to that).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "apps.api.schema.ProblemAutoSchema",
    # Token first: its WWW-Authenticate header makes an anonymous call a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apps.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["apps.api.parsers.LimitedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "apps.api.filters.FilterBackend",
        "apps.api.filters.StrictOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "apps.api.pagination.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["apps.api.throttling.PerCallerThrottle"],
    "DEFAULT_THROTTLE_RATES": {"caller": env_str("API_THROTTLE_RATE", "1200/min")},
    "EXCEPTION_HANDLER": "apps.api.problems.problem_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "pqctrack API",
    "DESCRIPTION": "Allied post-quantum cryptography positions and the interoperability gaps between them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "NationKindEnum": "apps.nations.models.NationKind",
        "CoalitionKindEnum": "apps.nations.models.CoalitionKind",
        "AlgorithmKindEnum": "apps.algorithms.models.AlgorithmKind",
        "MilestoneKindEnum": "apps.positions.models.MilestoneKind",
        "MechanismKindEnum": "apps.standards.models.MechanismKind",
        "ApprovalStatusEnum": "apps.positions.models.ApprovalStatus",
        "FindingStatusEnum": "apps.gaps.models.FindingStatus",
        "RunStatusEnum": "apps.gaps.models.RunStatus",
        "WorkItemStatusEnum": "apps.standards.models.STATUS_LIFECYCLE",
        "SourceKindEnum": "apps.sources.models.SourceKind",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing happens on request paths (after commit): with the broker down it must fail fast, not hang the
# request, because the recompute requests in the database are the truth and the periodic drain picks them
# up. One quick retry still lets a publisher replace a pooled connection that a restarted Redis dropped.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 1, "socket_timeout": 5}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.1}
# How often beat drains the recompute requests and sends the runs that waited for the broker.
PQCTRACK_DRAIN_INTERVAL_SECONDS = env_int("PQCTRACK_DRAIN_INTERVAL_SECONDS", 30)
CELERY_BEAT_SCHEDULE = {
    "drain-recompute-requests": {
        "task": "apps.gaps.tasks.drain_recompute_requests",
        "schedule": timedelta(seconds=PQCTRACK_DRAIN_INTERVAL_SECONDS),
    },
    "send-waiting-runs": {
        "task": "apps.gaps.tasks.send_waiting_runs",
        "schedule": timedelta(seconds=PQCTRACK_DRAIN_INTERVAL_SECONDS),
    },
    "full-sweep-nightly": {"task": "apps.gaps.tasks.full_sweep", "schedule": crontab(hour=2, minute=0)},
}
# Eager mode is for tests that do not exercise the broker; the worker tests turn it off.
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)

# How many days after its last confirmation a claim is due for re-verification (apps.sources.reverification);
# the "stale position" rule flags a position that is due. It replaces PQCTRACK_STALE_AFTER_DAYS (which
# measured the source's age alone), refused so that a deployment still setting it learns of the change.
env_retired("PQCTRACK_STALE_AFTER_DAYS", replacement="PQCTRACK_REVERIFY_AFTER_DAYS")
PQCTRACK_REVERIFY_AFTER_DAYS = env_int("PQCTRACK_REVERIFY_AFTER_DAYS", 180)
if PQCTRACK_REVERIFY_AFTER_DAYS < 1:
    raise ImproperlyConfigured(f"PQCTRACK_REVERIFY_AFTER_DAYS must be at least 1, got {PQCTRACK_REVERIFY_AFTER_DAYS}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # django-axes logs every successful sign-in at INFO; failures and lockouts are warnings.
    "loggers": {"axes": {"level": env_str("AXES_LOG_LEVEL", "WARNING")}},
}
