"""Consent, export and erasure of a subscriber; an erased address is never imported again."""

import json
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from background.models import OutgoingMail
from subscriptions import mails
from subscriptions.models import Delivery, ErasedAddress, Subscriber
from tests import factories

from .conftest import make_subscriber, path_of, subscribe_data

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_export_lists_the_subscription_with_its_consent(django_capture_on_commit_callbacks):
    housing = factories.make_topic("Housing")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(
            "/subscribe/",
            subscribe_data("rosa@example.net", scope="chosen", topics=["housing"], source="/x/"),
        )
    data = json.loads(run("export_commenter", "Rosa@Example.net"))
    subscription = data["subscription"]
    assert subscription["email"] == "rosa@example.net"
    assert subscription["state"] == "pending"
    assert subscription["topics"] == [housing.name]
    assert subscription["consent_text"].startswith("Send me new statements by email")
    assert subscription["consent_version"]
    assert subscription["subscribed_on_page"] == "/x/"
    assert subscription["consented_at"]
    assert "ip" not in json.dumps(subscription).lower().replace("description", "")
    assert data["comments"] == []


def test_export_of_an_unknown_address_has_no_subscription():
    assert json.loads(run("export_commenter", "nobody@example.org"))["subscription"] is None


def test_erase_deletes_the_subscriber_and_keeps_only_a_hash(
    django_capture_on_commit_callbacks, editor
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/subscribe/", subscribe_data("rosa@example.net"))
    subscriber = Subscriber.objects.get()
    subscriber.state = Subscriber.State.CONFIRMED
    subscriber.save()
    statement = factories.make_published("Rent freeze now", days_ago=10)
    Delivery.objects.create(subscriber=subscriber, statement=statement, state="sent")
    LogEntry.objects.log_actions(editor.pk, [subscriber], CHANGE, single_object=True)
    assert LogEntry.objects.filter(object_repr="rosa@example.net").exists()
    assert OutgoingMail.objects.get().recipients == ["rosa@example.net"]
    token_path = path_of(mails.unsubscribe_url(subscriber))

    out = run("erase_commenter", "rosa@example.net", "--yes")
    assert "email subscription" in out
    assert Subscriber.objects.count() == 0
    delivery = Delivery.objects.get()
    assert delivery.subscriber is None and delivery.state == "sent"  # the count stays
    assert OutgoingMail.objects.count() == 0  # the confirmation mail kept for sending once
    assert not LogEntry.objects.filter(object_repr__contains="rosa").exists()
    [erased] = ErasedAddress.objects.all()
    assert "rosa" not in erased.address_hash and len(erased.address_hash) == 64
    # The old mail's link names nobody now.
    assert Client().post(token_path).status_code == 404


def test_an_erased_address_is_not_imported_again(tmp_path):
    make_subscriber("rosa@example.net")
    run("erase_commenter", "rosa@example.net", "--yes")
    listing = tmp_path / "list.csv"
    listing.write_text(
        "email,name\nROSA@example.net,Rosa\nsam@example.org,Sam\nnot-an-address,X\n"
    )
    out = run("import_subscribers", str(listing), "--consent-text", "Signed up at the 2025 march")
    assert "imported: 1" in out and "erased: 1" in out and "invalid: 1" in out
    [sam] = Subscriber.objects.all()
    assert sam.email == "sam@example.org"
    assert sam.state == Subscriber.State.CONFIRMED
    assert sam.consent_text == "Signed up at the 2025 march"
    assert sam.confirmed_at <= timezone.now()
    # Run again: nothing new.
    out = run("import_subscribers", str(listing), "--consent-text", "again")
    assert "imported: 0" in out and "already here: 1" in out


def test_an_erased_person_may_subscribe_again_themselves(
    django_capture_on_commit_callbacks, mailoutbox
):
    make_subscriber("rosa@example.net")
    run("erase_commenter", "rosa@example.net", "--yes")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/subscribe/", subscribe_data("rosa@example.net"))
    assert (
        Subscriber.objects.get().state == Subscriber.State.PENDING
    )  # fresh consent, confirmed by mail
    assert len(mailoutbox) == 1
