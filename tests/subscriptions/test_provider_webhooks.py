"""Bounces and complaints from the mail provider, posted as the provider posts them.

Postmark's documented webhook bodies, through django-anymail's real view: a hard
bounce or a complaint suppresses the address, a soft bounce changes nothing, and
without the shared secret nothing is accepted.
"""

import base64
import json

import pytest
from django.test import Client

from subscriptions.models import Delivery, ReplyFollow, Subscriber
from tests.comments.conftest import make_comment

from .conftest import make_subscriber

pytestmark = pytest.mark.django_db

SECRET = "postmark:4f1c2e9a7b3d8e6f0a1b2c3d"
URL = "/mail-provider/postmark/tracking/"


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def bounce(email, kind="HardBounce", record="Bounce"):
    return {
        "RecordType": record,
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message.",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "statements@example.org",
        "BouncedAt": "2026-12-03T16:33:54.9070259Z",
        "Inactive": True,
        "CanActivate": True,
        "Subject": "The river permit must be withdrawn",
    }


def post(payload, auth=SECRET):
    headers = {}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    return Client(enforce_csrf_checks=True).post(
        URL, json.dumps(payload), content_type="application/json", headers=headers
    )


def test_a_hard_bounce_suppresses_the_address_and_its_queued_mail(statement):
    subscriber = make_subscriber("gone@example.org")
    Delivery.objects.create(subscriber=subscriber, statement=statement)
    assert post(bounce("Gone@Example.org")).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.SUPPRESSED
    assert subscriber.suppressed_reason == "Postmark: bounced (bounced)"
    assert Delivery.objects.get().state == Delivery.State.SKIPPED


def test_a_complaint_suppresses_and_stops_reply_mail(statement):
    subscriber = make_subscriber("annoyed@example.org")
    comment = make_comment(statement, email="annoyed@example.org")
    ReplyFollow.objects.create(
        comment=comment, email="annoyed@example.org", state=ReplyFollow.State.CONFIRMED
    )
    response = post(bounce("annoyed@example.org", "SpamComplaint", "SpamComplaint"))
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.SUPPRESSED
    assert ReplyFollow.objects.get().state == ReplyFollow.State.UNSUBSCRIBED


def test_a_soft_bounce_changes_nothing():
    subscriber = make_subscriber("full@example.org")
    assert post(bounce("full@example.org", "SoftBounce")).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED


def test_the_providers_unsubscribe_unsubscribes():
    subscriber = make_subscriber("leaving@example.org")
    payload = {
        "RecordType": "SubscriptionChange",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ServerID": 23,
        "MessageStream": "broadcasts",
        "ChangedAt": "2026-12-03T16:33:54.9070259Z",
        "Recipient": "leaving@example.org",
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Tag": "",
        "Metadata": {},
    }
    assert post(payload).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.UNSUBSCRIBED
    assert subscriber.unsubscribe_method == Subscriber.Method.PROVIDER


@pytest.mark.parametrize("auth", [None, "postmark:wrong-password"])
def test_without_the_secret_nothing_is_accepted(auth):
    subscriber = make_subscriber("kept@example.org")
    assert post(bounce("kept@example.org"), auth=auth).status_code == 400
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED


def test_with_no_secret_configured_the_webhook_is_not_there(settings):
    settings.ANYMAIL = {}
    subscriber = make_subscriber("kept@example.org")
    assert post(bounce("kept@example.org")).status_code == 404
    subscriber.refresh_from_db()
    assert subscriber.state == Subscriber.State.CONFIRMED
