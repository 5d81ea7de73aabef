"""Production mode: refuses to start half-configured, passes `check --deploy`, sends the headers.

The settings module is read once per process, so everything that depends on the
environment runs `manage.py` in a subprocess with a production environment built
from scratch (nothing leaks in from the test run's own environment).
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from tests import factories

BASE_DIR = Path(settings.BASE_DIR)
# Variables the settings read that a production test must not inherit from this run.
_SCRUBBED = {
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "ADMIN_URL_PATH",
    "TRUSTED_PROXY_COUNT",
    "TRUSTED_PROXY_SETS_X_FORWARDED_PROTO",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "DJANGO_SETTINGS_MODULE",
    "PYTHONSTARTUP",
    "ENV_FILE",
}


def production_env(tmp_path, **overrides):
    """A complete production environment; an override of None removes the variable."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        DJANGO_SETTINGS_MODULE="advocacy.settings",
        # A production machine has no development .env (this checkout may).
        ENV_FILE=os.devnull,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(48)[:50],
        ALLOWED_HOSTS="example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        LOG_LEVEL="WARNING",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env, *args):
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )


def production_settings(tmp_path, **overrides):
    """The security settings a production process ends up with, as a dict."""
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({"
        "'proxy': getattr(s, 'SECURE_PROXY_SSL_HEADER', None), "
        "'hsts': s.SECURE_HSTS_SECONDS, 'session_secure': s.SESSION_COOKIE_SECURE, "
        "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'csrf_secure': s.CSRF_COOKIE_SECURE, "
        "'ssl_redirect': s.SECURE_SSL_REDIRECT, 'debug': s.DEBUG}))"
    )
    result = manage(production_env(tmp_path, **overrides), "shell", "-v", "0", "-c", code)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- the deploy check and refusing to start ------------------------------------------------


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    result = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "System check identified no issues" in output
    assert "WARNING" not in output and "?: (" not in output


MISCONFIGURATIONS = {
    "no SECRET_KEY": ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    "empty SECRET_KEY": ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
    "short SECRET_KEY": ({"SECRET_KEY": "too-short-a-secret"}, "at least 40 characters"),
    "Django's insecure placeholder": (
        {"SECRET_KEY": "django-insecure-" + "x" * 40},
        "SECRET_KEY must be set",
    ),
    "no ALLOWED_HOSTS": ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must list"),
    "ALLOWED_HOSTS is *": ({"ALLOWED_HOSTS": "*"}, "never '*'"),
    "* among ALLOWED_HOSTS": ({"ALLOWED_HOSTS": "example.org,*"}, "never '*'"),
    "no DATABASE_URL": ({"DATABASE_URL": None}, "DATABASE_URL must be set"),
}


@pytest.mark.parametrize(
    ("overrides", "message"), MISCONFIGURATIONS.values(), ids=MISCONFIGURATIONS.keys()
)
def test_production_refuses_to_start_half_configured(tmp_path, overrides, message):
    result = manage(production_env(tmp_path, **overrides), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_unset_means_production(tmp_path):
    """Forgetting DEBUG must not fall back to a development setup."""
    result = manage(production_env(tmp_path, DEBUG=None, SECRET_KEY=None), "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_cookies_and_hsts(tmp_path):
    values = production_settings(tmp_path)
    assert values["debug"] is False
    assert values["hsts"] >= 365 * 24 * 60 * 60
    assert values["session_secure"] is True
    assert values["session_httponly"] is True
    assert values["csrf_secure"] is True
    assert values["ssl_redirect"] is True


def test_proxy_ssl_header_is_trusted_only_when_a_setting_says_so(tmp_path):
    assert production_settings(tmp_path)["proxy"] is None
    assert production_settings(tmp_path, TRUSTED_PROXY_SETS_X_FORWARDED_PROTO="0")["proxy"] is None
    trusted = production_settings(tmp_path, TRUSTED_PROXY_SETS_X_FORWARDED_PROTO="1")
    assert trusted["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


# --- in-process: hosts and headers -----------------------------------------------------------


def test_unknown_host_is_a_400(client, db):
    assert client.get("/", headers={"host": "attacker.example"}).status_code == 400
    assert client.get("/", headers={"host": "localhost"}).status_code == 200


def _directives(header):
    policy = {}
    for part in header.split(";"):
        name, _, value = part.strip().partition(" ")
        policy[name] = value.split()
    return policy


@pytest.fixture
def public_urls(db):
    topic = factories.make_topic("Water rights")
    organization = factories.make_organization("River Alliance")
    statement = factories.make_published(
        "Clean water now", topics=[topic], organizations=[organization]
    )
    return [
        reverse("statements:home"),
        statement.get_absolute_url(),
        topic.get_absolute_url(),
        organization.get_absolute_url(),
        reverse("statements:archive"),
        reverse("statements:search") + "?q=water",
        reverse("statements:feed-rss"),
        reverse("sitemap"),
        reverse("comments:question"),
        "/no-such-page/",  # error pages carry the headers too
    ]


def test_public_responses_carry_the_security_headers(client, public_urls):
    for url in public_urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        policy = _directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy.get("default-src", []), url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        for directive in policy.values():
            assert "'unsafe-eval'" not in directive, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        permissions = {p.strip() for p in response["Permissions-Policy"].split(",")}
        assert {"geolocation=()", "camera=()", "microphone=()"} <= permissions, url


def test_admin_pages_carry_the_headers_too(admin_client):
    response = admin_client.get(reverse("admin:index"))
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    # With a CSP, browsers ignore X-Frame-Options: the admin must not be frameable either.
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


@override_settings(
    SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_SSL_REDIRECT=True
)
def test_hsts_over_https_and_redirect_from_http(client, db):
    response = client.get("/", secure=True)
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/")
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")


def test_no_hsts_unless_configured(client, db):
    # The test settings are development settings: SECURE_HSTS_SECONDS is 0.
    assert "Strict-Transport-Security" not in client.get("/", secure=True)


def test_session_cookie_is_httponly_and_lax(client, db):
    user = factories.make_user("sam", staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": factories.PASSWORD, "next": "/"},
    )
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_cookies_are_secure_when_production_says_so(client, db):
    user = factories.make_user("sam", staff=True, is_superuser=True)
    response = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": factories.PASSWORD, "next": "/"},
        secure=True,
    )
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["secure"] is True
    page = client.get(reverse("comments:question"), secure=True)
    assert page.cookies[settings.CSRF_COOKIE_NAME]["secure"] is True
