"""The admin login: failed attempts limited per username + address, strong passwords, the path.

django-axes counts failures for the pair (username, client address). The address
comes from advocacy.security.client_ip, which believes X-Forwarded-For only as far
as TRUSTED_PROXY_COUNT says proxies of ours wrote it.
"""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from advocacy.security import client_ip
from tests import factories

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
VICTIM_HOME = "198.51.100.20"
PROXY = "10.0.0.2"
WRONG = "not-the-password-at-all"


def attempt(username, password, address, forwarded_for=None):
    """One login attempt from a fresh browser; returns the response."""
    headers = {"x-forwarded-for": forwarded_for} if forwarded_for else None
    return Client(REMOTE_ADDR=address).post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        headers=headers,
    )


def logged_in(response):
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def locked_out(response):
    return response.status_code == 429


def fail_until_locked(username, address, forwarded_for=lambda n: None):
    responses = [
        attempt(username, WRONG, address, forwarded_for(n))
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    # The first failures are the ordinary "wrong password" form; the last one locks.
    assert all(r.status_code == 200 for r in responses[:-1])
    assert locked_out(responses[-1])
    return responses


@pytest.fixture
def victim():
    return factories.make_user("alex", staff=True, is_superuser=True)


@pytest.fixture
def colleague():
    return factories.make_user("chris", staff=True, is_superuser=True)


def test_the_limit_is_five_with_a_cool_off():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_a_wrong_password_is_an_ordinary_form_error(victim):
    response = attempt(victim.username, WRONG, ATTACKER)
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()


def test_five_failures_lock_that_username_from_that_address(victim):
    fail_until_locked(victim.username, ATTACKER)
    # Now even the right password is refused from there, without a session.
    response = attempt(victim.username, factories.PASSWORD, ATTACKER)
    assert locked_out(response)
    assert settings.SESSION_COOKIE_NAME not in response.cookies


def test_the_same_username_from_another_address_still_logs_in(victim):
    fail_until_locked(victim.username, ATTACKER)
    assert logged_in(attempt(victim.username, factories.PASSWORD, VICTIM_HOME))


def test_another_user_from_the_locked_address_still_logs_in(victim, colleague):
    """One office, one shared address: one person's typos do not lock the others out."""
    fail_until_locked(victim.username, ATTACKER)
    assert logged_in(attempt(colleague.username, factories.PASSWORD, ATTACKER))


def test_an_unknown_username_is_limited_too(victim):
    fail_until_locked("nobody-by-this-name", ATTACKER)
    assert locked_out(attempt("nobody-by-this-name", "anything", ATTACKER))


def test_the_lock_ends_after_the_cool_off(victim):
    fail_until_locked(victim.username, ATTACKER)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time
        - settings.AXES_COOLOFF_TIME
        - timedelta(seconds=1)
    )
    assert logged_in(attempt(victim.username, factories.PASSWORD, ATTACKER))


def test_a_success_resets_the_count(victim):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(victim.username, WRONG, ATTACKER).status_code == 200
    assert logged_in(attempt(victim.username, factories.PASSWORD, ATTACKER))
    # Four more failures are again below the limit.
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert attempt(victim.username, WRONG, ATTACKER).status_code == 200
    assert logged_in(attempt(victim.username, factories.PASSWORD, ATTACKER))


# --- the address: never from a header the client can forge ------------------------------------


def test_rotating_a_forged_forwarded_for_does_not_escape_the_lock(victim):
    assert settings.TRUSTED_PROXY_COUNT == 0
    fail_until_locked(victim.username, ATTACKER, forwarded_for=lambda n: f"192.0.2.{n + 1}")
    assert locked_out(attempt(victim.username, factories.PASSWORD, ATTACKER, "192.0.2.200"))
    assert AccessAttempt.objects.get().ip_address == ATTACKER


def test_a_forged_forwarded_for_cannot_lock_out_someone_elses_address(victim):
    fail_until_locked(victim.username, ATTACKER, forwarded_for=lambda n: VICTIM_HOME)
    assert logged_in(attempt(victim.username, factories.PASSWORD, VICTIM_HOME))


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_one_trusted_proxy_the_last_forwarded_entry_is_the_client(victim):
    # The client may put anything before the entry our proxy appends.
    client_says = lambda n: f"192.0.2.{n + 1}, {ATTACKER}"  # noqa: E731
    fail_until_locked(victim.username, PROXY, forwarded_for=client_says)
    assert AccessAttempt.objects.get().ip_address == ATTACKER
    assert locked_out(
        attempt(victim.username, factories.PASSWORD, PROXY, f"{VICTIM_HOME}, {ATTACKER}")
    )
    # Someone else, through the same proxy, is not affected.
    assert logged_in(attempt(victim.username, factories.PASSWORD, PROXY, VICTIM_HOME))


def _request(remote_addr="203.0.113.9", forwarded_for=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


CLIENT_IPS = [
    # (TRUSTED_PROXY_COUNT, REMOTE_ADDR, X-Forwarded-For, expected)
    (0, "203.0.113.9", None, "203.0.113.9"),
    (0, "203.0.113.9", "1.2.3.4", "203.0.113.9"),
    (0, "2001:db8::1", "1.2.3.4", "2001:db8::1"),
    (1, PROXY, "1.2.3.4", "1.2.3.4"),
    (1, PROXY, "6.6.6.6, 1.2.3.4", "1.2.3.4"),
    (1, PROXY, " 6.6.6.6 ,1.2.3.4 ", "1.2.3.4"),
    (2, PROXY, "6.6.6.6, 1.2.3.4, 10.0.0.1", "1.2.3.4"),
    (1, PROXY, "2001:DB8::5", "2001:db8::5"),
    (1, "not an address", None, None),
]


@pytest.mark.parametrize(("proxies", "remote", "forwarded", "expected"), CLIENT_IPS)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(remote, forwarded)) == expected


def test_client_ip_is_none_when_the_chosen_entry_is_not_an_address(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(PROXY, "<script>")) is None
    assert client_ip(_request(PROXY, "1.2.3.4\x00")) is None


# --- passwords, sessions, the admin's address ------------------------------------------------


def test_passwords_go_through_djangos_validators():
    names = {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {"MinimumLengthValidator", "CommonPasswordValidator"} <= names
    for weak in ("abc", "password", "12345678", "qwerty123"):
        with pytest.raises(ValidationError):
            validate_password(weak)
    validate_password("correct horse battery staple 2024")


def test_weak_password_refused_when_staff_set_one(admin_client, victim):
    url = reverse("admin:auth_user_password_change", args=[victim.pk])
    response = admin_client.post(url, {"password1": "password", "password2": "password"})
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    victim.refresh_from_db()
    assert victim.check_password(factories.PASSWORD)


def test_sessions_expire_within_twelve_hours():
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY is True


def test_the_admin_lives_at_the_configured_path():
    assert reverse("admin:index") == "/" + settings.ADMIN_URL_PATH


def test_admin_url_path_setting_moves_the_admin():
    base_dir = Path(settings.BASE_DIR)
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SECRET_KEY"}}
    env.update(DJANGO_SETTINGS_MODULE="advocacy.settings", DEBUG="1", ADMIN_URL_PATH="office/")
    code = (
        "from django.urls import reverse, resolve, Resolver404\n"
        "print(reverse('admin:index'), reverse('admin:login'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('admin/ is gone')\n"
    )
    result = subprocess.run(
        [sys.executable, str(base_dir / "manage.py"), "shell", "-v", "0", "-c", code],
        env=env,
        cwd=base_dir,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["/office/", "/office/login/", "admin/", "is", "gone"]
