"""Optional two-factor login for staff (STAFF_TWO_FACTOR)."""

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from advocacy.two_factor import require_two_factor
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"


@pytest.fixture
def two_factor_admin():
    require_two_factor(admin.site)
    yield
    admin.site.__class__ = AdminSite
    del admin.site.login_form


@pytest.fixture
def editor_with_device():
    editor = factories.make_editor("rosa")
    editor.set_password(PASSWORD)
    editor.save()
    out = StringIO()
    call_command("totp_device", "rosa", stdout=out)
    assert "otpauth://totp/" in out.getvalue()
    return editor, TOTPDevice.objects.get(user=editor)


def log_in(client, token):
    return client.post(
        reverse("admin:login"),
        {"username": "rosa", "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_password_alone_is_not_enough(two_factor_admin, editor_with_device):
    client = Client()
    response = log_in(client, "")
    assert response.status_code == 200  # the login form again, with an error
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_wrong_code_is_refused(two_factor_admin, editor_with_device):
    _, device = editor_with_device
    wrong = f"{(int(current_code(device)) + 1) % 1_000_000:06d}"
    client = Client()
    log_in(client, wrong)
    assert client.get(reverse("admin:index")).status_code == 302


def test_password_and_the_apps_code_let_staff_in(two_factor_admin, editor_with_device):
    _, device = editor_with_device
    client = Client()
    response = log_in(client, current_code(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_off_by_default_password_is_enough(editor_with_device):
    client = Client()
    assert log_in(client, "").status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_device_command_refuses_to_replace_silently(editor_with_device):
    with pytest.raises(CommandError):
        call_command("totp_device", "rosa", stdout=StringIO())
    call_command("totp_device", "rosa", "--reset", stdout=StringIO())
    assert TOTPDevice.objects.filter(user__username="rosa").count() == 1
