"""A reader subscribes, confirms from the mail, receives the next statement, and leaves in one click.

Everything through a real SMTP server on loopback: the mails are read as a
subscriber's mail program would (headers, parts, links).
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from subscriptions.models import Delivery, Subscriber
from tests import factories

from .conftest import html_part, link_to, subscribe_data, text_part

pytestmark = pytest.mark.django_db


def subscribe(client, capture, **data):
    with capture(execute=True):
        return client.post(reverse("subscriptions:subscribe"), subscribe_data(**data))


def test_a_reader_subscribes_confirms_receives_and_leaves_with_one_click(
    smtp, django_capture_on_commit_callbacks
):
    # A strict client: a form that needed a CSRF token would fail here.
    reader = Client(enforce_csrf_checks=True)
    home = reader.get("/")
    assert 'action="/subscribe/"' in home.content.decode()
    assert "csrfmiddlewaretoken" not in home.content.decode()

    response = subscribe(reader, django_capture_on_commit_callbacks, email="Rosa@Example.net")
    assert response.status_code == 303
    assert response["Location"] == reverse("subscriptions:sent")
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "rosa@example.net"
    assert subscriber.state == Subscriber.State.PENDING
    assert subscriber.consent_text and subscriber.consent_version and subscriber.consented_at

    [confirmation] = smtp.to("rosa@example.net")
    assert "Confirm" in confirmation["Subject"]
    confirm_path = link_to(text_part(confirmation), "/subscribe/confirm/")

    # Following the link (as a mail scanner does) only shows the button.
    page = reader.get(confirm_path)
    assert page.status_code == 200
    assert "Yes, subscribe me" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.PENDING
    page = reader.post(confirm_path)
    assert page.status_code == 200
    assert "You are subscribed" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
    assert subscriber.confirmed_at is not None

    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        statement = factories.make_published(
            "The river permit must be withdrawn",
            publish_at=timezone.now(),
            summary="Twelve villages depend on the river.",
        )
    [mail] = smtp.to("rosa@example.net")
    assert mail["Subject"] == "The river permit must be withdrawn"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = str(mail["List-Unsubscribe"]).strip().strip("<>")
    assert unsubscribe_url.startswith("http://testserver/subscribe/u/")
    text, html = text_part(mail), html_part(mail)
    assert "Twelve villages depend on the river." in text
    assert f"http://testserver{statement.get_absolute_url()}" in text
    assert f'href="http://testserver{statement.get_absolute_url()}"' in html
    assert link_to(text, "/subscribe/preferences/")
    assert Delivery.objects.get().state == Delivery.State.SENT

    # RFC 8058: a POST with no cookie and no CSRF token, from the mail program.
    mail_program = Client(enforce_csrf_checks=True)
    response = mail_program.post(
        link_to(unsubscribe_url, "/subscribe/u/"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert subscriber.unsubscribe_method == Subscriber.Method.ONE_CLICK
    assert subscriber.unsubscribed_at is not None

    smtp.clear()
    with django_capture_on_commit_callbacks(execute=True):
        factories.make_published("Another statement", publish_at=timezone.now())
    assert smtp.to("rosa@example.net") == []


def test_the_unsubscribe_link_opened_shows_a_button_and_unsubscribes_nobody(smtp, client):
    from subscriptions import mails

    from .conftest import make_subscriber, path_of

    subscriber = make_subscriber("sam@example.org")
    path = path_of(mails.unsubscribe_url(subscriber))
    for _ in range(3):  # scanners, prefetchers, the reader
        page = client.get(path)
        assert page.status_code == 200
        assert "Stop sending statements to sam@example.org?" in page.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
    response = client.post(path)  # the page's button
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert subscriber.unsubscribe_method == Subscriber.Method.LINK


def test_a_forged_or_cut_link_is_a_404_page(client):
    from .conftest import make_subscriber

    make_subscriber("sam@example.org")
    for name in (
        "subscriptions:unsubscribe",
        "subscriptions:preferences",
        "subscriptions:confirm",
    ):
        response = client.post(reverse(name, args=["1.abcdef:forged"]))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    assert Subscriber.objects.get().state == Subscriber.State.CONFIRMED
