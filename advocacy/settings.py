"""Settings for the advocacy CMS, read from environment variables only.

Every variable is documented in README.md ("Configuration"). With DEBUG off the
site refuses to start unless SECRET_KEY and ALLOWED_HOSTS are set for real.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django.forms
from django.core.exceptions import ImproperlyConfigured
from django.templatetags.static import static
from django.utils.functional import lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def load_env_file(path):
    """KEY=VALUE lines from `path`, for variables the environment does not set.

    `make run` and `make test` write `.env` with DEBUG=1 in a development
    checkout, so hand-run manage.py commands there are development commands
    too. Production never has one (make serve does not write it, and passes
    DEBUG=0 explicitly); the environment always wins over the file.
    """
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return
    for line in lines:
        key, sep, value = line.strip().partition("=")
        if sep and key and not key.startswith("#"):
            os.environ.setdefault(key.strip(), value.strip())


load_env_file(os.environ.get("ENV_FILE") or BASE_DIR / ".env")

DEBUG = env_bool("DEBUG")


def _development_secret_key():
    # A per-checkout random key, so no secret committed to git is ever used,
    # and sessions survive restarts of the development server.
    key_file = BASE_DIR / ".secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")

if DEBUG:
    SECRET_KEY = SECRET_KEY or _development_secret_key()
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
else:
    if not os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured(
            "DATABASE_URL must be set when DEBUG is off, e.g. "
            "postgres://user:password@localhost:5432/advocacy (or sqlite:////path/site.db)."
        )
    if len(SECRET_KEY) < 40 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random string of at least 40 characters when DEBUG is "
            'off. Generate one with: python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list this site's host names (comma-separated, never '*') "
            "when DEBUG is off."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.humanize",
    "django.forms",
    "django_prose_editor",
    "captcha",
    "django_tasks",
    "django_tasks_db",
    "background",  # the task list, the worker, mail sent once (background.tasks)
    "advocacy",  # site-wide management commands (backup_site, restore_site)
    "statements",
    "comments",
    "reversion",
    "editing",
    "redirects",
    "pages",
    "branding",  # the site's name, logo, colour and favicon, set in the admin
    "wordpress",
    "subscriptions",  # readers mailed new statements (README "Email subscriptions")
    "exports",  # subscribers' CSV and a person's data, built by the worker (exports.runs)
    "anymail",  # the mail provider's bounce and complaint webhooks
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "advocacy.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "advocacy.middleware.RejectNullCharactersMiddleware",
    # Old addresses (imports, staff's own) → 301; reads its table only on a 404
    # or a WordPress-style /?p=12, so it comes before the page cache.
    "redirects.middleware.RedirectMiddleware",
    # Anonymous page-cache hits are answered here, before sessions, CSRF and auth.
    "advocacy.pagecache.PageCacheMiddleware",
    "advocacy.middleware.DatabaseUnavailableMiddleware",
    # ETag on every page and feed, and 304 Not Modified when it still matches.
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a lockout into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "advocacy.urls"
WSGI_APPLICATION = "advocacy.wsgi.application"

TEMPLATES = [
    {
        # The public pages (templates/): compiled to Python, several times faster
        # than Django's template language on a statement page (advocacy/jinja2.py).
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        # Django's own Jinja2 widget templates, for the comment form's inputs.
        "DIRS": [BASE_DIR / "templates", Path(django.forms.__file__).parent / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "advocacy.jinja2.environment",
            "extensions": [
                "statements.template_globals.StatementGlobals",
                "comments.template_globals.CommentGlobals",
                "pages.template_globals.PageGlobals",
                "subscriptions.template_globals.SubscriptionGlobals",
            ],
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "advocacy.context_processors.site",
            ],
        },
    },
    {
        # The admin and the mails (each app's templates/).
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "advocacy.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Concurrent comment posts on the embedded database: take the write lock at
    # the start of a transaction and wait for it (instead of failing with
    # "database is locked"), and let readers run beside the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_from_url(url):
    """CACHE_URL: locmem://, file:///absolute/path or redis://host:port/db."""
    if url.startswith(("redis://", "rediss://")):
        return {
            "BACKEND": "advocacy.caches.FailFastRedisCache",
            "LOCATION": url,
            # A hung Redis must cost a request half a second, not a worker.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    if url.startswith("file://"):
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": url.removeprefix("file://"),
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ImproperlyConfigured(f"CACHE_URL {url!r}: use locmem://, file:///path or redis://…")


# The default is a file cache: unlike local memory it is shared by all the
# server's worker processes, so invalidating a page reaches every worker.
CACHES = {
    "default": cache_from_url(
        os.environ.get("CACHE_URL") or f"file://{BASE_DIR / 'var' / 'cache'}"
    )
}
# Background tasks (background.tasks): a queue in the site's own database, so the
# embedded default needs no broker and a task commits with the data it is about.
# `manage.py worker` runs them (make run starts one; deploy/advocacy-worker.service).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A task running longer is stopped (and retried); one left RUNNING longer than this
# by a killed worker is run again by another.
TASK_TIMEOUT_SECONDS = env_int("TASK_TIMEOUT_SECONDS", 300)
TASK_STALE_GRACE_SECONDS = env_int("TASK_STALE_GRACE_SECONDS", 30)
# A failed task is retried after this many seconds, then twice as long each time.
TASK_RETRY_DELAY_SECONDS = env_int("TASK_RETRY_DELAY_SECONDS", 30)
# Exports asked for in the admin (exports.runs) are deleted, file and all, after this.
EXPORTS_KEEP_DAYS = env_int("EXPORTS_KEEP_DAYS", 3)

# Whole public pages for anonymous visitors (advocacy.pagecache); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
PAGE_CACHE_ALIAS = "default"
# What the page cache asks for the publication schedule: () -> (last due, next due).
PAGE_CACHE_SCHEDULE = "statements.schedule.page_cache_schedule"
# Called with the tags of every invalidation, after the commit: a CDN's purge (advocacy.cdn).
PAGE_CACHE_PURGE = "advocacy.cdn.queue_purge"
# Called with the tags of an invalidation the cache did not take (it hung or was down).
PAGE_CACHE_RETRY = "advocacy.cdn.queue_invalidation_retry"
# The CDN in front of the site, purged by cache tag: "" (none), "fastly" or "cloudflare".
CDN_PURGE = os.environ.get("CDN_PURGE", "").strip().lower()
CDN_PURGE_TOKEN = os.environ.get("CDN_PURGE_TOKEN", "")
CDN_FASTLY_SERVICE_ID = os.environ.get("CDN_FASTLY_SERVICE_ID", "")
CDN_CLOUDFLARE_ZONE_ID = os.environ.get("CDN_CLOUDFLARE_ZONE_ID", "")
CDN_API_URL = os.environ.get("CDN_API_URL", "").rstrip("/")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# The site's language (README "Languages"); the catalogues are in locale/.
LANGUAGE_CODE = os.environ.get("LANGUAGE_CODE", "en")
LANGUAGES = [("en", "English"), ("es", "Español"), ("ar", "العربية")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")
# Let Django serve uploaded images (development, tests, small sites). In production
# the web server should serve MEDIA_ROOT itself; see deploy/ and the README.
SERVE_MEDIA = env_bool("SERVE_MEDIA", DEBUG)


def media_storage():
    """Uploaded images: MEDIA_ROOT on this machine, or an S3-compatible bucket (S3_BUCKET).

    Several app servers need the bucket: a photo uploaded through one must be
    served through every other. Its objects get plain, unsigned addresses
    (a signed one expires, and a cached page would keep the dead link) with
    far-future caching: every stored name is new (statements.images), so an
    object never changes. The bucket (or the CDN in front, MEDIA_CDN_DOMAIN)
    must allow anonymous reads of its objects.
    """
    bucket = os.environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    options = {
        "bucket_name": bucket,
        "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
        "access_key": os.environ.get("S3_ACCESS_KEY_ID", ""),
        "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
        "region_name": os.environ.get("S3_REGION") or "us-east-1",
        # boto3 signs with SigV2 when endpoint_url is set and no version is given.
        "signature_version": "s3v4",
        # Most self-hosted S3 servers (SeaweedFS, MinIO, Garage) want path-style.
        "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or "path",
        "querystring_auth": False,
        "file_overwrite": False,
        "default_acl": None,  # public reads come from the bucket policy or the CDN
        "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        # Connect and read timeouts: an unreachable store fails an upload with a form
        # error within seconds instead of holding the request.
        "client_config": _s3_client_config(),
    }
    cdn = os.environ.get("MEDIA_CDN_DOMAIN", "").strip()
    if cdn:
        # e.g. media.example.org (a CDN in front of the bucket): addresses on that domain.
        options["custom_domain"] = cdn
        options["url_protocol"] = os.environ.get("MEDIA_CDN_PROTOCOL") or "https:"
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


def _s3_client_config():
    from botocore.config import Config

    return Config(
        connect_timeout=env_int("S3_TIMEOUT_SECONDS", 5),
        read_timeout=env_int("S3_TIMEOUT_SECONDS", 5),
        retries={"max_attempts": 2, "mode": "standard"},
        signature_version="s3v4",
        s3={"addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or "path"},
    )


# Files staff upload for the site's own use, never published (a WordPress export
# waiting for the task worker, with its commenters' addresses): a folder outside
# MEDIA_ROOT, or the bucket's private/ prefix, read only through signed requests.
PRIVATE_ROOT = Path(os.environ.get("PRIVATE_ROOT") or BASE_DIR / "private")


def private_storage(media):
    if media["BACKEND"].endswith("FileSystemStorage"):
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
        }
    options = {
        **media["OPTIONS"],
        "location": "private",
        "default_acl": "private",
        "querystring_auth": True,
        "object_parameters": {"CacheControl": "no-store"},
    }
    options.pop("custom_domain", None)
    return {"BACKEND": media["BACKEND"], "OPTIONS": options}


STORAGES = {
    "default": media_storage(),
    "private": private_storage(media_storage()),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# How many app servers serve this site. With more than one, everything they share
# must live off the machine: the page cache and its tags, rate limits (Redis via
# CACHE_URL) and the uploaded images (S3_BUCKET, or MEDIA_ROOT on a shared file
# system: MEDIA_ROOT_SHARED=1). Production refuses to start otherwise, because a
# publish on one server would leave the other's pages stale, and photos uploaded
# through one would be missing on the other.
APP_SERVERS = env_int("APP_SERVERS", 1)


def per_machine_state(caches, storages):
    """What in these settings lives on one machine only (empty: fit for several servers)."""
    found = []
    backend = caches["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "filebased.FileBasedCache", "dummy.DummyCache")):
        found.append(
            f"CACHE_URL gives a cache on one machine ({backend.rsplit('.', 1)[-1]}); "
            "set CACHE_URL=redis://…"
        )
    if storages["default"]["BACKEND"].endswith("FileSystemStorage") and not env_bool(
        "MEDIA_ROOT_SHARED"
    ):
        found.append(
            "uploaded images are stored in this machine's MEDIA_ROOT; set S3_BUCKET (or "
            "MEDIA_ROOT_SHARED=1 when MEDIA_ROOT is a file system every server mounts)"
        )
    return found


if not DEBUG and APP_SERVERS > 1:
    problems = per_machine_state(CACHES, STORAGES)
    if problems:
        raise ImproperlyConfigured(
            f"APP_SERVERS={APP_SERVERS}, but " + "; and ".join(problems) + "."
        )

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# django-anymail, for a provider's API backend (EMAIL_BACKEND=anymail.backends.…) and
# its bounce and complaint webhooks (subscriptions/bounces.py): every ANYMAIL_<NAME>
# variable becomes ANYMAIL["<NAME>"], e.g. ANYMAIL_POSTMARK_SERVER_TOKEN. The webhooks
# answer only once ANYMAIL_WEBHOOK_SECRET ("user:password", long and random) is set.
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
if ANYMAIL.get("WEBHOOK_SECRET") and ":" not in ANYMAIL["WEBHOOK_SECRET"]:
    raise ImproperlyConfigured('ANYMAIL_WEBHOOK_SECRET must be "user:password".')

# Image library uploads: larger files, pixel counts or sides are refused with a
# form error (a decompression bomb never reaches the decoder). For an animation the
# pixel limit counts all its frames together. statements/images.py reads these.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_MB", 10) * 1024 * 1024
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_MEGAPIXELS", 50) * 1_000_000
IMAGE_MAX_SIDE = env_int("IMAGE_MAX_SIDE", 12_000)
IMAGE_MAX_FRAMES = env_int("IMAGE_MAX_FRAMES", 1000)
# Django keeps uploads up to this size in memory; the image limit is checked
# before Pillow decodes anything.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# The organization's name, shown in the header, titles and feeds.
SITE_NAME = os.environ.get("SITE_NAME", "Advocacy Statements")
SITE_TAGLINE = os.environ.get("SITE_TAGLINE", "Statements, reposts and responses")
STATEMENTS_PER_PAGE = env_int("STATEMENTS_PER_PAGE", 10)
# Lists stop after this many pages and point to the archive for older statements.
LIST_MAX_PAGES = env_int("LIST_MAX_PAGES", 50)
# Every save of a statement keeps a revision; 0 keeps them all, N each statement's newest N.
REVISIONS_KEEP = env_int("REVISIONS_KEEP", 0)
# At most one "waiting for review" mail to the Editors per this many minutes.
REVIEWS_NOTIFY_INTERVAL_MINUTES = env_int("REVIEWS_NOTIFY_INTERVAL_MINUTES", 15)

# The Figure button of the body editor; what it may produce is exactly what
# statements.sanitize lets through.
STATEMENT_BODY_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "Figure": True,
    "Caption": True,
    "Image": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "History": True,
    "Typographic": True,
}

# Security ------------------------------------------------------------------
# The admin lives here; a less guessable path keeps drive-by scanners off it.
ADMIN_URL_PATH = os.environ.get("ADMIN_URL_PATH", "admin/").strip("/") + "/"
# The Figure dialog's "Browse…" opens the image library's picker (editing/picker.py).
STATEMENT_BODY_EXTENSIONS["Figure"] = {"pickerUrl": f"/{ADMIN_URL_PATH}statements/image/picker/"}
# Enter after a figure starts a new paragraph (editing/static/editing/figure-exit.js).
STATEMENT_BODY_EXTENSIONS["FigureExit"] = True
# The Figure dialog asks for a figure's own credit too (editing/static/editing/figure-credit.js).
STATEMENT_BODY_EXTENSIONS["FigureCredit"] = True
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [lazy(static, str)("editing/figure-exit.js")],
        # It adds no tags or attributes to what a body may hold (statements/sanitize.py).
        "extensions": {"FigureExit": lambda config, shared_config: None},
    },
    {
        "js": [lazy(static, str)("editing/figure-credit.js")],
        # data-credit on <img>: statements/sanitize.py's allow-list is the one applied.
        "extensions": {"FigureCredit": lambda config, shared_config: None},
    },
]

AUTHENTICATION_BACKENDS = [
    # Counts failed logins per username + client address, with a cool-off, so
    # an attacker can neither guess on forever nor lock every editor out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Staff must also type a one-time code from an authenticator app (TOTP) to
# enter the admin. Give each staff member a device first: manage.py totp_device.
STAFF_TWO_FACTOR = env_bool("STAFF_TWO_FACTOR")
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "Advocacy Statements")

AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "advocacy.security.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False
# Keeps a comment's text when its token is missing or stale (comments.views).
CSRF_FAILURE_VIEW = "comments.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Only when a proxy of ours terminates TLS and sets this header (and strips any
# the client sent) may Django believe it; otherwise anyone could claim HTTPS.
if env_bool("TRUSTED_PROXY_SETS_X_FORWARDED_PROTO"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

SILENCED_SYSTEM_CHECKS = []
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a promise to browsers that is slow to take back; it is the
        # site owner's opt-in (SECURE_HSTS_PRELOAD=1), so its warning is silenced.
        SILENCED_SYSTEM_CHECKS.append("security.W021")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.request": {"level": "ERROR"}},
}

# Comments ------------------------------------------------------------------
# Every number below is a default a site can change through the environment.
COMMENTS_MAX_DEPTH = env_int("COMMENTS_MAX_DEPTH", 3)  # 1 = no replies
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)  # 0 = never
COMMENTS_AUTO_APPROVE_KNOWN = env_bool("COMMENTS_AUTO_APPROVE_KNOWN")
COMMENTS_MAX_LINKS = env_int("COMMENTS_MAX_LINKS", 2)
COMMENTS_MIN_SECONDS = env_int("COMMENTS_MIN_SECONDS", 3)
COMMENTS_RATE_LIMIT = env_int("COMMENTS_RATE_LIMIT", 5)
COMMENTS_RATE_WINDOW_SECONDS = env_int("COMMENTS_RATE_WINDOW_SECONDS", 600)
COMMENTS_DUPLICATE_WINDOW_SECONDS = env_int("COMMENTS_DUPLICATE_WINDOW_SECONDS", 900)
# Live arithmetic questions kept per client address; its oldest go first.
COMMENTS_LIVE_QUESTIONS_PER_CLIENT = env_int("COMMENTS_LIVE_QUESTIONS_PER_CLIENT", 20)
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 30)
# Moderators are mailed when comments wait, at most once per this many minutes.
COMMENTS_NOTIFY_INTERVAL_MINUTES = env_int("COMMENTS_NOTIFY_INTERVAL_MINUTES", 15)
# Who gets that mail; empty means every active member of the Moderators group.
COMMENTS_MODERATOR_EMAILS = env_list("COMMENTS_MODERATOR_EMAILS")
# The Approve / Spam links of that mail work once, for this many hours.
COMMENTS_MODERATION_LINK_HOURS = env_int("COMMENTS_MODERATION_LINK_HOURS", 72)
# Show the arithmetic question as an image (for sites under attack) instead of text.
COMMENTS_CAPTCHA_IMAGE = env_bool("COMMENTS_CAPTCHA_IMAGE")

# django-simple-captcha: our arithmetic question, single use (comments.captcha).
CAPTCHA_CHALLENGE_FUNCT = "comments.captcha.arithmetic_challenge"
CAPTCHA_TIMEOUT = env_int("CAPTCHA_TIMEOUT_MINUTES", 30)  # long enough to write a comment
CAPTCHA_GET_FROM_POOL = False
CAPTCHA_TEST_MODE = False  # never on: comments.checks refuses it outside DEBUG
# Image mode only: DejaVu Sans has all four operator glyphs (the bundled Vera
# draws a box for U+2044); the operators must be "punctuation" or the package
# clips them.
CAPTCHA_FONT_PATH = os.environ.get(
    "CAPTCHA_FONT_PATH", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
)
CAPTCHA_FONT_SIZE = 26
CAPTCHA_LETTER_ROTATION = (-12, 12)
CAPTCHA_NOISE_FUNCTIONS = ("captcha.helpers.noise_dots",)
CAPTCHA_PUNCTUATION = " +=\u2212\u00d7\u2044"
CAPTCHA_FLITE_PATH = None  # no audio: the stock audio drops our operators
# The public address of the site, for links in mails sent outside a request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How many reverse proxies of ours append to X-Forwarded-For (0: use the socket address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Email subscriptions (README "Email subscriptions") --------------------------
# Mails sent per batch, and at most this many per second (0: no limit).
SUBSCRIPTIONS_BATCH_SIZE = env_int("SUBSCRIPTIONS_BATCH_SIZE", 200)
SUBSCRIPTIONS_MAX_PER_SECOND = env_int("SUBSCRIPTIONS_MAX_PER_SECOND", 20)
# "summary" (title, summary, link) or "full" (the whole statement) in each mail.
SUBSCRIPTIONS_MAIL_CONTENT = os.environ.get("SUBSCRIPTIONS_MAIL_CONTENT", "summary").strip()
if SUBSCRIPTIONS_MAIL_CONTENT not in ("summary", "full"):
    raise ImproperlyConfigured("SUBSCRIPTIONS_MAIL_CONTENT must be 'summary' or 'full'.")
# A confirmation link expires after this many days.
SUBSCRIPTIONS_CONFIRM_DAYS = env_int("SUBSCRIPTIONS_CONFIRM_DAYS", 7)
# At most one confirmation mail per address per this many minutes, whatever is posted.
SUBSCRIPTIONS_CONFIRM_INTERVAL_MINUTES = env_int("SUBSCRIPTIONS_CONFIRM_INTERVAL_MINUTES", 60)
# A statement whose publish time is older than this when it goes live (an
# import, a back-dated post) is not mailed.
SUBSCRIPTIONS_MAIL_MAX_AGE_HOURS = env_int("SUBSCRIPTIONS_MAIL_MAX_AGE_HOURS", 48)
# Digests: the hour (TIME_ZONE) daily and weekly digests go out, and the weekday
# of the weekly one (0 = Monday).
SUBSCRIPTIONS_DIGEST_HOUR = env_int("SUBSCRIPTIONS_DIGEST_HOUR", 7)
SUBSCRIPTIONS_WEEKLY_DAY = env_int("SUBSCRIPTIONS_WEEKLY_DAY", 0)
# Sender of subscribers' mail (default DEFAULT_FROM_EMAIL).
SUBSCRIPTIONS_FROM_EMAIL = os.environ.get("SUBSCRIPTIONS_FROM_EMAIL", "") or DEFAULT_FROM_EMAIL
# Posts of the subscribe form per client address per 10 minutes.
SUBSCRIPTIONS_RATE_LIMIT = env_int("SUBSCRIPTIONS_RATE_LIMIT", 10)
