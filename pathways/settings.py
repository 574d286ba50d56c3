"""Pathways settings: every value comes from the environment, with safe defaults.

See README.md ("Configuration") for the variables.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from pathways import __version__
from pathways.core import sentry
from pathways.core.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_networks,
    env_str,
    env_url,
    secret_key,
)
from pathways.core.filemodes import keep_private
from pathways.core.logs import logging_config

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent
# A source checkout keeps its database and keys in var/ beside the code; an installed wheel
# has no such place, so it must be told where (/var/lib/pathways in docs/deploy.md).
FROM_SOURCE = (BASE_DIR / "pyproject.toml").exists()
if not FROM_SOURCE and not env_str("PATHWAYS_VAR_DIR"):
    raise ImproperlyConfigured(
        "PATHWAYS_VAR_DIR must be set when Pathways is installed (the folder for its keys, "
        "files and any SQLite database), for example /var/lib/pathways"
    )
VAR_DIR = Path(env_str("PATHWAYS_VAR_DIR", str(BASE_DIR / "var")))
# The built front end: GOV.UK Frontend's assets and script, HTMX, and our compiled CSS
# (`make install` builds it; a wheel carries it).
FRONTEND_DIR = PACKAGE_DIR / "frontend"

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
# The address people use (set-up links printed by `pathways users add` start with it).
BASE_URL = env_url("PATHWAYS_BASE_URL", "http://127.0.0.1:8000")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", sorted({"127.0.0.1", "localhost", urlsplit(BASE_URL).hostname or ""})
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# The reverse proxies (addresses or networks) whose X-Forwarded-For and X-Forwarded-Proto are
# believed: pathways/core/network.py. None by default: the connection's own address counts.
TRUSTED_PROXIES = env_networks("PATHWAYS_TRUSTED_PROXIES")
if env_bool("PATHWAYS_BEHIND_PROXY", False):
    raise ImproperlyConfigured(
        "PATHWAYS_BEHIND_PROXY is no longer read: list your reverse proxies' addresses in "
        "PATHWAYS_TRUSTED_PROXIES instead (127.0.0.1 for a proxy on the same machine)"
    )

INSTALLED_APPS = [
    # Before django.contrib.auth, so that its `createsuperuser` (which would make a user with no
    # role or organisation) is replaced by one that points to `pathways users add`.
    "pathways.organisations",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "pathways.core",
    "pathways.areas",
    "pathways.accounts",
    "pathways.audit",
    "pathways.programmes",
    "pathways.households",
    "pathways.privacy",
    "pathways.casework",
    "pathways.assessments",
    "pathways.budgets",
    "pathways.outcomes",
    "pathways.exchange",
    "pathways.reporting",
    "pathways.operations",
    "pathways.site",
]

MIDDLEWARE = [
    "pathways.core.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "pathways.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pathways.accounts.middleware.SessionLifetimeMiddleware",
    "pathways.audit.context.AuditContextMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "pathways.core.access.AccessMiddleware",
    "pathways.core.middleware.NoStoreMiddleware",
    "pathways.households.read_audit.ReadAuditMiddleware",
]

ROOT_URLCONF = "pathways.urls"
WSGI_APPLICATION = "pathways.wsgi.application"

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
                "pathways.core.context_processors.navigation",
            ],
        },
    },
]

# Databases: DATABASE_URL takes postgresql://… (psycopg 3) or sqlite:///path.
# Without it: SQLite in WAL mode under var/.
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL I know: {error}") from None
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "pathways.sqlite3"}
    }

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers carry on while one writer writes; IMMEDIATE takes the write
            # lock at the start of a transaction, so two writers queue instead of deadlocking.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
    # Tests use a file, not memory: WAL and IMMEDIATE behave as in use, and a job worker that
    # closes its connection does not take the test database with it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_pathways.sqlite3")}

elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: compiling a report's statement took longer (0.3-2 s at 100,000 households) than
    # running it; Pathways' statements are short and many.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
    # The role that owns the tables, for `pathways migrate` only: the app itself connects as
    # DATABASE_URL's role, which may read and write rows but not TRUNCATE, ALTER or DISABLE
    # TRIGGER, and only add to the audit log (core/database_roles.py, docs/deploy.md).
    MIGRATE_DATABASE_URL = env_str("PATHWAYS_MIGRATE_DATABASE_URL", "")
    if MIGRATE_DATABASE_URL:
        DATABASES["owner"] = dj_database_url.parse(MIGRATE_DATABASE_URL) | {
            "OPTIONS": options,
            "TEST": {"MIRROR": "default"},
        }
        if DATABASES["owner"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
            raise ImproperlyConfigured(
                "PATHWAYS_MIGRATE_DATABASE_URL must be a postgresql:// URL, like DATABASE_URL"
            )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first, so that a locked account is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# NCSC / NIST 800-63B: length and a deny-list, no composition rules. At most this many
# characters (ASVS 2.1.2: at least 64 allowed), refused at sign-in before any hashing.
PASSWORD_MAX_LENGTH = env_int("PATHWAYS_PASSWORD_MAX_LENGTH", 128, minimum=64)
# A Have I Been Pwned range API (https://api.pwnedpasswords.com, or an in-house copy) to refuse
# breached passwords by; unset, only Django's offline list of common passwords is used.
PWNED_PASSWORDS_URL = env_url("PATHWAYS_PWNED_PASSWORDS_URL", "")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "pathways.accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "pathways.accounts.passwords.BreachedPasswordValidator"},
]

# A set-up link (a new user's, or after a forgotten password) works once, for this many days.
SET_UP_LINK_DAYS = env_int("PATHWAYS_SET_UP_LINK_DAYS", 7)
# Sensitive actions (approvals, bulk exports, two-factor changes) need an authenticator code
# given within this many minutes (pathways/accounts/stepup.py).
STEP_UP_MINUTES = env_int("PATHWAYS_STEP_UP_MINUTES", 10)
# API tokens (`pathways api-token issue`) last this many days unless issued for fewer.
API_TOKEN_DAYS = env_int("PATHWAYS_API_TOKEN_DAYS", 90, minimum=1)
KNOX_TOKEN_MODEL = "accounts.ApiToken"  # noqa: S105 (a model name, not a secret)
# knox's own migrations would make its default token table, which Pathways does not use.
MIGRATION_MODULES = {"knox": None}
REST_KNOX = {"TOKEN_TTL": timedelta(days=API_TOKEN_DAYS), "AUTH_HEADER_PREFIX": "Token"}
PASSWORD_RESET_TIMEOUT = SET_UP_LINK_DAYS * 24 * 3600

LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "site:start"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

# Lock an account for 30 minutes after 5 failed sign-ins (django-axes' default never unlocks)
# from one address: a stranger elsewhere cannot lock the owner out, and a council office's
# shared address is not locked for everyone by one person's typos. Rotating cookies or user
# agents does not get round it (axes counts neither). An administrator can unlock an account
# from its page, and a set-up link's new password lifts every lock on it.
AXES_FAILURE_LIMIT = env_int("PATHWAYS_LOCKOUT_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("PATHWAYS_LOCKOUT_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And across all usernames (password spraying): after this many failed sign-ins from one
# address within the minutes below, further sign-ins from it are refused until the oldest
# fall out of the window (pathways/accounts/throttle.py).
SIGN_IN_ADDRESS_ATTEMPTS = env_int("PATHWAYS_SIGN_IN_ADDRESS_ATTEMPTS", 30, minimum=1)
SIGN_IN_ADDRESS_MINUTES = env_int("PATHWAYS_SIGN_IN_ADDRESS_MINUTES", 60, minimum=1)
# Wrong two-factor codes (authenticator, recovery or step-up): after this many for one
# account, or (higher, as an office shares an address) from one address, within the minutes
# below, codes are refused until the window has passed.
CODE_ATTEMPTS = env_int("PATHWAYS_CODE_ATTEMPTS", 5, minimum=1)
CODE_ADDRESS_ATTEMPTS = env_int("PATHWAYS_CODE_ADDRESS_ATTEMPTS", 20, minimum=1)
CODE_WAIT_MINUTES = env_int("PATHWAYS_CODE_WAIT_MINUTES", 15, minimum=1)
AXES_RESET_ON_SUCCESS = True
# Exactly 30 minutes from the fifth failure, as the locked page says; trying again while
# locked does not restart the clock.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False
# The address axes records with each failed sign-in: the client's, not the proxy's.
AXES_CLIENT_IP_CALLABLE = "pathways.core.network.client_address"

# Sessions end after 30 minutes idle (the cookie's age is renewed on every request)
# and after 12 hours in all (SessionLifetimeMiddleware), on sign-out and when a user is disabled.
SESSION_COOKIE_AGE = env_int("PATHWAYS_SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_SECONDS = env_int("PATHWAYS_SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "pathways.site.errors.csrf_failure"

# HTTPS: on unless asked off (a laptop demo on http://127.0.0.1 asks off through `make run`).
SECURE = env_bool("PATHWAYS_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("PATHWAYS_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Marks the site as fit for the browsers' preload list; submitting it there stays the operator's choice.
SECURE_HSTS_PRELOAD = env_bool("PATHWAYS_HSTS_PRELOAD", SECURE)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Browser features Pathways does not use, allowed to no page (PermissionsPolicyMiddleware).
# interest-cohort and browsing-topics keep pages out of the browsers' advertising interest groups.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "ambient-light-sensor", "autoplay", "bluetooth", "browsing-topics",
        "camera", "display-capture", "encrypted-media", "geolocation", "gyroscope", "hid",
        "idle-detection", "interest-cohort", "magnetometer", "microphone", "midi", "payment",
        "picture-in-picture", "publickey-credentials-get", "screen-wake-lock", "serial",
        "usb", "xr-spatial-tracking",
    )
}  # fmt: skip

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("PATHWAYS_STATIC_ROOT", str(VAR_DIR / "staticfiles")))
with contextlib.suppress(OSError):  # a read-only image's folder is made when it is built
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [FRONTEND_DIR]
# Collected files have their content's hash in their names and are compressed, so browsers and
# proxies keep them for a year (whitenoise sends `immutable`); a new release has new names.
STATIC_FROM_FINDERS = env_bool("PATHWAYS_STATIC_FROM_FINDERS", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if STATIC_FROM_FINDERS
        else "pathways.core.staticfiles.HashedStaticFiles"
    },
}
# Straight from the source folders, unhashed, without `collectstatic` (tests, development).
WHITENOISE_USE_FINDERS = STATIC_FROM_FINDERS
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "pathways.accounts.api_auth.ApiTokenAuthentication",
        "pathways.accounts.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["pathways.core.access.RolePermission"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "pathways.core.pagination.ApiPages",
    "PAGE_SIZE": 50,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "pathways.site.errors.api_exception",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pathways API",
    "DESCRIPTION": "Case management and outcomes for employment support programmes.",
    "VERSION": __version__,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["pathways.core.access.RolePermission"],
    # Swagger UI from the installed sidecar package: no CDN, works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MemberRoleEnum": "pathways.households.codes.MemberRole",
        "UserRoleEnum": "pathways.core.roles.Role",
        "ReferralSourceEnum": "pathways.households.codes.ReferralSource",
        "HouseholdStatusEnum": "pathways.households.models.Household.Status",
        "ActivityStatusEnum": "pathways.casework.models.Activity.Status",
        "OnwardReferralStatusEnum": "pathways.casework.models.OnwardReferral.Status",
        "SpendRequestStatusEnum": "pathways.budgets.models.SpendRequest.Status",
        "OutcomeEvidenceEnum": "pathways.outcomes.models.OutcomeEvidence",
        "WorkEvidenceEnum": "pathways.outcomes.models.Evidence",
    },
}

TASKS = {
    "default": {
        "BACKEND": env_choice(
            "PATHWAYS_TASK_BACKEND",
            [
                "django_tasks_db.DatabaseBackend",
                "django_tasks.backends.immediate.ImmediateBackend",
            ],
            "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}
# /readyz is 503 when no job worker has reported for this long (pathways/operations).
WORKER_SILENT_SECONDS = env_int("PATHWAYS_WORKER_SILENT_SECONDS", 120, minimum=10)

OTP_TOTP_ISSUER = env_str("PATHWAYS_TOTP_ISSUER", "Pathways")

LOG_LEVEL = env_choice("LOG_LEVEL", ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], "INFO")
LOG_FORMAT = env_choice("PATHWAYS_LOG_FORMAT", ["text", "json"], "text")
LOGGING = logging_config(level=LOG_LEVEL, format=LOG_FORMAT)

# Errors to Sentry (or GlitchTip), with personal data scrubbed: pathways/core/sentry.py.
SENTRY_DSN = env_str("SENTRY_DSN", "").strip()
if SENTRY_DSN:
    sentry.set_up(
        SENTRY_DSN, environment=env_str("SENTRY_ENVIRONMENT", "production"), release=__version__
    )

# Uploaded files (budget receipts) live outside the web root and are served only by views that
# check who may see them; never through a public URL.
PRIVATE_FILES_DIR = Path(env_str("PATHWAYS_PRIVATE_FILES_DIR", str(VAR_DIR / "private"))).resolve()
# Or in an S3 bucket every app machine reaches (pathways/core/files.py, docs/deploy.md):
# credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or
# the machine's role).
FILE_STORAGE = env_choice("PATHWAYS_FILE_STORAGE", ["local", "s3"], "local")
S3_OPTIONS: dict = {}
if FILE_STORAGE == "s3":
    if not env_str("PATHWAYS_S3_BUCKET"):
        raise ImproperlyConfigured(
            "PATHWAYS_S3_BUCKET must name the bucket when PATHWAYS_FILE_STORAGE is s3"
        )
    encryption = env_choice("PATHWAYS_S3_ENCRYPTION", ["AES256", "aws:kms", "none"], "AES256")
    S3_OPTIONS = {
        "bucket_name": env_str("PATHWAYS_S3_BUCKET"),
        "endpoint_url": env_url("PATHWAYS_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("PATHWAYS_S3_REGION") or None,
        "default_acl": None,  # the bucket's own: private
        "querystring_auth": True,
        "object_parameters": {} if encryption == "none" else {"ServerSideEncryption": encryption},
    }
RECEIPT_MAX_BYTES = 5 * 1024 * 1024
# Uploads, like everything else Pathways writes, are its own user's only; and what var/ and the
# private files' folder hold already is tightened to that at every start (core/filemodes.py).
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
keep_private(
    [VAR_DIR, PRIVATE_FILES_DIR] if FILE_STORAGE == "local" else [VAR_DIR],
    except_for=[STATIC_ROOT],
)

# How much an import reads at most (the upload page, `pathways import`, `pathways budgets
# import`): pathways/core/limits.py. Far above a real programme's bundle (10,000 households
# are about 6 MB of CSV); what is over them is refused, with the limit named, before it is read.
MB = 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = env_int("PATHWAYS_IMPORT_MAX_UPLOAD_MB", 200, minimum=1) * MB
IMPORT_MAX_FILE_BYTES = env_int("PATHWAYS_IMPORT_MAX_FILE_MB", 1024, minimum=1) * MB
IMPORT_MAX_TOTAL_BYTES = env_int("PATHWAYS_IMPORT_MAX_TOTAL_MB", 2048, minimum=1) * MB
IMPORT_MAX_LINE_CHARS = env_int("PATHWAYS_IMPORT_MAX_LINE_CHARS", 1_000_000, minimum=10_000)
IMPORT_MAX_LINES = env_int("PATHWAYS_IMPORT_MAX_LINES", 5_000_000, minimum=1)
# A CSV file packs to a sixth or an eighth of its size; one packed a hundred times is a bomb.
IMPORT_MAX_ZIP_RATIO = env_int("PATHWAYS_IMPORT_MAX_ZIP_RATIO", 100, minimum=2)
