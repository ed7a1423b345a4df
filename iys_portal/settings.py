"""Settings for İYS Portal: one module, every value from the environment (django-environ).

Development defaults are safe and need nothing installed: SQLite, console e-mail, eager Celery,
the e-Devlet simulator and the fake payment gateway. ``DJANGO_ENV=production`` turns on the
secure defaults; ``iys_portal.checks`` refuses to start production with a simulator enabled.
"""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
SECRET_KEY = (
    env.str("SECRET_KEY")
    if PRODUCTION
    else env.str("SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production")
)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "iys_portal.apps.PortalAdminConfig",  # django.contrib.admin, its site PortalAdminSite
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "csp",
    "django_celery_beat",
    "simple_history",
    "iys_portal",
    "accounts",
    "packages",
    "payments",
    "brands",
    "consents",
    "ninja",
    "integration",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "iys_portal.middleware.ContentSecurityPolicyMiddleware",  # django-csp's (see there)
    "iys_portal.middleware.RejectControlCharactersMiddleware",
    # /api/…: straight to the API's view (integration.middleware); pages go on below.
    "integration.middleware.ApiRequestsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.CurrentProviderMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "iys_portal.urls"
WSGI_APPLICATION = "iys_portal.wsgi.application"
ASGI_APPLICATION = "iys_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.current_provider",
            ],
            # {% extends %} and {% url %} without the work they repeat per request.
            "builtins": ["iys_portal.template_builtins"],
        },
    },
]

# Form fields render through templates/forms/field.html (help text and error ids that match the
# widgets' aria-describedby); TemplatesSetting finds the project's templates.
FORM_RENDERER = "iys_portal.forms.PortalFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
)
# A kept connection is pinged before a request reuses it, so the portal recovers by itself
# after PostgreSQL restarts (requests during the restart get the 503 page, see errors.py).
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"

# Portal sessions end after this much inactivity (seconds); the cookie dies with the browser.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions live in the database, shared by every web instance; they survive a Redis outage.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LANGUAGE_CODE = "tr"
LANGUAGES = [("tr", _("Türkçe")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Istanbul"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
WHITENOISE_USE_FINDERS = not PRODUCTION
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "iys_portal.static_storage.PortalStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded and generated files (signed forms, contracts, receipts) live outside the web root
# and are only ever served by views that check permissions. With AWS_STORAGE_BUCKET_NAME set
# they go to that (private) bucket of any S3-compatible store, shared by every web instance and
# worker; otherwise to MEDIA_ROOT on the local disk (development, a single machine).
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            # Empty: Amazon S3 itself; otherwise e.g. https://s3.example.com (MinIO, Ceph …).
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty keys: boto3 finds credentials itself (instance role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("AWS_LOCATION", default=""),
            # Never public: no ACL beyond the bucket's own (private), and any URL the storage
            # makes is signed and short-lived. The portal serves files through its own views.
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=300),
            "file_overwrite": False,
        },
    }
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The signed-form PDF is parsed in a child process bounded by these (accounts.pdf_probe).
SIGNED_FORM_CHECK_TIMEOUT_SECONDS = env.float("SIGNED_FORM_CHECK_TIMEOUT_SECONDS", default=5.0)
SIGNED_FORM_CHECK_MEMORY_MB = env.int("SIGNED_FORM_CHECK_MEMORY_MB", default=128)

# E-mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="İYS Portal <noreply@iys.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ACCOUNTING_EMAIL = env.str("ACCOUNTING_EMAIL", default="muhasebe@iys.org.tr")
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="destek@iys.org.tr")
# The issuer of receipts and the other party of the package contract: one name everywhere.
ISSUER_NAME = env.str("ISSUER_NAME", default="İleti Yönetim Sistemi A.Ş.")
ISSUER_ADDRESS = env.str(
    "ISSUER_ADDRESS", default="Barbaros Mah. Begonya Sok. No: 3, 34746 Ataşehir / İstanbul"
)
ISSUER_TAX_OFFICE = env.str("ISSUER_TAX_OFFICE", default="Kozyatağı")
ISSUER_TAX_NUMBER = env.str("ISSUER_TAX_NUMBER", default="4700619860")
ISSUER_MERSIS = env.str("ISSUER_MERSIS", default="0470061986000015")
# Absolute links in e-mails (e.g. the signed-form upload link) start with this. `make run` and
# `make worker` derive it from HOST and PORT (http://127.0.0.1:8000 by default).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Celery: eager (in-process) unless a broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
if not CELERY_BROKER_URL:
    # Eager tasks still take a producer from the pool; the in-memory transport, named with a
    # host, connects nowhere and kombu does not warn "No hostname was supplied".
    CELERY_BROKER_URL = "memory://localhost//"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task is acknowledged after it ran; a worker killed mid-task gives it back to the queue
# (the tasks are idempotent, so running it again has its effect once).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With Redis as broker, a message taken by a worker that died (the whole worker, not only a pool
# process) is handed out again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=60 * 60)
}
# A web request does not wait long for a broker that is down: the send is held in the task
# outbox (iys_portal.task_outbox) and released when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE: dict = {}

CACHES = {
    "default": env.cache_url(
        "CACHE_URL", default="locmemcache://iys-portal" if not PRODUCTION else "dummycache://"
    )
}
if CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache":
    # A Redis outage degrades the cache to misses instead of raising; rate limits then fail
    # closed (django-ratelimit), with their own message (accounts.views).
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
            "SOCKET_TIMEOUT": env.float("CACHE_SOCKET_TIMEOUT", default=0.5),
        }
    )
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
# The API's access log waits in Redis for beat's flush (integration.accesslog); beyond this many
# rows (no worker flushing) calls write theirs to PostgreSQL directly.
INTEGRATION_ACCESS_LOG_BUFFER_LIMIT = env.int(
    "INTEGRATION_ACCESS_LOG_BUFFER_LIMIT", default=200_000
)
RATELIMIT_USE_CACHE = "default"
# Production needs a shared CACHE_URL for limits (see accounts.checks).
RATELIMIT_IP_META_KEY = "iys_portal.client_ip.rate_limit_ip"
# Behind reverse proxies: their addresses or networks (e.g. 10.0.0.0/8). The client address is
# then read from their X-Forwarded-For (see iys_portal.client_ip); otherwise REMOTE_ADDR.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

# e-Devlet (OAuth2 authorization code). The simulator is served by this portal itself, so its
# address follows PORTAL_BASE_URL unless EDEVLET_BASE_URL says otherwise.
EDEVLET_SIMULATOR = env.bool("EDEVLET_SIMULATOR", default=not PRODUCTION)
EDEVLET_BASE_URL = env.str(
    "EDEVLET_BASE_URL",
    default=f"{PORTAL_BASE_URL}/edevlet-simulator"
    if EDEVLET_SIMULATOR
    else "https://giris.turkiye.gov.tr",
)
EDEVLET_CLIENT_ID = env.str("EDEVLET_CLIENT_ID", default="iys-portal-dev")
EDEVLET_CLIENT_SECRET = env.str(
    "EDEVLET_CLIENT_SECRET", default="" if PRODUCTION else "dev-simulator-secret"
)
EDEVLET_TIMEOUT_SECONDS = env.float("EDEVLET_TIMEOUT_SECONDS", default=10.0)

# Payments
# An order waiting for a bank transfer expires this many days after the transfer was chosen.
BANK_TRANSFER_EXPIRY_DAYS = env.int("BANK_TRANSFER_EXPIRY_DAYS", default=7)
# The customer is reminded once when this many days (or fewer) are left before that deadline.
BANK_TRANSFER_REMINDER_DAYS = env.int("BANK_TRANSFER_REMINDER_DAYS", default=2)
PAYMENT_GATEWAY = env.str("PAYMENT_GATEWAY", default="iyzico" if PRODUCTION else "fake")
IYZICO_API_KEY = env.str("IYZICO_API_KEY", default="")
IYZICO_SECRET_KEY = env.str("IYZICO_SECRET_KEY", default="")
IYZICO_BASE_URL = env.str("IYZICO_BASE_URL", default="sandbox-api.iyzipay.com")
IYZICO_TIMEOUT_SECONDS = env.float("IYZICO_TIMEOUT_SECONDS", default=20.0)
# A card payment with no verified answer from iyzico for this long goes on the admin's
# «İnceleme gerekiyor» list (it is asked again with back-off until then).
CARD_PAYMENT_ATTENTION_AFTER_HOURS = env.int("CARD_PAYMENT_ATTENTION_AFTER_HOURS", default=24)

if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4.x format) on every response, development included, so a
# page that breaks it shows at once. No inline scripts, handlers or styles anywhere: every script
# and stylesheet is a static file. The one relaxation is per response: the gateway's 3-D Secure
# page (payments.bank_page) gets a nonce for its own script and may post to the bank.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Mounts /bench/baseline/, the bare view bench/run.py compares every page against.
BENCHMARK_BASELINE = env.bool("BENCHMARK_BASELINE", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
