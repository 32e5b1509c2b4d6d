"""The one settings file of bianban, driven by environment variables (see README, 配置)."""

import os
import sys
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BIANBAN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TESTING = "pytest" in sys.modules or os.environ.get("BIANBAN_TESTING") == "1"
DEBUG = env_bool("DEBUG", default=False)
# The development key is refused in production by `bianban serve` unless DEBUG is on (see core/checks.py).
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-bianban-key-change-me")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "bianban.core",
    "bianban.accounts",
    "bianban.units",
    "bianban.people",
    "bianban.staffing",
    "bianban.ledger",
    "bianban.checks",
    "bianban.party",
    "bianban.duties",
    "bianban.registration",
    "bianban.reports",
    "bianban.demo",
    "bianban.bench",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bianban.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bianban.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "bianban.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "bianban.urls"
WSGI_APPLICATION = "bianban.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "bianban" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bianban.accounts.context_processors.navigation",
            ],
        },
    },
]

# SQLite is the embedded default (file under var/); PostgreSQL 15+ through DATABASE_URL.
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'bianban.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL with synchronous=FULL keeps every commit durable and lets readers run beside the one writer;
    # IMMEDIATE makes writers queue for the lock at BEGIN instead of failing with "database is locked"
    # halfway through a transaction (measured: ~1,900 enrol transactions/s in WAL vs ~670 in the rollback journal).
    DATABASES["default"]["OPTIONS"] = {
        # cache_size/mmap_size: a province-scale file (~1 GB) keeps its hot index pages in memory; neither
        # touches durability.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA cache_size=-65536; PRAGMA mmap_size=268435456;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    # Tests use a file, not the shared in-memory database, so that threads (the concurrency tests) get real
    # file locking with WAL and the busy timeout, as in production.
    # One file per test process, so that two runs side by side never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_bianban_{os.getpid()}.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: this workload's queries are short, and compiling them cost more than it saved (the full check run's
    # charter comparison took 0.74 s with JIT, 0.26 s without, over the province-scale register).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Argon2id (argon2-cffi) for new and changed passwords; PBKDF2 hashes from before still verify and are upgraded
# at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Simplified Chinese only: no LocaleMiddleware, since headless browsers send Accept-Language: en-US.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "bianban" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"

# Background work: the django-tasks API, stored in the database and run by `db_worker` (no Redis).
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TESTING
        else "django_tasks_db.DatabaseBackend",
    }
}

# Sessions end after SESSION_COOKIE_AGE (a working day) and when the browser closes (等保三级: 登录会话超时).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "bianban.core.api.csrf_failure"

# Served over HTTPS behind a reverse proxy (BIANBAN_HTTPS=true, the production setting; docs/operations.md): secure
# cookies, redirect to HTTPS, HSTS. Off by default so that `make run` works on http://127.0.0.1.
HTTPS = env_bool("BIANBAN_HTTPS", default=False)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Entering the browsers' HSTS preload list is the domain owner's decision, not the application's.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Scripts only from our static files; styles also inline (style attributes in templates, Swagger UI); images may
# be data: URIs (Bootstrap icons, Swagger UI). No frames, plugins or foreign form targets.
CONTENT_SECURITY_POLICY = os.environ.get("CONTENT_SECURITY_POLICY", "; ".join([
    "default-src 'self'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:",
    "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
    "frame-ancestors 'none'",
]))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"request_id": {"()": "bianban.core.middleware.RequestIdLogFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# bianban's own settings. Rules that sources disagree on are settings, not constants (domain.md).
BIANBAN = {
    # Failed-login throttling: this many failures for one username (or from one address) within the window
    # lock further attempts until the window has passed.
    "LOGIN_MAX_FAILURES": int(os.environ.get("BIANBAN_LOGIN_MAX_FAILURES", "5")),
    "LOGIN_FAILURE_WINDOW_MINUTES": int(os.environ.get("BIANBAN_LOGIN_FAILURE_WINDOW_MINUTES", "15")),
    "PAGE_SIZE": 50,
    # 超编控制 for new quota lines, per 编制类型: "block" refuses, "warn" allows with a recorded reason.
    "QUOTA_ENFORCEMENT": {"administrative": "block", "political_legal": "block", "institution": "block",
                          "service_worker": "block", "other": "block"},
    # Whether 入编 on a new line needs a 用编核准 (先核编、后进人, domain.md §2.3); local practice varies.
    "QUOTA_REQUIRES_APPROVAL": env_bool("BIANBAN_QUOTA_REQUIRES_APPROVAL", default=False),
    # Background tasks `bianban scheduler` queues once a day at DAILY_AT (local time).
    "DAILY_TASKS": ["bianban.staffing.tasks.expire_approvals", "bianban.duties.reminders.tasks.refresh_reminders",
                    "bianban.registration.overdue.registration_overdue"],
    "DAILY_AT": os.environ.get("BIANBAN_DAILY_AT", "01:00"),
    # A task run by a plain `db_worker` (no liveness lock) is put back on the queue after this long RUNNING;
    # `bianban worker` requeues its dead workers' tasks at once (core/tasks_recovery.py).
    "TASK_LEASE_MINUTES": int(os.environ.get("BIANBAN_TASK_LEASE_MINUTES", "60")),
    # Largest roster workbook accepted for import, in MB.
    "IMPORT_MAX_MB": int(os.environ.get("BIANBAN_IMPORT_MAX_MB", "50")),
    "API_MAX_LIMIT": 500,
    # Party branch rules where sources disagree (domain.md §6): make them settings, not constants.
    "PARTY": {
        "TERM_YEARS": 3,  # 支委会每届任期 default, 3–5 (党章第三十一条; 条例第二十一条: 机关一般3年)
        "TERM_REMINDER_MONTHS": [6, 3],  # remind before the term ends
        "COMMITTEE_MIN_FULL_MEMBERS": 7,  # 条例: ≥7 正式党员 set up a 支部委员会, fewer only a 书记
        "PROBATION_MONTHS": 12,  # 党章第七条
        "PROBATION_EXTENSION_MONTHS": [6, 12],  # an extension is at least 6 and at most 12 months
        "EXCELLENT_MAX_SHARE": [1, 3],  # 民主评议: 优秀 at most one third of the members
        # 民主评议 grades in use; some older local rules use only 优秀/合格/不合格 (domain.md §6.4).
        "APPRAISAL_GRADES": ["EXCELLENT", "QUALIFIED", "BASIC", "UNQUALIFIED"],
        "LECTURE_PERIOD": "quarter",  # 党课: no national frequency; common local rule quarterly
    },
    # The reminder list (issue 6): what falls due within HORIZON_DAYS, or is overdue, from each source below;
    # e-mailed once a day when EMAIL is on and SMTP is configured (EMAIL_HOST).
    "REMINDERS": {
        "HORIZON_DAYS": 14,
        # Absolute links in the e-mail digest (e.g. "https://bianban.example.gov.cn"); relative paths when empty.
        "BASE_URL": os.environ.get("BIANBAN_BASE_URL", ""),
        "EMAIL": env_bool("BIANBAN_REMINDER_EMAIL", default=False),
        "SOURCES": [
            "bianban.duties.items.due.due",
            "bianban.duties.projects.due.due",
            "bianban.duties.ideology.due.due",
            "bianban.duties.integrity.due.due",
            "bianban.duties.reminders.sources.compliance_due",
            "bianban.duties.reminders.sources.problems_due",
            "bianban.registration.due.due",
        ],
    },
    # Working days a problem raised on a household visit has for an answer from its department.
    "VISIT_DEADLINE_WORKDAYS": int(os.environ.get("BIANBAN_VISIT_DEADLINE_WORKDAYS", "30")),
    # 廉政提醒: working days before a key date (元旦、春节 …) that its reminder falls due.
    "KEY_DATE_LEAD_WORKDAYS": 5,
    # 事业单位登记 (domain.md §3.2–3.4). Sources disagree on some of these; they are settings, not constants.
    "REGISTRATION": {
        "AUTHORITY": os.environ.get("BIANBAN_REGISTRATION_AUTHORITY", "事业单位登记管理局"),
        "CHANGE_FILING_WORKDAYS": 30,  # 实施细则 Art. 45: a change is filed within 30 working days of it
        "DECISION_WORKDAYS": 30,  # the authority decides within 30 working days of accepting
        "CANCEL_FILING_WORKDAYS": 15,  # 注销 applied for within 15 (working) days after 清算 ends
        "CERTIFICATE_YEARS": 5,  # 法人证书 valid 5 years
        "RENEWAL_DAYS_BEFORE": 30,  # renewal in the 30 days before expiry
        "CAPITAL_CHANGE_SHARE": "0.20",  # 开办资金 changed by more than ±20% needs a 变更登记
        "ANNUAL_REPORT_DUE": (3, 31),  # 年度报告 window 1 January – 31 March of the next year
    },
    # Most rows one xlsx export of a list (the ledger) may hold; larger selections are refused with a hint.
    "EXPORT_MAX_ROWS": int(os.environ.get("BIANBAN_EXPORT_MAX_ROWS", "20000")),
    # 整改时限 of a problem opened by verification, in working days from the run's date.
    "CHECK_DEADLINE_WORKDAYS": int(os.environ.get("BIANBAN_CHECK_DEADLINE_WORKDAYS", "30")),
}

# Outgoing mail (the reminder digest): SMTP only when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "bianban@localhost")
